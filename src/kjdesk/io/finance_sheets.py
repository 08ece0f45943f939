"""The layouts of the sheets finance receives, from plain rows (amounts in 分).

Each function returns an ``excel_out.TableSheet``; subtotals and totals are computed here
from the integer 分 of the rows, so every total equals the sum of its rows to the 分.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kjdesk.io.excel_out import DATA, HEADER, SECTION, SUBTOTAL, TOTAL, Column, TableSheet
from kjdesk.money import to_daxie

# --- 年度资金拨付明细表 ----------------------------------------------------------------------


@dataclass(frozen=True)
class DisbursementLine:
    district: str
    unit_name: str
    credit_code: str
    clause: str  # （六）新认定高新技术企业
    wording: str  # 后补助 / 资金支持
    amount_fen: int  # 本年金额
    paid_fen: int  # 累计已拨 (the whole entitlement, every year)
    status: str
    note: str = ""
    bank_name: str = ""  # the payee's 开户银行, when the register has it
    bank_account: str = ""  # 银行账号 (in full: finance pays from this sheet)


DISBURSEMENT_COLUMNS = (
    Column("序号", 6, "center"),
    Column("旗县区", 12, "center"),
    Column("单位名称", 30, "wrap"),
    Column("统一社会信用代码", 21, "center"),
    Column("条款", 30, "wrap"),
    Column("支持方式", 9, "center"),
    Column("本年金额", 15, "money"),
    Column("累计已拨", 15, "money"),
    Column("状态", 9, "center"),
    Column("备注", 24, "wrap"),
)
BANK_COLUMNS = (Column("开户银行", 22, "wrap"), Column("银行账号", 24, "center"))


def _disbursement_rows(
    lines: Sequence[DisbursementLine], bank: bool = False
) -> Iterator[tuple[str, Sequence[object]]]:
    """Data rows grouped by 旗县区 (in the order given), a 小计 after each group, a 合计 at the end;
    with ``bank`` the payee's 开户银行 and 账号 before the 备注."""
    extra = 2 if bank else 0
    seq = 0
    total_amount = total_paid = 0
    i = 0
    while i < len(lines):
        district = lines[i].district
        sub_amount = sub_paid = sub_count = 0
        while i < len(lines) and lines[i].district == district:
            r = lines[i]
            seq += 1
            sub_count += 1
            sub_amount += r.amount_fen
            sub_paid += r.paid_fen
            yield (
                DATA,
                (
                    seq,
                    r.district,
                    r.unit_name,
                    r.credit_code,
                    r.clause,
                    r.wording,
                    r.amount_fen,
                    r.paid_fen,
                    r.status,
                    *((r.bank_name, r.bank_account) if bank else ()),
                    r.note,
                ),
            )
            i += 1
        total_amount += sub_amount
        total_paid += sub_paid
        yield (
            SUBTOTAL,
            (
                None,
                district or "（未填）",
                f"小计（{sub_count} 项）",
                None,
                None,
                None,
                sub_amount,
                sub_paid,
                None,
                *([None] * extra),
                None,
            ),
        )
    yield (
        TOTAL,
        (
            None,
            "合计",
            f"共 {seq} 项",
            None,
            None,
            None,
            total_amount,
            total_paid,
            None,
            *([None] * extra),
            None,
        ),
    )


def disbursement_sheet(
    year: int, bureau_name: str, lines: Sequence[DisbursementLine], chain_head: str = ""
) -> TableSheet:
    """The 明细表 in 元 to the 分, its total also in 大写; bank columns when any payee has them."""
    bank = any(r.bank_name or r.bank_account for r in lines)
    columns = DISBURSEMENT_COLUMNS[:-1] + (BANK_COLUMNS if bank else ()) + DISBURSEMENT_COLUMNS[-1:]
    total = sum(r.amount_fen for r in lines)
    return TableSheet(
        name=f"{year}年度资金拨付明细表",
        title=f"{year}年度科技资金拨付明细表",
        columns=columns,
        rows=_disbursement_rows(lines, bank),
        left_note=f"编制单位：{bureau_name}",
        notes=(
            f"本年金额合计（大写）：{to_daxie(total)}",
            "注：本年金额为该笔应享资金在本年度的计划拨付额；累计已拨为该笔应享资金历年已拨付合计（已扣除冲销）。",
            *(
                (f"审计链头：{chain_head}（制表时的最新审计事件，可与 kjdesk audit verify 所示核对）",)
                if chain_head
                else ()
            ),
        ),
    )


# --- 应享资金汇总表（按条款） ----------------------------------------------------------------


@dataclass(frozen=True)
class ClauseSummaryLine:
    clause: str
    wording: str
    count: int
    amount_fen: int
    approved_fen: int
    paid_fen: int


def summary_sheet(
    year: int, bureau_name: str, lines: Sequence[ClauseSummaryLine], *, in_wan: bool = False
) -> TableSheet:
    """By clause, in 元 (or, as an option of this summary only, 万元 to two decimals)."""
    money = "money_wan" if in_wan else "money"
    columns = (
        Column("序号", 6, "center"),
        Column("条款", 44, "wrap"),
        Column("支持方式", 10, "center"),
        Column("笔数", 8, "int"),
        Column("本年应拨", 16, money),
        Column("已审批", 16, money),
        Column("已拨付", 16, money),
        Column("尚未拨付", 16, money),
    )

    def rows() -> Iterator[tuple[str, Sequence[object]]]:
        tot = [0, 0, 0, 0, 0]
        for seq, r in enumerate(lines, 1):
            vals = [r.count, r.amount_fen, r.approved_fen, r.paid_fen, r.amount_fen - r.paid_fen]
            tot = [a + b for a, b in zip(tot, vals, strict=True)]
            yield DATA, (seq, r.clause, r.wording, *vals)
        yield TOTAL, (None, "合计", None, *tot)

    return TableSheet(
        name=f"{year}应享资金汇总表",
        title=f"{year}年度应享资金汇总表（按政策条款）",
        columns=columns,
        rows=rows(),
        left_note=f"编制单位：{bureau_name}",
        unit_note="单位：万元" if in_wan else "单位：元",
        notes=("注：已审批含已拨付；尚未拨付 = 本年应拨 − 已拨付。",)
        + (("注：金额以万元列示，保留两位小数，与明细表按元合计可能有尾差。",) if in_wan else ()),
    )


# --- 多年度资金承诺表 -----------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentLine:
    clause: str
    count: int
    by_year_fen: Sequence[int]  # one per year of the table


def commitments_sheet(
    first_year: int, bureau_name: str, lines: Sequence[CommitmentLine], years: int = 5
) -> TableSheet:
    span = list(range(first_year, first_year + years))
    columns = (
        Column("序号", 6, "center"),
        Column("条款", 44, "wrap"),
        Column("笔数", 8, "int"),
        *(Column(f"{y}年", 16, "money") for y in span),
        Column("合计", 17, "money"),
    )

    def rows() -> Iterator[tuple[str, Sequence[object]]]:
        tot = [0] * (years + 2)
        for seq, r in enumerate(lines, 1):
            vals = [r.count, *r.by_year_fen, sum(r.by_year_fen)]
            tot = [a + b for a, b in zip(tot, vals, strict=True)]
            yield DATA, (seq, r.clause, *vals)
        yield TOTAL, (None, "合计", *tot)

    return TableSheet(
        name="多年度资金承诺表",
        title=f"多年度资金承诺表（{span[0]}—{span[-1]}年）",
        columns=columns,
        rows=rows(),
        left_note=f"编制单位：{bureau_name}",
        notes=("注：按“每年…连续支持N年”等分年度计划汇总，含已审批、已拨付的年度计划，不含已取消的。",),
    )


# --- 科技创新指标统计表（第（二十五）条） ---------------------------------------------------------


@dataclass(frozen=True)
class PlatformCountLine:
    type_name: str
    national: int
    regional: int
    city: int
    other: int


@dataclass(frozen=True)
class DistrictCountLine:
    district: str
    hte: int
    tsme: int
    platforms: int
    national_platforms: int
    regional_platforms: int


def indicators_sheet(
    year: int,
    bureau_name: str,
    platforms: Sequence[PlatformCountLine],
    districts: Sequence[DistrictCountLine],
    basis: str = "",
) -> TableSheet:
    columns = (
        Column("序号", 6, "center"),
        Column("项目", 30, "wrap"),
        Column("国家级", 15, "int"),
        Column("自治区级", 15, "int"),
        Column("市级", 15, "int"),
        Column("其他", 15, "int"),
        Column("合计", 15, "int"),
    )

    def rows() -> Iterator[tuple[str, Sequence[object]]]:
        yield SECTION, ("一、创新平台（按类型和级别，个）",)
        tot = [0, 0, 0, 0, 0]
        for seq, p in enumerate(platforms, 1):
            vals = [p.national, p.regional, p.city, p.other, p.national + p.regional + p.city + p.other]
            tot = [a + b for a, b in zip(tot, vals, strict=True)]
            yield DATA, (seq, p.type_name, *vals)
        yield TOTAL, (None, "合计", *tot)
        yield SECTION, (f"二、高新技术企业、科技型中小企业和创新平台（按旗县区，{year}年末）",)
        yield (
            HEADER,
            (
                "序号",
                "旗县区",
                "高新技术企业（家）",
                "科技型中小企业（家）",
                "创新平台（个）",
                "其中国家级",
                "其中自治区级",
            ),
        )
        tot = [0, 0, 0, 0, 0]
        for seq, d in enumerate(districts, 1):
            vals = [d.hte, d.tsme, d.platforms, d.national_platforms, d.regional_platforms]
            tot = [a + b for a, b in zip(tot, vals, strict=True)]
            yield DATA, (seq, d.district, *vals)
        yield TOTAL, (None, "合计", *tot)

    return TableSheet(
        name="科技创新指标统计表",
        title=f"{year}年度科技创新指标统计表",
        columns=columns,
        rows=rows(),
        left_note=f"编制单位：{bureau_name}" + (f"（{basis}）" if basis else ""),
        unit_note="单位：个、家",
        notes=(
            "注：高新技术企业按年末仍在有效期内的认定计（有效期3年）；科技型中小企业按当年评价入库计；创新平台按登记的平台及其级别计。",
        ),
    )


# --- 乌海 2025 年目标完成情况 --------------------------------------------------------------------


@dataclass(frozen=True)
class TargetLine:
    article: str
    metric: str
    target: str  # 40 家 / 1—2 家 / 取得阶段性进展
    basis: str  # 存量 / 新增 / 定性
    current: int | None
    progress: float | None  # current / minimum, None for a qualitative target
    note: str = ""


def targets_sheet(
    as_of: str, bureau_name: str, lines: Sequence[TargetLine], by_year: int = 2025
) -> TableSheet:
    columns = (
        Column("序号", 6, "center"),
        Column("条款", 9, "center"),
        Column("指标", 30, "wrap"),
        Column(f"{by_year}年目标", 14, "center"),
        Column("口径", 10, "center"),
        Column("当前完成（家）", 13, "int"),
        Column("完成进度", 11, "percent"),
        Column("说明", 42, "wrap"),
    )

    def rows() -> Iterator[tuple[str, Sequence[object]]]:
        for seq, t in enumerate(lines, 1):
            yield DATA, (seq, t.article, t.metric, t.target, t.basis, t.current, t.progress, t.note)

    return TableSheet(
        name="目标完成情况",
        title=f"乌海市“科技兴蒙”{by_year}年目标完成情况",
        columns=columns,
        rows=rows(),
        left_note=f"编制单位：{bureau_name}　统计截至：{as_of}",
        unit_note="单位：家",
        notes=(
            "注：依据乌海政发〔2021〕21号。存量指标按统计日仍有效的认定计；新增指标按2021年7月15日以后的认定计。",
        ),
    )
