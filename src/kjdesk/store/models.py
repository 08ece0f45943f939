"""SQLAlchemy 2.x typed models of the register, the entitlements and the audit trail.

The schema is created and changed only by the Alembic migrations in ``store/migrations``.
Money columns are integer 分 (``*_fen``); fact values are exact decimals stored as text.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# Money in 分 passes 2^31 (5 000 万元): BIGINT on PostgreSQL; SQLite's INTEGER is 64-bit already.
Fen = BigInteger().with_variant(Integer(), "sqlite")


class DecimalText(TypeDecorator[Decimal]):
    """An exact Decimal kept as text, so SQLite never turns it into a float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> str | None:
        return None if value is None else format(Decimal(value), "f")

    def process_result_value(self, value: str | None, dialect: object) -> Decimal | None:
        return None if value is None else Decimal(value)


class Base(DeclarativeBase):
    pass


def _filled(column: str) -> dict:
    """An index of the rows that have a value in ``column`` (most leave it empty: a platform's,
    a person's, a batch's): as fast for ``column = ?``, a fraction of the size."""
    where = text(f"{column} IS NOT NULL")
    return {"sqlite_where": where, "postgresql_where": where}


class Stamp(TypeDecorator):
    """When a row was written or last changed (``created_at``, ``updated_at``).

    SQLite keeps it as the integer YYYYMMDDhhmmss — 20261203143451, six bytes instead of the 26
    of its text, which makes the 280,000 register and money rows of a large city 11 MB smaller;
    other databases keep their own timestamp. Seconds are enough here: the audit log keeps the
    exact time of every change. A text written before (migration i20d turns them into numbers)
    still reads."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):  # noqa: ANN001, ANN201 - sqlalchemy's signature
        return dialect.type_descriptor(Integer() if dialect.name == "sqlite" else DateTime())

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        if value is None or dialect.name != "sqlite":
            return value
        return (
            (((value.year * 100 + value.month) * 100 + value.day) * 100 + value.hour) * 100 + value.minute
        ) * 100 + value.second

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        if value is None or dialect.name != "sqlite":
            return value
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        day, time = divmod(value, 1_000_000)
        return datetime(
            day // 10000, day // 100 % 100, day % 100, time // 10000, time // 100 % 100, time % 100
        )


class Timestamped:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow, onupdate=utcnow)


class Setting(Base):
    """Bureau-level settings kept in the database (city, bureau name, letter pattern …)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Officer(Timestamped, Base):
    __tablename__ = "officers"
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))  # 经办人 / 复核人 / 管理员
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)  # reset by a 管理员


class Unit(Timestamped, Base):
    __tablename__ = "units"
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="企业")  # 企业 / 高校院所 / 园区 / 服务机构 / 其他
    district: Mapped[str] = mapped_column(String(20), default="", index=True)
    size_class: Mapped[str] = mapped_column(String(10), default="")  # 小微企业 / 其他企业
    size_written: Mapped[str] = mapped_column(
        String(20), default="", server_default=""
    )  # 中型企业 as written
    industry: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    former_names: Mapped[str] = mapped_column(Text, default="")  # 曾用名, one a line
    registered_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    moved_out: Mapped[date | None] = mapped_column(Date, nullable=True)  # 迁出
    note: Mapped[str] = mapped_column(Text, default="")
    # D14: recorded conditions the policy text attaches (JSON attribute → value, policy/conditions.py)
    conditions: Mapped[str] = mapped_column(Text, default="", server_default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="", server_default="")  # 开户银行
    bank_account: Mapped[str] = mapped_column(
        String(40), default="", server_default=""
    )  # 账号, masked on screen

    platforms: Mapped[list[Platform]] = relationship(back_populates="host")
    people: Mapped[list[Person]] = relationship(back_populates="employer")


class Platform(Timestamped, Base):
    __tablename__ = "platforms"
    name: Mapped[str] = mapped_column(String(200), index=True)
    type_id: Mapped[str] = mapped_column(String(40))  # recognition-type id of titles.toml
    level: Mapped[str] = mapped_column(String(10), default="")
    host_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")

    host: Mapped[Unit] = relationship(back_populates="platforms")


class Person(Timestamped, Base):
    __tablename__ = "people"
    name: Mapped[str] = mapped_column(String(60), index=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)  # stored whole, masked in every output
    employer_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), default="")  # 技术经纪人 / 人才 / 科技特派员
    phone: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="", server_default="")  # 开户银行
    bank_account: Mapped[str] = mapped_column(
        String(40), default="", server_default=""
    )  # 账号, masked on screen

    employer: Mapped[Unit | None] = relationship(back_populates="people")


_ONE_SUBJECT = "(unit_id IS NOT NULL) + (platform_id IS NOT NULL) + (person_id IS NOT NULL) = 1"


class SubjectColumns:
    """Exactly one of unit / platform / person is the subject of a record."""

    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), nullable=True)
    platform_id: Mapped[int | None] = mapped_column(
        ForeignKey("platforms.id", ondelete="RESTRICT"), nullable=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), nullable=True)


class Recognition(Timestamped, SubjectColumns, Base):
    __tablename__ = "recognitions"
    __table_args__ = (
        CheckConstraint(_ONE_SUBJECT, name="ck_recognition_one_subject"),
        Index("ix_recognitions_unit", "unit_id"),
        Index("ix_recognitions_platform", "platform_id", **_filled("platform_id")),
        Index("ix_recognitions_person", "person_id", **_filled("person_id")),
    )
    type_id: Mapped[str] = mapped_column(String(40), index=True)
    level: Mapped[str] = mapped_column(String(10), default="")
    stage: Mapped[str] = mapped_column(String(10), default="")
    title: Mapped[str] = mapped_column(String(100), default="")  # the title as written on the document
    date: Mapped[date] = mapped_column(Date)
    doc_number: Mapped[str] = mapped_column(String(80), default="")  # 文号
    # 证书编号 (高企 GR…) or 入库登记编号 (科技型中小企业): one number, one recognition
    cert_number: Mapped[str] = mapped_column(String(60), default="", server_default="", index=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="有效")  # 有效 / 撤销 / 过期 / 迁出
    status_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")  # D11: what proves the achievement
    first_year: Mapped[int | None] = mapped_column(Integer, nullable=True)  # D4: moved first instalment year
    note: Mapped[str] = mapped_column(Text, default="")
    # D14: recorded conditions the policy text attaches (JSON attribute → value, policy/conditions.py)
    conditions: Mapped[str] = mapped_column(Text, default="", server_default="")


class Fact(Timestamped, SubjectColumns, Base):
    __tablename__ = "facts"
    __table_args__ = (
        CheckConstraint(_ONE_SUBJECT, name="ck_fact_one_subject"),
        UniqueConstraint(
            "unit_id", "platform_id", "person_id", "year", "indicator", "item_ref", name="uq_fact"
        ),
        Index("ix_facts_unit", "unit_id"),
        Index("ix_facts_person", "person_id", **_filled("person_id")),
    )
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)  # money in 元
    text: Mapped[str] = mapped_column(String(40), default="")  # categorical value (企业规模)
    unit_label: Mapped[str] = mapped_column(String(10), default="")  # 元 / 位 / …
    item_ref: Mapped[str] = mapped_column(String(80), default="")  # 事项编号
    reference: Mapped[str] = mapped_column(String(200), default="")  # source document
    # 须核实: why the officer must confirm this figure (D6 migration); "" once confirmed
    to_verify: Mapped[str] = mapped_column(Text, default="", server_default="")


class EnteredAmount(Timestamped, SubjectColumns, Base):
    """An officer's amount for a DISCRETIONARY / MATCHING / floor clause, with its basis (D5, D8)."""

    __tablename__ = "entered_amounts"
    __table_args__ = (CheckConstraint(_ONE_SUBJECT, name="ck_entered_one_subject"),)
    clause_id: Mapped[str] = mapped_column(String(60), index=True)
    year: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Fen)
    basis: Mapped[str] = mapped_column(String(200))
    recognition_id: Mapped[int | None] = mapped_column(ForeignKey("recognitions.id"), nullable=True)
    item_ref: Mapped[str] = mapped_column(String(80), default="")
    entered_by: Mapped[str] = mapped_column(String(40), default="")
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", name="fk_entered_decision"), nullable=True
    )
    district_fen: Mapped[int | None] = mapped_column(Fen, nullable=True)  # the 区财政 part, when both pay


class Decision(Timestamped, Base):
    """A 决定 of the bureau (会议纪要 / 局务会 / 主任办公会) that many entered amounts rest on."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("number", name="uq_decision_number"),)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(80))
    day: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    file_ref: Mapped[str] = mapped_column(String(260), default="", server_default="")
    created_by: Mapped[str] = mapped_column(String(40), default="", server_default="")


class Budget(Base):
    """A yearly ceiling of the bureau (``clause_id`` "") or of one clause."""

    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("year", "clause_id", name="uq_budget_year_clause"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    clause_id: Mapped[str] = mapped_column(String(60), default="", server_default="")
    amount_fen: Mapped[int] = mapped_column(Fen)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class TargetNote(Base):
    """The officer's note on a target (qualitative targets are judged in words)."""

    __tablename__ = "target_notes"
    target_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_by: Mapped[str] = mapped_column(String(40), default="", server_default="")


class ClauseStandard(Base):
    """A yearly standard amount per clause that pre-fills entered amounts (D8)."""

    __tablename__ = "clause_standards"
    __table_args__ = (UniqueConstraint("clause_id", "year", name="uq_clause_standard"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clause_id: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Fen)
    basis: Mapped[str] = mapped_column(String(200), default="")


class Entitlement(Timestamped, SubjectColumns, Base):
    __tablename__ = "entitlements"
    __table_args__ = (
        CheckConstraint(_ONE_SUBJECT, name="ck_entitlement_one_subject"),
        Index("ix_entitlements_unit", "unit_id"),
        Index("ix_entitlements_platform", "platform_id", **_filled("platform_id")),
        Index("ix_entitlements_person", "person_id", **_filled("person_id")),
    )
    key: Mapped[str] = mapped_column(String(200), unique=True)
    city: Mapped[str] = mapped_column(String(10))
    # no index: a clause has an eighth of a city's entitlements, read as fast by a scan (i20d)
    clause_id: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10))
    total_fen: Mapped[int] = mapped_column(Fen, default=0)
    # The explanation is stored in parts: the clause's fixed lines (its title, quote, basis and
    # readings), once per catalog version in ``clause_texts``, and this entitlement's own lines
    # between them (the column keeps its name ``explanation``). Without ``texts_id`` the column
    # holds the whole explanation. With ``shape_id`` the own lines are kept as their figures only
    # (dates, amounts, 文号 numbers, record numbers) and their words once in ``explanation_shapes``.
    # ``explanation`` (below) joins them, byte for byte.
    explanation_body: Mapped[str] = mapped_column("explanation", Text, default="")
    texts_id: Mapped[int | None] = mapped_column(
        ForeignKey("clause_texts.id", name="fk_entitlements_texts_id"), nullable=True
    )
    shape_id: Mapped[int | None] = mapped_column(
        ForeignKey("explanation_shapes.id", name="fk_entitlements_shape_id"), nullable=True
    )
    recognition_id: Mapped[int | None] = mapped_column(ForeignKey("recognitions.id"), nullable=True)
    payment_wording: Mapped[str] = mapped_column(String(20), default="")
    winner_clause_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    deducted_fen: Mapped[int] = mapped_column(Fen, default=0)
    payee_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)
    basis: Mapped[str] = mapped_column(String(300), default="", server_default="")  # what the amount rests on
    entered_amount_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the entry the engine took
    waiting_year: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 待录入金额: its trigger's year

    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="entitlement", cascade="all, delete-orphan", order_by="Instalment.year"
    )
    texts: Mapped[ClauseTexts | None] = relationship()
    shape: Mapped[ExplanationShape | None] = relationship()

    @property
    def explanation(self) -> str:
        """The whole explanation, one line per trace step, as the engine wrote it."""
        texts, shape = self.texts, self.shape
        return whole_explanation(
            (texts.head, texts.tail) if texts is not None else None,
            shape.shape if shape is not None else None,
            self.explanation_body,
        )


def whole_explanation(fixed: tuple[str, str] | None, shape: str | None, stored: str) -> str:
    """A stored explanation made whole: the clause's head lines (``fixed``: head and tail, from
    ``clause_texts``), the entitlement's own lines (``stored``, or its figures filled into
    ``shape``), the tail. The one place the parts are joined."""
    body = stored if shape is None else fill_shape(shape, stored)
    if fixed is None:
        return body
    head, tail = fixed
    return "\n".join(part for part in (head, body, tail) if part)


# A figure in an explanation: a run of digits with its separators (300,000.00 · 2025-09-08 · 161).
_FIGURES = re.compile(r"(\d[\d,.\-]*)")
_CUT = "\x1f"  # between the words of a shape, and between the figures stored for it


def shape_of(text: str) -> tuple[str, str] | None:
    """(shape, figures) of ``text``: its words with the figures cut out, and the figures.

    ``fill_shape(shape, figures) == text`` for every text without the cut character (for which
    there is no shape: it is stored as it is)."""
    if _CUT in text:
        return None
    parts = _FIGURES.split(text)
    return _CUT.join(parts[0::2]), _CUT.join(parts[1::2])


def fill_shape(shape: str, figures: str) -> str:
    """The text whose shape and figures these are (``shape_of`` undone)."""
    words = shape.split(_CUT)
    if len(words) == 1:
        return shape
    out = [""] * (2 * len(words) - 1)
    out[0::2] = words
    out[1::2] = figures.split(_CUT)
    return "".join(out)


class ExplanationShape(Base):
    """The words of an entitlement's own explanation lines with the figures cut out (issue 20).

    81,899 entitlements of 20,000 units have 26 shapes between them: each shape is stored once,
    each entitlement keeps its figures. Rows are never changed nor deleted, so an explanation
    reads as it was written whatever the program that reads it."""

    __tablename__ = "explanation_shapes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shape: Mapped[str] = mapped_column(Text)


class ClauseTexts(Base):
    """The lines of an explanation that depend on the clause alone, once per catalog version.

    ``head``: 条款 / 原文 / 依据 / 资金性质; ``tail``: the 按本系统口径 readings (lines joined by
    newlines). Rows are never changed: a catalog update that changes a line adds a version, so
    an entitlement computed earlier keeps the words it was computed with."""

    __tablename__ = "clause_texts"
    __table_args__ = (UniqueConstraint("catalog_version", "clause_id", name="uq_clause_texts"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    catalog_version: Mapped[str] = mapped_column(String(120))
    clause_id: Mapped[str] = mapped_column(String(60))
    head: Mapped[str] = mapped_column(Text)
    tail: Mapped[str] = mapped_column(Text, default="")


class Instalment(Timestamped, Base):
    """One year's part of an entitlement: planned → proposed → approved → paid, or cancelled."""

    __tablename__ = "instalments"
    __table_args__ = (
        UniqueConstraint("entitlement_id", "year", name="uq_instalment_year"),
        Index("ix_instalments_year", "year"),
        Index("ix_instalments_batch_id", "batch_id", **_filled("batch_id")),
    )
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("entitlements.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Fen)
    state: Mapped[str] = mapped_column(String(12), default="planned")
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    # A recomputation that would change an approved or paid instalment records the new amount
    # here and flags it for review (待复核) instead of rewriting it.
    pending_amount_fen: Mapped[int | None] = mapped_column(Fen, nullable=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("approval_batches.id"), nullable=True)
    approved_by: Mapped[str] = mapped_column(String(40), default="")
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cancelled_by: Mapped[str] = mapped_column(String(40), default="")

    entitlement: Mapped[Entitlement] = relationship(back_populates="instalments")
    payments: Mapped[list[Payment]] = relationship(back_populates="instalment", order_by="Payment.id")


class RecomputeDigest(Base):
    """What the entitlements of one subject were last computed from (a digest of its records,
    the policy and the year), so that recomputing skips a subject nothing has changed for.

    ``subject`` is ``unit:12`` / ``platform:3`` / ``person:7``; the row ``*`` marks that a
    full recomputation has run since this table was created (until then nothing is skipped)."""

    __tablename__ = "recompute_digests"
    subject: Mapped[str] = mapped_column(String(40), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))


class ApprovalBatch(Timestamped, Base):
    """A batch of instalments a 经办人 proposes and a 复核人 approves or sends back (maker–checker)."""

    __tablename__ = "approval_batches"
    year: Mapped[int] = mapped_column(Integer, index=True)
    state: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed / approved / returned
    proposed_by: Mapped[str] = mapped_column(String(40))
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_by: Mapped[str] = mapped_column(String(40), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    over_budget_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class Payment(Base):
    """A payment finance made, or a reversal of one (negative amount, with a reason). Never edited."""

    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id", ondelete="RESTRICT"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    voucher_no: Mapped[str] = mapped_column(String(60))  # 凭证号
    amount_fen: Mapped[int] = mapped_column(Fen)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    instalment: Mapped[Instalment] = relationship(back_populates="payments")


class FundReceipt(Timestamped, Base):
    """Receipt of a 上级科技资金支付指标 (R4): its transfer is due 30 official working days later."""

    __tablename__ = "fund_receipts"
    received_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Fen)
    doc_number: Mapped[str] = mapped_column(String(80))
    stage: Mapped[str] = mapped_column(String(20), default="市财政")  # 市财政 / 旗县区财政
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class CalendarDay(Base):
    """An officer-entered holiday or make-up working day for a year the calendar package lacks."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(40), default="")


class CalendarYear(Base):
    """A year whose holiday table an officer has completed (so due dates may be computed)."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    confirmed_by: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(200), default="")  # the 国务院办公厅 notice


class Letter(Timestamped, Base):
    """An issued notice: numbered at issue, its PDF stored and never changed (a correction is a new letter)."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_letter_seq"),)
    number: Mapped[str] = mapped_column(String(80), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))  # 资金支持通知书 / 奖励通知书
    entitlement_id: Mapped[int] = mapped_column(
        ForeignKey("entitlements.id", ondelete="RESTRICT"), index=True
    )
    instalment_id: Mapped[int | None] = mapped_column(ForeignKey("instalments.id"), nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)
    addressee: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(Fen)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(40))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="有效")  # 有效 / 已作废
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), nullable=True)
    void_reason: Mapped[str] = mapped_column(Text, default="")


class ImportRecord(Base):
    """One committed import: the file, its hash, who, when, and what it changed."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    sheet: Mapped[str] = mapped_column(String(100), default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)


class ImportAnswer(Timestamped, Base):
    """A remembered answer of an import: a published wording and what the officer said it means.

    ``kind`` is ``unit_name`` (a unit's name as a list writes it → ``unit_id``) or ``title``
    (a wording of a recognition type → ``type_id``, with its level when the wording implies one).
    ``wording`` is the normalized key the import looks up; ``shown`` the text as first met."""

    __tablename__ = "import_answers"
    __table_args__ = (UniqueConstraint("kind", "wording", name="uq_import_answer"),)
    kind: Mapped[str] = mapped_column(String(20))
    wording: Mapped[str] = mapped_column(String(200))
    shown: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), nullable=True, index=True
    )
    type_id: Mapped[str] = mapped_column(String(40), default="")
    level: Mapped[str] = mapped_column(String(10), default="")
    source: Mapped[str] = mapped_column(String(260), default="")  # the file it was first answered for
    answered_by: Mapped[str] = mapped_column(String(40), default="")


class ClosedYear(Base):
    """A year closed at year end: its payments and letters are read-only until an admin reopens it."""

    __tablename__ = "closed_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    closed_by: Mapped[str] = mapped_column(String(40))
    closed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(Base):
    """Append-only, hash-chained record of every write (who, when, what, before/after)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(60), default="")
    before: Mapped[str] = mapped_column(Text, default="")  # JSON
    after: Mapped[str] = mapped_column(Text, default="")  # JSON
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64))
    # The money ledger after this event's transaction (store/seal.py), covered by ``hash``.
    seal: Mapped[str] = mapped_column(String(80), default="")


class MoneySeal(Base):
    """A money row as kjdesk last wrote it (store/seal.py): its content and the event that wrote it."""

    __tablename__ = "money_seals"
    __table_args__ = {"sqlite_with_rowid": False}  # one b-tree by (table, row): no second index
    tbl: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[str] = mapped_column(Text)  # empty where the table keeps digests only
    digest: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # SHA-256, digest-only tables
    event_id: Mapped[int] = mapped_column(Integer)
