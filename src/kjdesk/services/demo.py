"""A demo bureau: a full, realistic, fictional register for a newcomer to look at (issue 11).

Generated from a fixed seed through the same services an officer uses, so it exercises
them too. About 200 units across the real 旗县区, their platforms and people, four years of
recognitions and facts that trigger every cash clause of the city's catalog (upgrades,
multi-year schedules, caps, a revocation, a move out of the city), officer-entered amounts
for the discretionary clauses, and — where those services exist — approvals, payments
and letters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from stdnum.cn import ric, uscc

from kjdesk.policy.model import Clause, Form, Level, SubjectKind, SubjectRef
from kjdesk.services.core.app import App
from kjdesk.services.core.progress import NullProgress, Progress

DEMO_SEED = 2021_0814
DEMO_FILE = "kjdesk-demo.sqlite"

_PREFIX = (
    "鑫",
    "恒",
    "华",
    "北",
    "草原",
    "钢城",
    "鹿城",
    "黄河",
    "阴山",
    "金",
    "瑞",
    "中",
    "宏",
    "远",
    "新",
    "天",
    "蒙",
    "达",
    "晨",
    "博",
)
_MIDDLE = (
    "稀土",
    "新材料",
    "装备",
    "智能",
    "能源",
    "生物",
    "环保",
    "信息",
    "化工",
    "冶金",
    "农牧",
    "氢能",
    "光伏",
    "电子",
    "机械",
    "医药",
    "数据",
    "材料",
    "风电",
    "铝业",
)
_SUFFIX = (
    "科技有限公司",
    "股份有限公司",
    "技术有限责任公司",
    "新材料有限公司",
    "制造有限公司",
    "研究院有限公司",
)
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
_GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
)
_COUNTY = {
    "baotou": ("150202", "150203", "150204", "150205", "150206", "150207", "150221", "150222", "150223"),
    "wuhai": ("150302", "150303", "150304"),
}


DEMO_PASSWORD = "kjdesk-demo"  # the demo's accounts: 演示管理员 admin, 经办人 jingban, 复核人 fuhe
DEMO_ACCOUNTS = (  # (login, name, role): the two-person approval can be tried with the first two
    ("jingban", "演示经办人", "经办人"),
    ("fuhe", "演示复核人", "复核人"),
    ("admin", "演示管理员", "管理员"),
)


def demo_accounts_text() -> str:
    """What the demo's first page says about its accounts, so the two-person flow can be tried."""
    lines = [f"{role}：用户名 {login}（{name}）" for login, name, role in DEMO_ACCOUNTS]
    return (
        "演示数据库中的账号（密码都是 "
        + DEMO_PASSWORD
        + "）：\n"
        + "\n".join(lines)
        + "\n\n经办人报批、复核人审批、经办人登记拨付：用两个账号轮流登录即可试用两人审批。"
    )


@dataclass
class DemoSummary:
    batches: int = 0
    payments: int = 0
    letters: int = 0
    units: int = 0
    platforms: int = 0
    people: int = 0
    recognitions: int = 0
    facts: int = 0
    entered: int = 0
    clauses_triggered: set[str] = field(default_factory=set)


def demo_db_path(data_dir: Path) -> Path:
    return data_dir / DEMO_FILE


def open_demo(data_dir: Path, city: str = "baotou", progress: Progress | None = None) -> App:
    """The demo database beside (never instead of) the officer's own; built on first use."""
    from kjdesk.services.core.settings import bureau

    path = demo_db_path(data_dir)
    app = App.open(path, actor="演示用户")
    app.extra["demo"] = True
    current = bureau(app)
    if current is None:
        build_demo(app, city, progress)
    return app


class _Builder:
    def __init__(self, app: App, city: str, seed: int) -> None:
        from kjdesk.validation import districts_of

        self.app, self.city, self.rng = app, city, random.Random(seed)
        self.districts = districts_of(city)
        self.city_name = "包头市" if city == "baotou" else "乌海市"
        self.summary = DemoSummary()
        self._serial = 0
        self._names: set[str] = set()

    # --- register ------------------------------------------------------------------------

    def code(self) -> str:
        self._serial += 1
        region = "1502" if self.city == "baotou" else "1503"
        body = f"91{region}{self.rng.randint(0, 9):01d}{self.rng.randint(0, 9)}MA{self._serial:07d}"[:17]
        return body + uscc.calc_check_digit(body)

    def unit_name(self) -> str:
        while True:
            name = (
                self.city_name
                + self.rng.choice(_PREFIX)
                + self.rng.choice(_PREFIX[::-1])
                + self.rng.choice(_MIDDLE)
                + self.rng.choice(_SUFFIX)
            )
            if name not in self._names:
                self._names.add(name)
                return name

    def unit(
        self,
        *,
        name: str | None = None,
        kind: str = "企业",
        district: str | None = None,
        moved_out: date | None = None,
    ) -> int:
        from kjdesk.services.register import UnitInput, add_unit

        row = add_unit(
            self.app,
            UnitInput(
                name=name or self.unit_name(),
                credit_code=self.code(),
                kind=kind,
                district=district or self.rng.choice(self.districts),
                size_class=self.rng.choice(("小微企业", "小微企业", "其他企业")) if kind == "企业" else "",
                industry=self.rng.choice(_MIDDLE),
                contact=self.person_name(),
                phone=f"0472-{self.rng.randint(2000000, 8999999)}",
                registered_from=date(2015, 1, 1),
                moved_out=moved_out,
            ),
        )
        self.summary.units += 1
        return row.id

    def person_name(self) -> str:
        return self.rng.choice(_SURNAMES) + "".join(
            self.rng.choice(_GIVEN) for _ in range(self.rng.randint(1, 2))
        )

    def person(self, employer: int | None, role: str) -> int:
        from kjdesk.services.register import PersonInput, add_person

        body = (
            self.rng.choice(_COUNTY[self.city])
            + f"{self.rng.randint(1965, 1995)}"
            + f"{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}{self.rng.randint(100, 999)}"
        )
        number = body + ric.calc_check_digit(body + "0")
        row = add_person(
            self.app,
            PersonInput(name=self.person_name(), id_number=number, employer_unit_id=employer, role=role),
        )
        self.summary.people += 1
        return row.id

    def platform(self, host: int, type_id: str, level: str, name: str) -> int:
        from kjdesk.services.register import PlatformInput, add_platform

        row = add_platform(self.app, PlatformInput(name, type_id, level, host))
        self.summary.platforms += 1
        return row.id

    # --- records -------------------------------------------------------------------------

    def recognize(
        self,
        subject: SubjectRef,
        type_id: str,
        level: str,
        day: date,
        *,
        stage: str = "",
        status: str = "有效",
        status_date: date | None = None,
    ) -> int:
        from kjdesk.services.register.records import RecognitionInput, add_recognition

        issuer = {
            "国家": "国科发",
            "自治区": "内科发",
            "市级": "包科发" if self.city == "baotou" else "乌科发",
            "": "内科发",
        }[level]
        row = add_recognition(
            self.app,
            RecognitionInput(
                subject.kind,
                subject.id,
                type_id,
                level,
                day,
                f"{issuer}〔{day.year}〕{self.rng.randint(2, 180)}号",
                stage=stage,
                status=status,
                status_date=status_date,
                evidence="认定文件及证书复印件已存档",
            ),
        )
        self.summary.recognitions += 1
        return row.id

    def fact(
        self,
        subject: SubjectRef,
        year: int,
        indicator: str,
        value: Decimal | None = None,
        text: str = "",
        item_ref: str = "",
    ) -> None:
        from kjdesk.services.register.records import FactInput, upsert_fact

        upsert_fact(
            self.app,
            FactInput(
                subject.kind, subject.id, year, indicator, value, text, item_ref, reference="企业申报材料"
            ),
        )
        self.summary.facts += 1

    def enter(
        self,
        subject: SubjectRef,
        clause: Clause,
        year: int,
        amount_fen: int,
        item_ref: str = "",
        recognition_id: int | None = None,
    ) -> None:
        from kjdesk.services.entitlements.entered import EnteredInput, enter_amount

        basis = f"{self.city_name}科技局党组会议纪要〔{year}〕{self.rng.randint(3, 30)}号"
        enter_amount(
            self.app, EnteredInput(subject, clause.id, year, amount_fen, basis, recognition_id, item_ref)
        )
        self.summary.entered += 1


def _unit(i: int) -> SubjectRef:
    return SubjectRef(SubjectKind.UNIT, i)


def _day(rng: random.Random, year: int) -> date:
    return date(year, rng.randint(3, 11), rng.randint(1, 28))


def build_demo(app: App, city: str, progress: Progress | None = None, seed: int = DEMO_SEED) -> DemoSummary:
    """Fill a new, empty database with the demo bureau of ``city``."""
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.policy.engine import is_cash
    from kjdesk.services.core.settings import initialize

    progress = progress or NullProgress()
    initialize(app, city, f"{'包头' if city == 'baotou' else '乌海'}市科学技术局（演示）")
    b = _Builder(app, city, seed)
    policy = load_builtin(city)
    cash = [c for c in policy.clauses if is_cash(c)]
    progress.set_total(200 + len(cash))
    progress.set_status("正在生成演示单位")
    enterprises = [b.unit() for _ in range(150)]
    for i, uid in enumerate(enterprises):
        progress.set_value(i)
        progress.check()
        _background(b, uid)
    institutions = [
        b.unit(name=f"{b.city_name}{n}", kind="高校院所")
        for n in ("科技大学", "稀土研究院", "农牧科学院", "第一医院", "职业技术学院", "新型研发机构研究院")
    ]
    agencies = [
        b.unit(name=f"{b.city_name}{n}", kind="服务机构")
        for n in ("科技大市场", "技术转移中心", "技术合同登记站", "生产力促进中心")
    ]
    park_district = "稀土高新区" if city == "baotou" else "乌海高新区"
    park = b.unit(name=f"{b.city_name}{park_district}管理委员会", kind="园区", district=park_district)
    parks = [park] + [
        b.unit(name=f"{b.city_name}{d}农业科技园区管理办公室", kind="园区", district=d)
        for d in b.districts[-3:-1]
    ]
    ctx = _Ctx(b, enterprises, institutions, agencies, parks)
    progress.set_status("正在为每个条款生成认定和数据")
    for j, clause in enumerate(cash):
        progress.set_value(150 + j)
        progress.check()
        if _trigger(ctx, clause):
            b.summary.clauses_triggered.add(clause.id)
    _scenarios(ctx)
    progress.set_status("正在生成审批、拨付和通知书")
    _money_flow(app, b.summary)
    progress.set_value(progress_total(progress))
    return b.summary


def progress_total(progress: Progress) -> int:
    return getattr(progress, "total", 0)


def _background(b: _Builder, uid: int) -> None:
    """Realistic everyday records: 高企, 科技型中小企业 入库, R&D expense and size each year."""
    rng, ref = b.rng, _unit(uid)
    if rng.random() < 0.35:
        b.recognize(ref, "hte", "国家", _day(rng, rng.choice((2022, 2023, 2024, 2025))))
    if rng.random() < 0.3:
        first = rng.choice((2022, 2023, 2024))
        for year in range(first, first + rng.randint(1, 3)):
            b.recognize(ref, "tsme", "国家", _day(rng, year))
    if rng.random() < 0.25:
        for year in (2023, 2024, 2025):
            b.fact(ref, year, "企业规模", text=rng.choice(("小微企业", "其他企业")))
            b.fact(ref, year, "加计扣除研发费用", Decimal(rng.randint(300_000, 30_000_000)))


@dataclass
class _Ctx:
    b: _Builder
    enterprises: list[int]
    institutions: list[int]
    agencies: list[int]
    parks: list[int]
    used: set[int] = field(default_factory=set)

    def fresh_enterprise(self) -> int:
        for uid in self.b.rng.sample(self.enterprises, len(self.enterprises)):
            if uid not in self.used:
                self.used.add(uid)
                return uid
        return self.b.rng.choice(self.enterprises)

    def host_for(self, clause: Clause) -> int:
        if clause.beneficiary == "park":
            t = clause.trigger
            if t is not None and t.recognition == "agri_park":  # two different 农业科技园区
                return self.parks[1] if Level.NATIONAL in t.levels else self.parks[2]
            return self.parks[0]
        if clause.beneficiary in ("institution", "registry"):
            return self.b.rng.choice(self.institutions + self.agencies)
        return self.fresh_enterprise()


_PLATFORM_SUFFIX = {
    "tic": "技术创新中心",
    "kl": "重点实验室",
    "erc": "工程技术研究中心",
    "etc": "企业技术中心",
    "rdc": "企业研发中心",
    "clinical": "临床医学研究中心",
    "mic": "制造业创新中心",
    "incubator": "科技企业孵化器",
    "makerspace": "众创空间",
    "agri_base": "农业科技示范基地",
    "transfer_base": "科技成果转移转化示范基地",
    "pilot_platform": "中试公共服务平台",
    "academician_ws": "院士工作站",
    "alliance": "产业技术创新战略联盟",
    "intl_base": "国际科技合作基地",
    "re_tic": "国家稀土新材料技术创新中心",
}


def _subject_for(ctx: _Ctx, clause: Clause, type_id: str, level: str) -> SubjectRef:
    from kjdesk.policy.titles import builtin_titles

    b = ctx.b
    kind = builtin_titles().types[type_id].subject
    host = ctx.host_for(clause)
    if kind == SubjectKind.PLATFORM:
        suffix = _PLATFORM_SUFFIX.get(type_id, builtin_titles().types[type_id].name)
        prefix = {"国家": "", "自治区": "内蒙古", "市级": b.city_name}.get(level, "")
        name = suffix if type_id == "re_tic" else f"{prefix}{b.rng.choice(_MIDDLE)}{suffix}"
        return SubjectRef(SubjectKind.PLATFORM, b.platform(host, type_id, level, name))
    if kind == SubjectKind.PERSON:
        return SubjectRef(SubjectKind.PERSON, b.person(host, "科技特派员"))
    return _unit(host)


def _trigger(ctx: _Ctx, clause: Clause) -> bool:
    """Create the records that make ``clause`` pay; returns False for clauses left to scenarios."""
    b, rng = ctx.b, ctx.b.rng
    t = clause.trigger
    year = rng.choice((2022, 2023) if t is not None and t.requires_valid else (2022, 2023, 2024))
    if t is not None and t.recognition:
        from kjdesk.policy.titles import builtin_titles

        level = (t.levels or builtin_titles().types[t.recognition].levels or (Level.NONE,))[0].value
        subject = _subject_for(ctx, clause, t.recognition, level)
        if t.requires_valid:
            # Certified before the policy (so 高企认定 itself is not paid here) and still valid.
            b.recognize(subject, t.requires_valid, "国家", date(2021, 3, 1))
        day = _day(rng, year)
        if t.consecutive > 1:
            for k in range(t.consecutive - 1, 0, -1):
                b.recognize(subject, t.recognition, level, _day(rng, year - k), stage=t.stage)
        rec_id = b.recognize(subject, t.recognition, level, day, stage=t.stage)
        _conditions_met(ctx, clause, subject, rec_id)
        _base_facts(ctx, clause, subject, day.year, rec_id)
        if clause.entered and not clause.is_floor and not (clause.form == Form.MATCHING and clause.base_fact):
            b.enter(subject, clause, day.year, _amount(rng, clause), recognition_id=rec_id)
        return True
    if clause.base_fact:
        subject = _subject_for_facts(ctx, clause)
        _conditions_met(ctx, clause, subject, None)
        _base_facts(ctx, clause, subject, year, None)
        return True
    if clause.entered:
        subject = _unit(ctx.host_for(clause))
        b.enter(subject, clause, year, _amount(rng, clause))
        return True
    return False


def _conditions_met(ctx: _Ctx, clause: Clause, subject: SubjectRef, rec_id: int | None) -> None:
    """D14: record every condition the clause names as met (the officer checked them)."""
    from kjdesk.policy.conditions import BY_KEY
    from kjdesk.services.register import get_unit
    from kjdesk.services.register.condition_edits import set_recognition_conditions, set_unit_conditions

    on_unit = {c.attribute: c.met[0] for c in clause.conditions if BY_KEY[c.attribute].of == "unit"}
    on_rec = {c.attribute: c.met[0] for c in clause.conditions if BY_KEY[c.attribute].of == "recognition"}
    if on_unit and subject.kind == SubjectKind.UNIT:
        set_unit_conditions(ctx.b.app, get_unit(ctx.b.app, subject.id).credit_code, on_unit)
    if on_rec and rec_id is not None:
        set_recognition_conditions(ctx.b.app, rec_id, on_rec)


def _subject_for_facts(ctx: _Ctx, clause: Clause) -> SubjectRef:
    if clause.base_fact == "纳税劳动报酬":
        return SubjectRef(SubjectKind.PERSON, ctx.b.person(ctx.fresh_enterprise(), "人才"))
    return _unit(ctx.host_for(clause))


def _amount(rng: random.Random, clause: Clause) -> int:
    wan = rng.choice((10, 20, 30, 50, 100))
    amount = wan * 1_000_000
    if clause.cap_fen is not None:
        amount = min(amount, clause.cap_fen)
    return amount


def _base_facts(ctx: _Ctx, clause: Clause, subject: SubjectRef, year: int, rec_id: int | None) -> None:
    """The yearly figures a rate, step or matching clause computes from."""
    b, rng = ctx.b, ctx.b.rng
    fact = clause.base_fact
    if not fact:
        return
    fact_year = year + clause.base_year_offset
    item = f"{'HT' if clause.per_item else ''}{year}-{rng.randint(100, 999)}" if clause.per_item else ""
    if fact == "加计扣除研发费用":
        b.fact(subject, fact_year, "企业规模", text="小微企业")
        b.fact(subject, fact_year, fact, Decimal(50_000_000))  # 5% = 250 万元: the 200 万元 cap applies
    elif fact == "高新区年度位次":
        b.fact(subject, fact_year - 1, fact, Decimal(87))
        b.fact(subject, fact_year, fact, Decimal(74))  # 13 places gained: two steps of 5
    elif fact == "技术合同登记成交额":
        b.fact(subject, fact_year - 1, fact, Decimal(310_000_000))
        b.fact(subject, fact_year, fact, Decimal(480_000_000))  # +1.7 亿元: three steps of 5000 万元
    elif clause.condition is not None:
        total = clause.condition.value + (
            Decimal(20_000_000) if ">" in clause.condition.op else -Decimal(30_000_000)
        )
        b.fact(subject, fact_year, clause.condition.fact, total, item_ref=item)
        b.fact(subject, fact_year, fact, Decimal(rng.randint(10_000_000, 60_000_000)), item_ref=item)
    else:
        value = Decimal(rng.choice((800_000, 2_600_000, 5_000_000, 6_500_000)))
        b.fact(subject, fact_year, fact, value, item_ref=item)
        if clause.form == Form.MATCHING:
            ratio = clause.match_ratio_min or Decimal(1)
            b.enter(subject, clause, year, int(value * 100 * ratio), item_ref=item, recognition_id=rec_id)


def _scenarios(ctx: _Ctx) -> None:
    """The cases an officer must see handled: upgrade, revocation, move out."""
    b = ctx.b
    if b.city != "baotou":
        # 乌海's 给予一定支持 has no amount: the bureau sets a yearly standard that pre-fills (D8).
        from kjdesk.services.entitlements.entered import set_standard

        for clause_id, wan in (("WH-11-hte", 10), ("WH-11-tsme", 5), ("WH-11-gazelle", 20)):
            for year in (2022, 2023, 2024, 2025):
                set_standard(
                    b.app, clause_id, year, wan * 1_000_000, f"乌海市科技局党组会议纪要〔{year}〕2号"
                )
        return
    # An upgrade: 自治区级 重点实验室 (50 万) in 2022, then 国家重点实验室 in 2024 pays the difference.
    host = ctx.fresh_enterprise()
    lab = SubjectRef(SubjectKind.PLATFORM, b.platform(host, "kl", "自治区", "内蒙古稀土功能材料重点实验室"))
    b.recognize(lab, "kl", "自治区", date(2022, 4, 18))
    b.platform_upgrade = b.recognize(lab, "kl", "国家", date(2024, 6, 3))  # type: ignore[attr-defined]
    # A revocation: a 国家工程技术研究中心 approved in 2022 and revoked in 2024 after two paid years.
    centre = SubjectRef(
        SubjectKind.PLATFORM,
        b.platform(ctx.fresh_enterprise(), "erc", "国家", "国家稀土冶金工程技术研究中心"),
    )
    b.recognize(centre, "erc", "国家", date(2022, 9, 9), status="撤销", status_date=date(2024, 5, 20))
    # D14: a patent purchase whose buyer's 纳税所在地 is not recorded yet: 须核实, not planned.
    buyer = _unit(ctx.fresh_enterprise())
    b.fact(buyer, 2024, "技术交易额", Decimal(1_200_000), item_ref="HT2024-777")
    # A move out of the city: an 工业特派员 enterprise that left in 2025.
    mover = b.unit(moved_out=date(2025, 6, 30))
    b.recognize(_unit(mover), "industrial_commissioner", "市级", date(2022, 3, 1))


def _money_flow(app: App, summary: DemoSummary) -> None:
    """Two officers: 经办人 proposes the earlier years, 复核人 approves; finance paid 2022 and
    part of 2023; the 2022 高企 letters are issued (when a Chinese font is on the machine)."""
    from kjdesk.services.core.app import ServiceError
    from kjdesk.services.core.officers import create_officer, ensure_first_admin, sign_in
    from kjdesk.services.disbursement.approval import approve_batch, propose_batch
    from kjdesk.services.disbursement.payments import record_payment
    from kjdesk.services.disbursement.plan import year_plan

    ensure_first_admin(app, "admin", DEMO_PASSWORD, "演示管理员")
    admin = sign_in(app, "admin", DEMO_PASSWORD)
    for login, name, role in DEMO_ACCOUNTS:
        if role != "管理员":
            create_officer(admin, login, name, role, DEMO_PASSWORD)
    maker, checker = sign_in(app, "jingban", DEMO_PASSWORD), sign_in(app, "fuhe", DEMO_PASSWORD)
    for year in (2022, 2023):
        try:
            batch = propose_batch(maker, year, note="演示：年度拨付计划")
            approve_batch(checker, batch.id)
            summary.batches += 1
        except ServiceError:
            continue  # e.g. a 后补助 without evidence: it stays proposed, as in real life
    for year, share in ((2022, 1.0), (2023, 0.5)):
        rows = [r for r in year_plan(maker, year).rows if r.state == "approved"]
        for i, row in enumerate(rows[: max(1, int(len(rows) * share))]):
            record_payment(
                maker, row.instalment_id, date(year, 12, 10), f"财拨〔{year}〕{i + 1:04d}号", row.amount_fen
            )
            summary.payments += 1
    try:
        from kjdesk.services.letters import issue_letters

        result = issue_letters(
            maker,
            2022,
            clause_id="BT-06-hte-cert" if maker_city(app) == "baotou" else None,
            issued_on=date(2022, 12, 20),
        )
        summary.letters = len(result.issued)
    except ServiceError:
        pass  # no Chinese font on this machine: the demo has no letters, everything else is there


def maker_city(app: App) -> str:
    from kjdesk.services.core.settings import require_bureau

    return require_bureau(app).city
