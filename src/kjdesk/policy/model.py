"""The policy catalog and the engine's inputs and outputs, as plain frozen dataclasses.

Nothing here knows about Qt, SQLAlchemy or files: the catalog loader fills ``Policy`` and
``Clause`` from TOML, the services fill ``SubjectFacts`` from the register, and the engine
turns them into ``Entitlement`` values with an explanation trace.

Money is integer 分 (``*_fen``), rates are ``Decimal``, dates are ``datetime.date``.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from decimal import Decimal
from enum import StrEnum


def quick_init(cls: type) -> type:
    """Give a frozen dataclass an ``__init__`` that fills the instance's dict directly.

    The one ``dataclass(frozen=True)`` writes sets each field through ``object.__setattr__``,
    three times slower; a recomputation builds a few hundred thousand records, instalments and
    entitlements (measured: their reading a little slower, building them much quicker, so only
    for those built many times and read a few times each). Same signature, defaults, values,
    equality, hash and repr; setting an attribute afterwards still raises ``FrozenInstanceError``.
    Only for fields without a default factory and classes without ``__post_init__``."""
    assert not hasattr(cls, "__post_init__")
    scope: dict[str, object] = {}
    params, body = [], []
    for f in fields(cls):
        assert f.default_factory is MISSING and f.name.isidentifier() and not f.name.startswith("_")
        if f.default is MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _values[{f.name!r}] = {f.name}")
    source = f"def __init__(self, {', '.join(params)}):\n    _values = self.__dict__\n" + "\n".join(body)
    exec(source, scope)  # noqa: S102 - as ``dataclasses`` makes its own ``__init__``
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    init.__module__ = cls.__module__  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[misc]
    return cls


class Form(StrEnum):
    """The form of a clause's rule, as the ``form`` column of clauses.md names it."""

    ONE_TIME = "ONE_TIME"  # 一次性
    ONE_TIME_STAR = "ONE_TIME*"  # neither 一次性 nor 每年 (D2)
    ANNUAL_N_YEARS = "ANNUAL_N_YEARS"  # 每年 … 连续支持 N 年 (D4)
    RATE_WITH_CAP = "RATE_WITH_CAP"
    TIERED_RATE = "TIERED_RATE"
    STEP_INCREMENT = "STEP_INCREMENT"
    MATCHING = "MATCHING"
    DISCRETIONARY = "DISCRETIONARY"
    OTHER = "OTHER"
    PRIORITY = "PRIORITY"
    TAX = "TAX"


FORM_LABELS: dict[Form, str] = {
    Form.ONE_TIME: "一次性",
    Form.ONE_TIME_STAR: "单次",
    Form.ANNUAL_N_YEARS: "每年，连续支持",
    Form.RATE_WITH_CAP: "比例（封顶）",
    Form.TIERED_RATE: "分档比例（封顶）",
    Form.STEP_INCREMENT: "按增量阶梯",
    Form.MATCHING: "配套",
    Form.DISCRETIONARY: "金额由本局决定",
    Form.OTHER: "其他（非资金）",
    Form.PRIORITY: "优先支持（非资金）",
    Form.TAX: "税收优惠（非资金）",
}


def form_label(clause: Clause) -> str:
    """The form of a clause in words. A DISCRETIONARY clause says what its text says: “一事一议”
    only where the text has it (乌海（十七）), “择优” where it has that, else “给予一定支持”."""
    if clause.form == Form.DISCRETIONARY:
        if "一事一议" in clause.quote or "一事一议" in clause.title:
            return "一事一议"
        if "择优" in clause.quote:
            return "择优支持，金额由本局决定"
        if "一定支持" in clause.quote:
            return "给予一定支持，金额由本局决定"
    return FORM_LABELS.get(clause.form, clause.form.value)


class Level(StrEnum):
    NATIONAL = "国家"
    REGIONAL = "自治区"
    CITY = "市级"
    NONE = ""  # the title carries no level (e.g. 瞪羚企业)


LEVEL_RANK: dict[Level, int] = {Level.NONE: 0, Level.CITY: 1, Level.REGIONAL: 2, Level.NATIONAL: 3}


class SubjectKind(StrEnum):
    UNIT = "unit"
    PLATFORM = "platform"
    PERSON = "person"


class RecognitionStatus(StrEnum):
    VALID = "有效"
    REVOKED = "撤销"
    EXPIRED = "过期"
    MOVED_OUT = "迁出"


@dataclass(frozen=True)
class PolicyDocument:
    city: str  # "baotou" | "wuhai"
    title: str
    issuer: str
    doc_number: str  # 文号, e.g. 包党发〔2021〕24号
    issued: date
    effective: date
    superseded: date | None = None  # the day a newer document replaced it


@dataclass(frozen=True)
class Trigger:
    """What a register record must be for a clause to apply.

    ``recognition`` is a recognition-type id of the title vocabulary (e.g. ``hte`` for
    高新技术企业); ``levels`` the levels it pays for; ``stage`` an optional qualifier of the
    recognition (培育, 考核优秀, 考核良好, 续签, 新认定). ``requires_valid`` names another
    recognition type that must be valid on the recognition's date (小巨人 needs 高企).
    ``consecutive`` > 1 means N 评价入库 in consecutive years (D3).
    """

    recognition: str | None = None
    levels: tuple[Level, ...] = ()
    stage: str = ""
    requires_valid: str | None = None
    consecutive: int = 1


@dataclass(frozen=True)
class RateTier:
    """One tier of a TIERED_RATE clause: applies when ``fact`` equals ``equals`` (or always if None)."""

    rate: Decimal
    fact: str | None = None
    equals: str | None = None
    label: str = ""


@dataclass(frozen=True)
class FactCondition:
    """A threshold on a fact, e.g. 项目总投资 >= 10000 万元 (BT-15)."""

    fact: str
    op: str  # ">=", ">", "<", "<="
    value: Decimal  # in the fact's own unit (元 for money facts)


@dataclass(frozen=True)
class Condition:
    """D14: a condition the text attaches that a recognition alone does not show.

    The condition is a recorded attribute (``attribute``, a key of ``conditions.ATTRIBUTES``)
    of the subject or of the recognition; it is met when the recorded value is one of ``met``.
    While nothing is recorded, ``infer`` may read the value from another record (``infer_from``:
    the unit's 所属领域 ``industry`` or the recognition's ``title``): the first key found in
    that text gives the value. ``text`` is the condition in the policy text's own words.
    """

    attribute: str
    text: str
    met: tuple[str, ...] = ("是",)
    infer_from: str = ""  # "industry" | "title" | ""
    infer: tuple[tuple[str, str], ...] = ()  # (words found in that text, the value they mean)


@dataclass(frozen=True)
class Clause:
    id: str
    city: str
    article: str  # （六）
    title: str
    beneficiary: str  # enterprise | platform | institution | park | person | project | broker | registry
    form: Form
    quote: str
    payment_wording: str = ""  # 后补助 / 资金支持 / 补助 / 奖励 / 支持 / 配套资金支持 / 配套支持 / ""
    trigger: Trigger | None = None
    amount_fen: int | None = None  # the fixed amount (per instalment for ANNUAL_N_YEARS)
    is_floor: bool = False  # 不低于: the amount is a floor (D5)
    years: int | None = None  # N of 连续支持 N 年; 0 means "while the recognition is valid" (D4)
    rate: Decimal | None = None
    tiers: tuple[RateTier, ...] = ()
    base_fact: str | None = None  # the fact the rate or step applies to
    base_year_offset: int = 0  # -1: the fact of year Y-1 pays in year Y (R13)
    per_item: bool = False  # each 事项编号 (contract, project) is its own base (BT-12, BT-15)
    condition: FactCondition | None = None
    cap_fen: int | None = None
    cap_scope: str = ""  # per_year | per_item | per_subject_total | per_event
    step_size: Decimal | None = None  # in the fact's unit (元, or 位 for rankings)
    step_amount_fen: int | None = None
    lower_is_better: bool = False  # rankings: a smaller number is a better place
    match_ratio_min: Decimal | None = None  # MATCHING: the entered amount >= ratio × base
    match_ratio_max: Decimal | None = None  # MATCHING: the entered amount <= ratio × base (等额: = min)
    entered: bool = False  # the amount is entered by an officer (D8, A26)
    repeat: str = (
        "once_per_subject"  # once_per_subject | once_per_event | once_per_assessment_year | per_year
    )
    exclusion_group: str | None = None  # D1
    cash: bool = True  # False for TAX / PRIORITY / non-cash OTHER (D9)
    payer: str = ""  # 市财政 by default (R14)
    readings: tuple[str, ...] = ()  # "按本系统口径：…" sentences shown with every amount
    notes: str = ""
    conditions: tuple[Condition, ...] = ()  # D14: recorded conditions the text attaches


@dataclass(frozen=True)
class Target:
    """A quantitative target (乌海 §4)."""

    id: str
    article: str
    metric: str
    minimum: int | None
    maximum: int | None
    kind: str  # stock | flow | qualitative
    by_year: int
    recognition: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    quote: str = ""
    firmness: str = ""  # "力争" when the text says so, else ""
    notes: str = ""
    all_platform_types: bool = False  # D14: every platform type of the register counts (WH-T-07)


@dataclass(frozen=True)
class Policy:
    document: PolicyDocument
    clauses: tuple[Clause, ...]
    targets: tuple[Target, ...] = ()
    settings: dict[str, object] = field(default_factory=dict)  # the Part I readings (D1–D13)

    def clause(self, clause_id: str) -> Clause:
        for c in self.clauses:
            if c.id == clause_id:
                return c
        raise KeyError(clause_id)


# --- Engine inputs ----------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectRef:
    kind: SubjectKind
    id: int


@quick_init
@dataclass(frozen=True)
class RecognitionRecord:
    id: int
    subject: SubjectRef
    type_id: str  # recognition-type id of the title vocabulary
    level: Level
    date: date  # the 认定/获批 date (D10)
    doc_number: str = ""  # 文号
    stage: str = ""
    valid_until: date | None = None
    status: RecognitionStatus = RecognitionStatus.VALID
    status_date: date | None = None  # when it was revoked / expired / moved out
    has_evidence: bool = False  # D11
    first_year: int | None = None  # D4: officer moved the first instalment year later
    title: str = ""  # the title as written on the document (D14 may read the 工程中心 series from it)
    attributes: tuple[tuple[str, str], ...] = ()  # D14: recorded conditions (attribute, value)


@quick_init
@dataclass(frozen=True)
class FactRecord:
    id: int
    subject: SubjectRef
    year: int
    indicator: str  # 加计扣除研发费用, 企业规模, …
    value: Decimal | None = None  # money in 元; rankings in 位
    text: str = ""  # for categorical facts (企业规模 = 小微企业)
    item_ref: str = ""  # 事项编号 for per-contract / per-project facts
    to_verify: str = ""  # 须核实: why the officer must confirm the figure (D6 migration); "" = confirmed
    reference: str = ""  # the document the figure comes from (e.g. the 自治区 allocation's 文号)


@quick_init
@dataclass(frozen=True)
class EnteredAmount:
    """An officer's amount for a DISCRETIONARY / MATCHING / floor clause (D5, D8)."""

    id: int
    subject: SubjectRef
    clause_id: str
    year: int
    amount_fen: int
    basis: str  # 文号 or 会议纪要
    recognition_id: int | None = None
    item_ref: str = ""


@dataclass(frozen=True)
class SubjectFacts:
    subject: SubjectRef
    name: str
    city: str
    registered_from: date | None = None  # in the city since
    moved_out: date | None = None  # 迁出
    recognitions: tuple[RecognitionRecord, ...] = ()
    facts: tuple[FactRecord, ...] = ()
    entered: tuple[EnteredAmount, ...] = ()
    payee: SubjectRef | None = None  # the unit paid for a platform or a person (host / employer)
    attributes: tuple[tuple[str, str], ...] = ()  # D14: the subject's recorded conditions, 所属领域


# --- Engine outputs ---------------------------------------------------------------------


class EntitlementStatus(StrEnum):
    DUE = "应享"
    EXCLUDED = "不重复享受"  # D1: another clause of the group won
    NO_POLICY = "无适用政策"  # D10
    CANCELLED = "已取消"  # D4: revoked / expired / moved out
    AWAITING_AMOUNT = "待录入金额"  # D8: an entered amount is needed
    NOT_ELIGIBLE = "不符合条件"
    TO_VERIFY = "须核实"  # D14 / D6: a condition or a figure the officer must confirm first


@quick_init
@dataclass(frozen=True)
class PlannedInstalment:
    year: int
    amount_fen: int
    cancelled_reason: str = ""  # non-empty: D4 cancelled this instalment


@quick_init
@dataclass(frozen=True)
class Entitlement:
    """What one subject is owed under one clause for one event.

    ``key`` is stable across recomputations (clause id + the record or item or year that
    triggered it), so services can match a new result to the stored one.
    """

    key: str
    subject: SubjectRef
    clause_id: str
    status: EntitlementStatus
    total_fen: int
    instalments: tuple[PlannedInstalment, ...]
    explanation: tuple[str, ...]
    recognition_id: int | None = None
    payment_wording: str = ""
    winner_clause_id: str | None = None  # D1: the clause that won the group
    deducted_fen: int = 0  # D1: what was taken off for earlier grants of the group
    basis: str = ""  # what an entered / standard / matched amount rests on (empty: the clause's own text)
    entered_id: int | None = None  # the officer's entry the amount comes from
    waiting_year: int | None = None  # 待录入金额: the year it would be paid in (its trigger's year)
