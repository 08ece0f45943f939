"""A golden dump of every letter the program issues, to prove a change leaves them byte-identical.

``write`` builds the 包头 and 乌海 demo bureaus (``services.demo``) with a fixed “today”,
approves the later years, and issues every kind of letter it can: the demo's own 2022
letters, batches in the three layouts (信函, 套打 with an offset, 文件 with 抄送 and 印发),
letters for whole entitlements, a void with its correction and a void alone, a draft and a
套打 test page. Per letter it writes the number, kind, addressee, amount, status, the
SHA-256 of the archived PDF bytes (checked against the stored one), its page count and the
text of every page (pdfplumber); then the audit events of the letters, the rows of the
finance sheets (明细表, 汇总表, 承诺表) and the CSV and JSON export of the entitlements
(``kjdesk entitlements --format csv|json``). ``check`` does the same and compares the dump
byte for byte with the written one, naming the first difference.

    python -m tests.golden.letters_golden write   # the golden dump, on the code before the change
    python -m tests.golden.letters_golden check   # after every change

The PDFs are compared by their hashes: the dump only holds if every letter is rendered to
the same bytes (reportlab's invariant mode, the issue date as the creation date). The fonts
are those of this machine, so a dump is only comparable on the machine that wrote it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import hashlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.golden.compare import write_or_check  # noqa: E402

AS_OF = _dt.date(2026, 11, 23)
WORK = Path(tempfile.gettempdir()) / "kjdesk_letters_golden"
GOLDEN = WORK / "golden.txt"
CURRENT = WORK / "current.txt"
CITIES = ("baotou", "wuhai")
SKIP_AUDIT = {"at", "id", "prev_hash", "hash"}

_real_date = _dt.date


class _DateMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, _real_date)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, _real_date)


class FixedDate(_real_date, metaclass=_DateMeta):
    """``datetime.date`` whose ``today()`` is ``AS_OF`` (every value it makes is a real date)."""

    def __new__(cls, *args, **kw):  # noqa: ANN002, ANN003, ANN204
        return _real_date(*args, **kw)

    @classmethod
    def today(cls) -> _dt.date:  # type: ignore[override]
        return AS_OF


@contextlib.contextmanager
def fixed_today():
    """``date.today()`` is ``AS_OF`` in every kjdesk module (loaded now or later)."""
    import kjdesk.services.demo  # noqa: F401 - load the modules whose ``date`` is replaced
    import kjdesk.services.disbursement.approval  # noqa: F401
    import kjdesk.services.disbursement.payments  # noqa: F401
    import kjdesk.services.disbursement.reports  # noqa: F401
    import kjdesk.services.letters  # noqa: F401

    patched = []
    for name, mod in list(sys.modules.items()):
        if name.startswith("kjdesk") and getattr(mod, "date", None) is _real_date:
            mod.date = FixedDate  # type: ignore[attr-defined]
            patched.append(mod)
    try:
        yield
    finally:
        for mod in patched:
            mod.date = _real_date  # type: ignore[attr-defined]


def _pdf_lines(pdf: bytes) -> list[str]:
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        out.append(f"  pages {len(doc.pages)}")
        for n, page in enumerate(doc.pages, start=1):
            text = page.extract_text() or ""
            out.append(f"  p{n}: " + " / ".join(ln.strip() for ln in text.splitlines() if ln.strip()))
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _issue_everything(maker, checker, city: str, out: list[str]) -> None:  # noqa: ANN001
    """Approve the later years and issue every kind of letter, writing down what each call returned."""
    from kjdesk.services.core.app import ServiceError
    from kjdesk.services.disbursement.approval import approve_batch, propose_batch
    from kjdesk.services.letters import (
        draft_pdf,
        issue_entitlement_letter,
        issue_letters,
        pending_letters,
        void_letter,
    )
    from kjdesk.services.letters.print_settings import preprinted_test_page, set_print_settings

    for year in (2024, 2025):
        try:
            batch = propose_batch(maker, year, note="金样：年度拨付计划")
            approve_batch(checker, batch.id)
            out.append(f"approved {year}: batch {batch.id}")
        except ServiceError as exc:
            out.append(f"approve {year}: ServiceError: {exc}")

    def batch(year: int, day: _dt.date, layout: str | None, **kw: object) -> None:
        try:
            r = issue_letters(maker, year, issued_on=day, layout=layout, **kw)  # type: ignore[arg-type]
            out.append(f"batch {year} {layout}: {r.message} | {r.layout} | notes {list(r.font_notes)}")
        except ServiceError as exc:
            out.append(f"batch {year} {layout}: ServiceError: {exc}")

    batch(2022, _dt.date(2022, 12, 21), "信函")
    set_print_settings(maker, {"letter_offset_x_mm": "2.5", "letter_offset_y_mm": "-1.5"})
    batch(2023, _dt.date(2023, 12, 20), "套打")
    set_print_settings(maker, {"letter_preprinted": "信函"})
    out.append(f"test page sha {_sha(preprinted_test_page(maker))}")
    set_print_settings(
        maker,
        {
            "letter_cc": f"内蒙古自治区科学技术厅、{'包头' if city == 'baotou' else '乌海'}市财政局",
            "letter_printer": f"{'包头' if city == 'baotou' else '乌海'}市科学技术局办公室",
            "letter_organ": "",
        },
    )
    pend = pending_letters(maker, 2024)
    if pend:
        out.append(f"draft {pend[0].instalment_id}:")
        draft = draft_pdf(maker, pend[0].instalment_id, issued_on=_dt.date(2024, 12, 1))
        out.append(f"  sha {_sha(draft)}")
        out.extend(_pdf_lines(draft))
    batch(2024, _dt.date(2024, 12, 18), None)
    # whole-entitlement letters: the first entitlements of 2025 with an approved instalment
    seen: set[int] = set()
    for item in pending_letters(maker, 2025)[:4]:
        if item.entitlement_id in seen:
            continue
        seen.add(item.entitlement_id)
        try:
            row = issue_entitlement_letter(maker, item.entitlement_id, issued_on=_dt.date(2025, 6, 30))
            out.append(f"entitlement letter {item.entitlement_id}: {row.number}")
        except ServiceError as exc:
            out.append(f"entitlement letter {item.entitlement_id}: ServiceError: {exc}")
    batch(2025, _dt.date(2025, 12, 19), "文件")
    from kjdesk.services.letters.rows import list_letters

    issued = [r for r in list_letters(maker, 2024) if r.status == "有效"]
    if len(issued) >= 2:
        r = void_letter(
            maker, issued[0].number, "金额有误，更正", reissue=True, issued_on=_dt.date(2024, 12, 28)
        )
        out.append(f"void {issued[0].number} → {r.replacement.number if r.replacement else None}")
        r = void_letter(maker, issued[1].number, "重复签发")
        out.append(f"void {issued[1].number} alone: {r.voided.status} {r.voided.void_reason}")


def _dump_city(city: str, tmp: Path, out: list[str]) -> None:
    from kjdesk.cli import main as cli_main
    from kjdesk.services.core.app import App
    from kjdesk.services.core.officers import sign_in
    from kjdesk.services.demo import DEMO_PASSWORD, build_demo
    from kjdesk.services.disbursement.reports import commitment_lines, disbursement_lines, summary_lines
    from kjdesk.services.letters import letter_pdf
    from kjdesk.services.letters.rows import list_letters
    from kjdesk.services.safety.audit_log import verify_audit
    from kjdesk.store.models import AuditEvent

    out.append(f"### {city}")
    (tmp / city).mkdir()  # each database its own folder: its backups (an audit anchor) are its own
    path = tmp / city / f"{city}.sqlite"
    app = App.open(path, actor="演示")
    summary = build_demo(app, city)
    out.append(f"demo: letters {summary.letters}, batches {summary.batches}, payments {summary.payments}")
    maker, checker = sign_in(app, "jingban", DEMO_PASSWORD), sign_in(app, "fuhe", DEMO_PASSWORD)
    _issue_everything(maker, checker, city, out)
    rows = list_letters(maker)
    out.append(f"## letters: {len(rows)}")
    for r in rows:
        out.append(
            f"{r.number} | seq {r.seq} | {r.kind} | {r.addressee} | {r.district} | {r.clause_id} |"
            f" {r.budget_year} | {r.amount_fen} | {r.issued_on} | {r.issued_by} | {r.status} |"
            f" {r.void_reason} | replaces {r.replaces_number} | replaced by {r.replaced_by_number} |"
            f" inst {r.instalment_id} | ent {r.entitlement_id}"
        )
        pdf = letter_pdf(maker, r.number)
        assert _sha(pdf) == r.sha256, r.number
        out.append(f"  sha {r.sha256}")
        out.extend(_pdf_lines(pdf))
    with app.db.session() as s:
        events = s.query(AuditEvent).filter(AuditEvent.entity == "letter").order_by(AuditEvent.id).all()
        out.append(f"## letter audit events: {len(events)}")
        for e in events:
            out.append(f"{e.actor} | {e.action} | {e.entity_id} | {e.before} | {e.after}")
    for year in (2022, 2023, 2024, 2025, 2026):
        out.append(f"## 明细表 {year}")
        out.extend(repr(x) for x in disbursement_lines(maker, year))
        out.append(f"## 汇总表 {year}")
        out.extend(repr(x) for x in summary_lines(maker, year))
    out.append("## 承诺表 2022")
    out.extend(repr(x) for x in commitment_lines(maker, 2022))
    broken = verify_audit(app)  # the audit chain and the money seals hold (not part of the dump)
    assert broken is None, broken
    app.close()
    os.environ["KJDESK_GOLDEN_PASSWORD"] = DEMO_PASSWORD
    for fmt in ("csv", "json"):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
            code = cli_main(
                [
                    "--db",
                    str(path),
                    "--user",
                    "jingban",
                    "--password-env",
                    "KJDESK_GOLDEN_PASSWORD",
                    "entitlements",
                    "--format",
                    fmt,
                ]
            )
        out.append(f"## entitlements --format {fmt}: exit {code}")
        out.extend(buf.getvalue().splitlines())


def dump() -> tuple[str, float]:
    """The text of the dump and the CPU seconds it took."""
    t0 = time.process_time()
    lines: list[str] = []
    with fixed_today(), tempfile.TemporaryDirectory() as tmp:
        for city in CITIES:
            _dump_city(city, Path(tmp), lines)
    return "\n".join(lines) + "\n", time.process_time() - t0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=("write", "check"))
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    text, spent = dump()
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    n = sum(1 for ln in text.splitlines() if ln.startswith("  sha "))
    print(f"{n} PDFs, {text.count(chr(10))} lines, sha256 {digest}, CPU {spent:.1f} s")
    return write_or_check(args.action, text, GOLDEN, CURRENT)


if __name__ == "__main__":
    sys.exit(main())
