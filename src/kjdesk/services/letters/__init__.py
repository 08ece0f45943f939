"""Issuing award letters (通知书): numbered at issue, archived as PDF, never changed.

A letter's number comes from the bureau's pattern (``包科字〔{year}〕{seq}号``) with one
sequence per year and no gaps: the next ``seq`` is taken as ``max(seq) + 1`` of the year in
the same transaction as the insert, and anything that fails (no font, a broken template, a
closed year) rolls the whole letter back, so no number is ever lost. A batch is one
transaction: a failure, or a crash, issues none of its letters; cancelled half-way it issues
letters 1..k, numbered without a gap, and says how many remain. Each letter of a batch is
its own PDF with its own SHA-256 and audit event, exactly as when issued alone (what the
letters read is loaded once, the letters and their events are written in a few statements).
An issued letter keeps its PDF bytes and SHA-256; a reprint returns those bytes. A correction is a new letter that names the one it replaces, which
then shows 已作废 with the reason. Every issue and void leaves an audit event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from kjdesk.io.fonts import LetterFonts
from kjdesk.io.fonts import NoFontFound as NoFontFound  # offered to the window
from kjdesk.io.fonts import find_letter_fonts as find_letter_fonts
from kjdesk.io.letter_layout import LetterLayout
from kjdesk.io.letter_pdf import render_letter
from kjdesk.io.letter_templates import LetterTemplate, TemplateError, load_templates
from kjdesk.io.pdf_render import PageImage as PageImage
from kjdesk.io.pdf_render import render_pages as render_pages
from kjdesk.services.core.app import App, Changes, ServiceError
from kjdesk.services.core.progress import Cancelled, NullProgress, Progress
from kjdesk.services.core.settings import Bureau, require_bureau
from kjdesk.services.letters import content as letter_content
from kjdesk.services.letters.print_settings import layout_for, letter_fonts, number_of
from kjdesk.services.letters.rows import LetterRow, PendingLetter, letter_row, letter_rows, pending_rows
from kjdesk.store import audit
from kjdesk.store.concurrency import is_unique_violation, lock_name
from kjdesk.store.models import (
    ClosedYear,
    Entitlement,
    Instalment,
    Letter,
    Person,
    Platform,
    Recognition,
    Unit,
)

VALID, VOID = "有效", "已作废"
LETTER_STATES = ("approved", "paid")  # instalments a letter may be issued for
CHANGES = Changes(letters=True)


@dataclass(frozen=True)
class BatchResult:
    issued: tuple[LetterRow, ...]
    cancelled: bool
    remaining: int  # letters of the batch not issued (after a cancel)
    font_notes: tuple[str, ...] = ()  # the roles that fell back to another font
    layout: str = ""

    @property
    def message(self) -> str:
        n = len(self.issued)
        span = f"（{self.issued[0].number}—{self.issued[-1].number}）" if n > 1 else ""
        span = f"（{self.issued[0].number}）" if n == 1 else span
        if self.cancelled:
            return f"已取消：已签发 {n} 份{span}，其余 {self.remaining} 份未签发，可稍后继续"
        return f"已签发 {n} 份通知书{span}" if n else "没有待签发的通知书"


@dataclass(frozen=True)
class VoidResult:
    voided: LetterRow
    replacement: LetterRow | None


@dataclass(frozen=True)
class Issuer:
    """What every letter of one call shares: bureau, fonts, templates, policy."""

    bureau: Bureau
    fonts: LetterFonts
    templates: list[LetterTemplate]
    policy: object  # kjdesk.policy.model.Policy
    layout: LetterLayout = LetterLayout()

    def audit_values(self) -> dict[str, object]:
        """What the audit event of a letter (and of a batch) records of its print."""
        return {
            "layout": self.layout.describe(),
            "fonts": self.fonts.used(),
            "font_notes": list(self.fonts.notes),
        }


def prepare(app: App, font: str | Path | None = None, layout: str | None = None) -> Issuer:
    """Check everything a letter needs before any number is taken; refuse in Chinese.

    ``layout`` (文件, 信函 or 套打) overrides the bureau's layout for this call."""
    bureau = require_bureau(app)
    fonts = letter_fonts(app, font)
    chosen_layout = layout_for(app, layout)
    try:
        templates = load_templates(letter_content.override_dir(app.db.path))
    except TemplateError as exc:
        raise ServiceError(str(exc)) from exc
    policy = letter_content.load_policy(bureau.city)
    return Issuer(bureau, fonts, templates, policy, chosen_layout)


def next_seq(session: Session, year: int) -> int:
    return (session.scalar(select(func.max(Letter.seq)).where(Letter.year == year)) or 0) + 1


def _check_open_year(session: Session, year: int) -> None:
    if session.get(ClosedYear, year) is not None:
        raise ServiceError(f"{year} 年度已结账关闭，不能签发或作废该年度的通知书（请管理员先重新打开年度）")


def _valid_letter_for(session: Session, inst_id: int | None, ent_id: int) -> Letter | None:
    q = select(Letter).where(Letter.status == VALID, Letter.entitlement_id == ent_id)
    q = (
        q.where(Letter.instalment_id == inst_id)
        if inst_id is not None
        else q.where(Letter.instalment_id.is_(None))
    )
    return session.scalars(q).first()


def _check_instalment(inst: Instalment | None, ent: Entitlement) -> int:
    """The amount of the letter; refuses (in Chinese) an instalment that may not have one."""
    if inst is not None:
        if inst.state not in LETTER_STATES:
            raise ServiceError(f"{inst.year} 年度拨付计划 {inst.id} 尚未审批，不能签发通知书")
        if inst.pending_amount_fen is not None:
            raise ServiceError(f"{inst.year} 年度拨付计划 {inst.id} 的金额有变动待复核，复核后才能签发通知书")
    amount = inst.amount_fen if inst is not None else ent.total_fen
    if amount <= 0:
        raise ServiceError("金额为零的拨付计划不签发通知书")
    return amount


def _letter_values(
    session: Session,
    app: App,
    issuer: Issuer,
    ent: Entitlement,
    inst: Instalment | None,
    seq: int,
    issued_on: date,
    replaces: Letter | None = None,
    bases: dict | None = None,
) -> dict[str, object]:
    """The columns of one letter: numbered, composed and rendered (nothing written yet)."""
    number = number_of(issuer.bureau.letter_pattern, issued_on.year, seq)
    kind, text, payee, amount_fen = letter_content.compose(
        session, issuer.bureau, issuer.policy, issuer.templates, ent, inst, number, issued_on, replaces, bases
    )
    pdf = render_letter(text, issuer.fonts, layout=issuer.layout)
    return {
        "number": number,
        "year": issued_on.year,
        "seq": seq,
        "kind": kind,
        "entitlement_id": ent.id,
        "instalment_id": inst.id if inst else None,
        "unit_id": payee.unit.id if payee.unit else None,
        "addressee": payee.addressee,
        "amount_fen": amount_fen,
        "issued_on": issued_on,
        "issued_by": app.actor,
        "pdf": pdf,
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "status": VALID,
        "replaces_id": replaces.id if replaces else None,
    }


def _audit_values(issuer: Issuer, values: dict[str, object], replaces: Letter | None) -> dict[str, object]:
    """What the audit event 签发通知书 of a letter records."""
    return {
        "number": values["number"],
        "kind": values["kind"],
        "addressee": values["addressee"],
        "amount_fen": values["amount_fen"],
        "entitlement_id": values["entitlement_id"],
        "instalment_id": values["instalment_id"],
        "issued_on": values["issued_on"],
        "sha256": values["sha256"],
        "replaces": replaces.number if replaces else None,
        **issuer.audit_values(),
    }


def _issue_in(
    session: Session,
    app: App,
    issuer: Issuer,
    ent: Entitlement,
    inst: Instalment | None,
    issued_on: date,
    replaces: Letter | None = None,
) -> Letter:
    """Number, render, store and audit one letter inside the caller's transaction."""
    # Officers issuing at once on a shared server take the year's numbers one after another:
    # the checks below and max(seq) + 1 then see every letter committed before ours.
    lock_name(session, f"letters:{issued_on.year}")
    _check_open_year(session, issued_on.year)
    _check_instalment(inst, ent)
    existing = _valid_letter_for(session, inst.id if inst else None, ent.id)
    if existing is not None and existing is not replaces:
        raise ServiceError(f"该拨付计划已签发通知书 {existing.number}；如需更正，请作废后重新签发")
    seq = next_seq(session, issued_on.year)
    values = _letter_values(session, app, issuer, ent, inst, seq, issued_on, replaces)
    letter = Letter(**values)
    session.add(letter)
    session.flush()
    audit.record(
        session, app.actor, "签发通知书", "letter", letter.id, None, _audit_values(issuer, values, replaces)
    )
    return letter


def _with_retry(app: App, work):  # noqa: ANN001, ANN202 - a callable of a session
    """Run ``work(session)`` in one transaction; retry when another PC took the same number."""
    for attempt in range(3):
        try:
            with app.db.session() as s:
                return work(s)
        except IntegrityError as exc:
            if not is_unique_violation(exc, "letters", "seq", "number", "uq_letter_seq"):
                raise  # not a number taken by another PC: a real fault, reported as such
            if attempt == 2:
                raise ServiceError(f"通知书编号冲突（其他电脑同时签发），请重试：{exc.orig}") from exc
    raise AssertionError("unreachable")


def issue_letter(
    app: App,
    instalment_id: int,
    *,
    issued_on: date | None = None,
    font: str | Path | None = None,
    issuer: Issuer | None = None,
    layout: str | None = None,
) -> LetterRow:
    """Issue the letter of one approved instalment; it is numbered now and never changes."""
    issuer = issuer or prepare(app, font, layout)
    day = issued_on or date.today()

    def work(s: Session) -> LetterRow:
        inst = s.get(Instalment, instalment_id)
        if inst is None:
            raise ServiceError(f"找不到拨付计划 {instalment_id}")
        letter = _issue_in(s, app, issuer, inst.entitlement, inst, day)
        return letter_row(s, letter)

    return _with_retry(app, work)


def issue_entitlement_letter(
    app: App,
    entitlement_id: int,
    *,
    issued_on: date | None = None,
    font: str | Path | None = None,
    layout: str | None = None,
) -> LetterRow:
    """Issue one letter for a whole entitlement (its total and every year of its schedule)."""
    issuer = prepare(app, font, layout)
    day = issued_on or date.today()

    def work(s: Session) -> LetterRow:
        ent = s.get(Entitlement, entitlement_id)
        if ent is None:
            raise ServiceError(f"找不到应享资金 {entitlement_id}")
        if not any(i.state in LETTER_STATES for i in ent.instalments):
            raise ServiceError("该应享资金还没有已审批的拨付计划，不能签发通知书")
        return letter_row(s, _issue_in(s, app, issuer, ent, None, day))

    return _with_retry(app, work)


DRAFT_NUMBER = "〔签发时编号〕"


def draft_pdf(
    app: App,
    instalment_id: int,
    *,
    issued_on: date | None = None,
    font: str | Path | None = None,
    layout: str | None = None,
) -> bytes:
    """The letter an instalment would get, marked 草稿 and without a number; nothing is written."""
    issuer = prepare(app, font, layout)
    day = issued_on or date.today()
    with app.db.session() as s:
        inst = s.get(Instalment, instalment_id)
        if inst is None:
            raise ServiceError(f"找不到拨付计划 {instalment_id}")
        _kind, text, _payee, _amount = letter_content.compose(
            s, issuer.bureau, issuer.policy, issuer.templates, inst.entitlement, inst, DRAFT_NUMBER, day
        )
        s.rollback()
    return render_letter(text, issuer.fonts, draft=True, layout=issuer.layout)


def pending_letters(
    app: App, year: int | None, *, clause_id: str | None = None, district: str | None = None
) -> list[PendingLetter]:
    """Approved instalments of ``year`` (None: every year) that have no valid letter yet."""
    with app.db.session() as s:
        return pending_rows(s, year, LETTER_STATES, clause_id=clause_id, district=district)


def issue_letters(
    app: App,
    year: int,
    *,
    clause_id: str | None = None,
    district: str | None = None,
    issued_on: date | None = None,
    font: str | Path | None = None,
    progress: Progress | None = None,
    layout: str | None = None,
) -> BatchResult:
    """Issue the letters of every approved instalment of a year (a clause, a 旗县区).

    One transaction for the batch: a failure (or a crash) issues none of its letters and takes
    no number. On cancel the letters already set are issued (numbered 1..k without a gap) and
    the result says how many remain. Each letter is its own PDF with its own SHA-256 and its
    own audit event, as when issued alone; one more event records the batch.
    """
    progress = progress or NullProgress()
    issuer = prepare(app, font, layout)  # refuses before any number is taken
    todo = pending_letters(app, year, clause_id=clause_id, district=district)
    progress.set_total(len(todo))
    progress.set_status("正在签发通知书")
    day = issued_on or date.today()

    def work(s: Session) -> tuple[list[LetterRow], bool]:
        return _issue_batch(s, app, issuer, todo, day, year, progress)

    issued, cancelled = _with_retry(app, work) if todo else ([], False)
    remaining = len(todo) - len(issued)
    return BatchResult(tuple(issued), cancelled, remaining, issuer.fonts.notes, issuer.layout.describe())


BATCH_CHUNK = 200  # letters written to the database at a time (their PDFs are then let go)
BATCH_OBJECTS = "kjdesk_letters_batch"  # Session.info: what a batch's letters read, held while it runs


def _issue_batch(
    s: Session,
    app: App,
    issuer: Issuer,
    todo: list[PendingLetter],
    day: date,
    year: int,
    progress: Progress,
) -> tuple[list[LetterRow], bool]:
    """Every letter of ``todo`` in the caller's transaction: what they need read once, then each
    numbered, composed and rendered, written in chunks with their audit events."""
    from kjdesk.services.disbursement.decisions import basis_of  # as letter_content reads it

    lock_name(s, f"letters:{day.year}")
    _check_open_year(s, day.year)
    insts = _load_batch(s, [t.instalment_id for t in todo])
    lettered = _lettered(s, [t.instalment_id for t in todo])
    bases = basis_of(s, [inst.entitlement_id for inst in insts.values()])
    first = seq = next_seq(s, day.year)
    pending: list[dict[str, object]] = []
    cancelled = False
    for i, item in enumerate(todo):
        try:
            progress.check()
        except Cancelled:
            cancelled = True
            break
        inst = insts.get(item.instalment_id)
        if inst is None:
            raise ServiceError(f"找不到拨付计划 {item.instalment_id}")
        ent = inst.entitlement
        _check_instalment(inst, ent)
        if inst.id in lettered:
            raise ServiceError(f"该拨付计划已签发通知书 {lettered[inst.id]}；如需更正，请作废后重新签发")
        pending.append(_letter_values(s, app, issuer, ent, inst, seq, day, bases=bases))
        lettered[inst.id] = str(pending[-1]["number"])
        seq += 1
        if len(pending) >= BATCH_CHUNK:
            _write_letters(s, app, issuer, pending)
            pending = []
        progress.set_value(i + 1)
    else:
        try:
            progress.check()
        except Cancelled:
            cancelled = True
    s.info.pop(BATCH_OBJECTS, None)
    _write_letters(s, app, issuer, pending)
    if seq == first:
        return [], cancelled
    rows = letter_rows(s, [Letter.year == day.year, Letter.seq >= first, Letter.seq < seq])
    audit.record(
        s,
        app.actor,
        "批量签发通知书",
        "letter",
        rows[0].id,
        None,
        {
            "year": year,
            "count": len(rows),
            "first": rows[0].number,
            "last": rows[-1].number,
            "cancelled": cancelled,
            **issuer.audit_values(),
        },
    )
    return rows, cancelled


def _load_batch(s: Session, instalment_ids: list[int]) -> dict[int, Instalment]:
    """The instalments of a batch with what their letters read (entitlement, its schedule,
    recognition, unit, platform, person), loaded in a few queries instead of a few per letter."""
    insts: dict[int, Instalment] = {}
    for start in range(0, len(instalment_ids), 500):
        chunk = instalment_ids[start : start + 500]
        q = (
            select(Instalment)
            .where(Instalment.id.in_(chunk))
            .options(joinedload(Instalment.entitlement).selectinload(Entitlement.instalments))
        )
        insts.update((i.id, i) for i in s.scalars(q))
    ents = [i.entitlement for i in insts.values()]

    def load(model, ids) -> list:  # noqa: ANN001 - into the session's identity map
        ids = sorted({x for x in ids if x is not None})
        out = []
        for start in range(0, len(ids), 500):
            out.extend(s.scalars(select(model).where(model.id.in_(ids[start : start + 500]))))
        return out

    recognitions = load(Recognition, (e.recognition_id for e in ents))
    platforms = load(Platform, (e.platform_id for e in ents))
    people = load(Person, (e.person_id for e in ents))
    units = load(
        Unit,
        [e.unit_id for e in ents]
        + [e.payee_unit_id for e in ents]
        + [p.host_unit_id for p in platforms]
        + [p.employer_unit_id for p in people],
    )
    # the session's identity map holds objects weakly: keep them while the batch reads them
    s.info[BATCH_OBJECTS] = (recognitions, platforms, people, units)
    return insts


def _lettered(s: Session, instalment_ids: list[int]) -> dict[int, str]:
    """{instalment id: number} of the valid letters these instalments already have."""
    out: dict[int, str] = {}
    for start in range(0, len(instalment_ids), 500):
        chunk = instalment_ids[start : start + 500]
        q = select(Letter.instalment_id, Letter.number).where(
            Letter.status == VALID, Letter.instalment_id.in_(chunk)
        )
        out.update((i, n) for i, n in s.execute(q))
    return out


def _write_letters(s: Session, app: App, issuer: Issuer, pending: list[dict[str, object]]) -> None:
    """Insert letters in one statement, then their audit events in number order (the letters of a
    batch are numbered one after another in one year: their ids are read back by number)."""
    if not pending:
        return
    s.execute(insert(Letter), pending)  # executemany: no RETURNING (SQLite would take it row by row)
    first, last = pending[0], pending[-1]
    found = dict(
        s.execute(
            select(Letter.seq, Letter.id).where(
                Letter.year == first["year"], Letter.seq >= first["seq"], Letter.seq <= last["seq"]
            )
        ).all()
    )
    ids = [found[v["seq"]] for v in pending]
    audit.record_many(
        s,
        app.actor,
        "签发通知书",
        "letter",
        [
            (letter_id, _audit_values(issuer, values, None))
            for letter_id, values in zip(ids, pending, strict=True)
        ],
    )


def _find(s: Session, number_or_id: str | int) -> Letter:
    if isinstance(number_or_id, int) or str(number_or_id).isdigit():
        letter = s.get(Letter, int(number_or_id))
    else:
        letter = s.scalars(select(Letter).where(Letter.number == str(number_or_id).strip())).first()
    if letter is None:
        raise ServiceError(f"找不到通知书“{number_or_id}”")
    return letter


def void_letter(
    app: App,
    number: str | int,
    reason: str,
    *,
    reissue: bool = False,
    issued_on: date | None = None,
    font: str | Path | None = None,
    layout: str | None = None,
) -> VoidResult:
    """Mark a letter 已作废 with a reason; with ``reissue`` issue its correction in the same transaction."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("作废通知书必须写明原因")
    issuer = prepare(app, font, layout) if reissue else None
    day = issued_on or date.today()

    def work(s: Session) -> VoidResult:
        if issuer is not None:
            lock_name(s, f"letters:{day.year}")  # the year's numbers first, as every issuer takes them
        old = _find(s, number)
        s.refresh(old, with_for_update=True)  # another officer voiding it at the same moment waits
        if old.status != VALID:
            raise ServiceError(f"通知书 {old.number} 已作废（{old.void_reason}），不能再作废")
        _check_open_year(s, old.year)
        old.status, old.void_reason = VOID, reason
        s.flush()
        audit.record(
            s,
            app.actor,
            "作废通知书",
            "letter",
            old.id,
            {"status": VALID},
            {"status": VOID, "reason": reason},
        )
        new = None
        if issuer is not None:
            inst = s.get(Instalment, old.instalment_id) if old.instalment_id else None
            ent = s.get(Entitlement, old.entitlement_id)
            assert ent is not None
            new = letter_row(s, _issue_in(s, app, issuer, ent, inst, day, replaces=old))
        return VoidResult(letter_row(s, old), new)

    return _with_retry(app, work)


def letter_pdf(app: App, number_or_id: str | int) -> bytes:
    """The stored PDF of an issued letter, checked against its SHA-256 (a reprint)."""
    with app.db.session() as s:
        letter = _find(s, number_or_id)
        if hashlib.sha256(letter.pdf).hexdigest() != letter.sha256:
            raise ServiceError(
                f"通知书 {letter.number} 的存档文件与签发时的校验值不符，可能被改动，请联系管理员"
            )
        return bytes(letter.pdf)


def get_letter(app: App, number_or_id: str | int) -> LetterRow:
    with app.db.session() as s:
        return letter_row(s, _find(s, number_or_id))
