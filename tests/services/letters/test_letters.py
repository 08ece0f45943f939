"""Issuing letters: numbering without gaps, archive, reprint, void and correction, batches."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from kjdesk.io import fonts as fonts_mod
from kjdesk.services.core.app import ServiceError
from kjdesk.services.core.progress import CancelAfter
from kjdesk.services.letters import content as letter_content
from kjdesk.services.letters import (
    issue_entitlement_letter,
    issue_letter,
    issue_letters,
    letter_pdf,
    pending_letters,
    void_letter,
)
from kjdesk.services.letters.export import export_letters
from kjdesk.services.letters.rows import list_letters
from kjdesk.store.models import AuditEvent, ClosedYear, Entitlement, Instalment, Letter
from tests.letters_data import HTE_QUOTE, NKL_QUOTE, add_hte, add_nkl, add_unit, catalog, seed  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalog")

DAY = date(2026, 11, 23)


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def seqs(app, year: int = 2026) -> list[int]:
    with app.db.session() as s:
        return list(s.scalars(select(Letter.seq).where(Letter.year == year).order_by(Letter.seq)))


def test_an_issued_letter_names_unit_number_amount_and_clause(app, tmp_path):
    [inst_id] = seed(app, 1)
    row = issue_letter(app, inst_id, issued_on=DAY)
    assert (row.number, row.seq, row.amount_fen, row.status) == ("包科字〔2026〕1号", 1, 30_000_000, "有效")
    assert row.kind == "后补助通知书" and row.addressee == "包头市测试1号科技有限公司"
    text = text_of(letter_pdf(app, row.number), tmp_path)
    assert "包科字〔2026〕1号" in text
    assert "包头市测试1号科技有限公司：" in text
    assert "300,000.00元（人民币叁拾万元整）" in text
    assert "".join(f"“{HTE_QUOTE}”".split()) in text
    assert letter_content.load_policy("baotou").document.doc_number in text and "第六条" in text
    assert "国科火字〔2025〕12号" in text and "2025年10月20日" in text
    with app.db.session() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "签发通知书")).one()
        assert ev.entity_id == str(row.id) and "包科字〔2026〕1号" in ev.after


def test_reprint_gives_the_archived_bytes(app):
    [inst_id] = seed(app, 1)
    row = issue_letter(app, inst_id, issued_on=DAY)
    first, second = letter_pdf(app, row.number), letter_pdf(app, row.id)
    assert first == second and hashlib.sha256(first).hexdigest() == row.sha256


def test_a_changed_archive_is_refused(app):
    [inst_id] = seed(app, 1)
    row = issue_letter(app, inst_id, issued_on=DAY)
    with app.db.session() as s:
        s.get(Letter, row.id).pdf += b"%tampered"
    with pytest.raises(ServiceError, match="校验值不符"):
        letter_pdf(app, row.number)


def test_a_batch_cancelled_half_way_leaves_no_gap(app):
    seed(app, 5)
    result = issue_letters(app, 2026, issued_on=DAY, progress=CancelAfter(2))
    assert result.cancelled and len(result.issued) == 2 and result.remaining == 3
    assert "已取消" in result.message
    assert seqs(app) == [1, 2]
    rest = issue_letters(app, 2026, issued_on=DAY)
    assert not rest.cancelled and [r.seq for r in rest.issued] == [3, 4, 5]
    assert seqs(app) == [1, 2, 3, 4, 5]
    assert pending_letters(app, 2026) == []


def test_no_font_refuses_before_any_number_is_taken(app, monkeypatch):
    ids = seed(app, 2)
    monkeypatch.setattr(fonts_mod, "system_faces", lambda: [])
    with pytest.raises(ServiceError, match="找不到可嵌入 PDF 的中文 TrueType 字体"):
        issue_letters(app, 2026, issued_on=DAY)
    with pytest.raises(ServiceError, match="中文 TrueType"):
        issue_letter(app, ids[0], issued_on=DAY)
    assert seqs(app) == []
    monkeypatch.undo()
    assert issue_letter(app, ids[0], issued_on=DAY).seq == 1


def test_a_failure_while_rendering_consumes_no_number(app, monkeypatch):
    ids = seed(app, 2)
    from kjdesk.services import letters as letters_mod

    def broken(*a, **k):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(letters_mod, "render_letter", broken)
    with pytest.raises(RuntimeError):
        issue_letter(app, ids[0], issued_on=DAY)
    monkeypatch.undo()
    assert seqs(app) == []
    assert issue_letter(app, ids[1], issued_on=DAY).seq == 1


def test_a_broken_template_override_is_refused_before_numbering(app, db_path):
    [inst_id] = seed(app, 1)
    folder = db_path.parent / "templates" / "letters"
    folder.mkdir(parents=True)
    (folder / "houbuzhu.toml").write_text(
        'kind = "后补助通知书"\nwordings = ["后补助"]\ntitle = "{单位名称}"\nparagraphs = ["x"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ServiceError, match=r"houbuzhu.toml.*\{单位名称\}"):
        issue_letter(app, inst_id, issued_on=DAY)
    assert seqs(app) == []


def test_an_adapted_template_changes_the_wording(app, db_path, tmp_path):
    [inst_id] = seed(app, 1)
    folder = db_path.parent / "templates" / "letters"
    folder.mkdir(parents=True)
    (folder / "houbuzhu.toml").write_text(
        'kind = "后补助通知书"\nwordings = ["后补助"]\ntitle = "关于{unit}的通知"\n'
        'paragraphs = ["经研究，拨付{amount_daxie}。"]\nclosing = "此复。"\n',
        encoding="utf-8",
    )
    row = issue_letter(app, inst_id, issued_on=DAY)
    text = text_of(letter_pdf(app, row.id), tmp_path)
    assert "经研究，拨付人民币叁拾万元整。" in text and "此复。" in text


def test_one_letter_per_instalment(app):
    [inst_id] = seed(app, 1)
    first = issue_letter(app, inst_id, issued_on=DAY)
    with pytest.raises(ServiceError, match=first.number):
        issue_letter(app, inst_id, issued_on=DAY)
    assert seqs(app) == [1]


def test_an_unapproved_instalment_gets_no_letter(app):
    with app.db.session() as s:
        inst = add_hte(s, add_unit(s, "待审批公司", "91150200MA0P00001"), state="planned")
        inst_id = inst.id
    with pytest.raises(ServiceError, match="尚未审批"):
        issue_letter(app, inst_id, issued_on=DAY)
    assert pending_letters(app, 2026) == []


def test_void_and_replacement(app, tmp_path):
    [inst_id] = seed(app, 1)
    old = issue_letter(app, inst_id, issued_on=DAY)
    with pytest.raises(ServiceError, match="原因"):
        void_letter(app, old.number, "  ")
    result = void_letter(app, old.number, "单位名称有误", reissue=True, issued_on=date(2026, 11, 24))
    assert result.voided.status == "已作废" and result.voided.void_reason == "单位名称有误"
    new = result.replacement
    assert new is not None and new.seq == 2 and new.replaces_number == old.number
    assert result.voided.replaced_by_number == new.number
    assert f"本通知更正并替代{old.number}，原通知同时作废。" in text_of(letter_pdf(app, new.number), tmp_path)
    # the voided letter's archive is untouched
    assert hashlib.sha256(letter_pdf(app, old.number)).hexdigest() == old.sha256
    with pytest.raises(ServiceError, match="已作废"):
        void_letter(app, old.number, "again")
    rows = list_letters(app, 2026)
    assert [(r.number, r.status) for r in rows] == [(old.number, "已作废"), (new.number, "有效")]
    with app.db.session() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.action == "作废通知书")) == 1


def test_void_without_reissue_frees_the_instalment(app):
    [inst_id] = seed(app, 1)
    old = issue_letter(app, inst_id, issued_on=DAY)
    assert void_letter(app, old.number, "误发").replacement is None
    assert [p.instalment_id for p in pending_letters(app, 2026)] == [inst_id]


def test_multi_year_schedule_is_stated(app, tmp_path):
    with app.db.session() as s:
        inst_id = add_nkl(s, add_unit(s, "包头稀土研究院", "12150200MB0000000")).id
    row = issue_letter(app, inst_id, issued_on=DAY)
    assert row.kind == "资金支持通知书" and row.amount_fen == 1_000_000_000
    text = re.sub(r"—\d+—", "", text_of(letter_pdf(app, row.id), tmp_path))  # page numbers out
    assert "10,000,000.00元（人民币壹仟万元整）" in text
    assert "连续支持5年（2025年至2029年），本次拨付第2年（2026年度）资金" in text
    # 获批建设 for a 国家重点实验室, the platform's name said once (it carries the title and level)
    assert "你单位于2025年3月1日获批建设稀土功能材料国家重点实验室（国科发基〔2025〕3号）。" in text
    assert "".join(NKL_QUOTE.split()) in text


def test_a_whole_entitlement_letter_lists_every_year(app, tmp_path):
    with app.db.session() as s:
        ent_id = add_nkl(s, add_unit(s, "包头稀土研究院", "12150200MB0000000")).entitlement_id
    row = issue_entitlement_letter(app, ent_id, issued_on=DAY)
    assert row.instalment_id is None and row.amount_fen == 5_000_000_000
    assert "各年度为2025年10,000,000.00元" in text_of(letter_pdf(app, row.id), tmp_path)


def test_batch_by_clause_and_district(app):
    seed(app, 4)  # districts alternate 昆都仑区, 青山区
    with app.db.session() as s:
        add_nkl(s, add_unit(s, "包头稀土研究院", "12150200MB0000000", district="青山区"))
    assert len(pending_letters(app, 2026, clause_id="BT-08-nkl")) == 1
    result = issue_letters(app, 2026, district="青山区", clause_id="BT-06-hte-cert", issued_on=DAY)
    assert {r.district for r in result.issued} == {"青山区"} and len(result.issued) == 2
    assert len(pending_letters(app, 2026)) == 3


def test_numbers_restart_each_year(app):
    ids = seed(app, 2)
    assert issue_letter(app, ids[0], issued_on=date(2026, 12, 31)).number == "包科字〔2026〕1号"
    assert issue_letter(app, ids[1], issued_on=date(2027, 1, 4)).number == "包科字〔2027〕1号"


def test_a_closed_year_issues_nothing(app):
    [inst_id] = seed(app, 1)
    with app.db.session() as s:
        s.add(ClosedYear(year=2026, closed_by="管理员"))
    with pytest.raises(ServiceError, match="已结账"):
        issue_letter(app, inst_id, issued_on=DAY)
    assert seqs(app) == []


def test_export_one_pdf_and_one_file_each(app, tmp_path):
    seed(app, 3)
    issue_letters(app, 2026, issued_on=DAY)
    rows = list_letters(app, budget_year=2026, status="有效")
    merged = export_letters(app, rows, tmp_path / "all.pdf")
    reader = PdfReader(io.BytesIO((tmp_path / "all.pdf").read_bytes()))
    each = [len(PdfReader(io.BytesIO(letter_pdf(app, r.number))).pages) for r in rows]
    assert merged.letters == 3 and len(reader.pages) == sum(each)
    assert "包科字〔2026〕3号" in "".join(reader.pages[sum(each[:2])].extract_text().split())
    each = export_letters(app, rows, tmp_path / "dir")
    assert [p.name for p in each.files] == [
        f"包科字〔2026〕{i}号_包头市测试{i}号科技有限公司.pdf" for i in (1, 2, 3)
    ]
    assert each.files[0].read_bytes() == letter_pdf(app, rows[0].number)
    assert not list((tmp_path / "dir").glob("*.part"))


def test_instalment_with_pending_review_waits(app):
    [inst_id] = seed(app, 1)
    with app.db.session() as s:
        s.get(Instalment, inst_id).pending_amount_fen = 20_000_000
    assert pending_letters(app, 2026) == []
    with pytest.raises(ServiceError, match="待复核"):
        issue_letter(app, inst_id, issued_on=DAY)


def test_a_draft_takes_no_number_and_says_so(app, tmp_path):
    from kjdesk.services.letters import draft_pdf

    [inst_id] = seed(app, 1)
    text = text_of(draft_pdf(app, inst_id, issued_on=DAY), tmp_path)
    assert "〔签发时编号〕" in text and "人民币叁拾万元整" in text
    assert "草" in text and "稿" in text  # the 草稿 未签发 mark (rotated, so its characters interleave)
    assert seqs(app) == [] and [p.instalment_id for p in pending_letters(app, 2026)] == [inst_id]
    assert "稿" not in text_of(letter_pdf(app, issue_letter(app, inst_id, issued_on=DAY).id), tmp_path)


def test_a_number_taken_meanwhile_is_retried_with_the_next(app, monkeypatch):
    """Another PC inserts 包科字〔2026〕1号 between our max(seq) and our insert."""
    from kjdesk.services import letters as letters_mod

    ids = seed(app, 2)
    issue_letter(app, ids[0], issued_on=DAY)
    real, calls = letters_mod.next_seq, []

    def stale(session, year):
        calls.append(year)
        return 1 if len(calls) == 1 else real(session, year)  # the first read is out of date

    monkeypatch.setattr(letters_mod, "next_seq", stale)
    assert issue_letter(app, ids[1], issued_on=DAY).seq == 2
    assert len(calls) == 2 and seqs(app) == [1, 2]


def test_a_multi_year_support_carries_its_schedule_as_an_attachment(app, tmp_path):
    with app.db.session() as s:
        inst_id = add_nkl(s, add_unit(s, "包头稀土研究院", "12150200MB0000000")).id
    row = issue_letter(app, inst_id, issued_on=DAY)
    pdf = letter_pdf(app, row.id)
    reader = PdfReader(io.BytesIO(pdf))
    pages = ["".join(p.extract_text().split()) for p in reader.pages]
    body = "".join(pages[:-1])
    # 附件说明 under the text (7.3.4), then the attachment on a page of its own, before the 版记
    assert "附件：分年度拨付计划" in body
    last = pages[-1]
    assert last.startswith("附件分年度拨付计划") or last.startswith("附件")
    assert "分年度拨付计划" in last and "2026年度（本次）" in last
    assert last.count("10,000,000.00") == 5 and "50,000,000.00" in last


def test_a_batch_that_fails_half_way_issues_nothing(app, monkeypatch):
    """One transaction for the batch: the third letter failing leaves no letter, no number and
    no audit event of the batch; the batch issued again numbers its letters from 1."""
    from kjdesk.services import letters as letters_mod

    seed(app, 5)
    real, calls = letters_mod.render_letter, []

    def third_fails(*a, **k):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("printer on fire")
        return real(*a, **k)

    monkeypatch.setattr(letters_mod, "render_letter", third_fails)
    with pytest.raises(RuntimeError, match="printer on fire"):
        issue_letters(app, 2026, issued_on=DAY)
    monkeypatch.undo()
    assert seqs(app) == [] and len(pending_letters(app, 2026)) == 5
    with app.db.session() as s:
        assert (
            s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "letter")) == 0
        )
    assert [r.seq for r in issue_letters(app, 2026, issued_on=DAY).issued] == [1, 2, 3, 4, 5]


def test_every_letter_of_a_batch_is_audited_and_reprints_byte_identical(app):
    """Each letter of a batch keeps its own PDF and SHA-256 and its own event 签发通知书 (number,
    amount, hash), chained before the event of the batch; composing and rendering a letter
    again gives its archived bytes exactly (the PDF depends on nothing but the letter)."""
    from kjdesk.io.letter_pdf import render_letter
    from kjdesk.services.letters import prepare
    from kjdesk.services.safety.audit_log import verify_audit

    seed(app, 4)
    rows = issue_letters(app, 2026, issued_on=DAY).issued
    assert [r.seq for r in rows] == [1, 2, 3, 4] and len({r.sha256 for r in rows}) == 4
    with app.db.session() as s:
        events = list(
            s.scalars(select(AuditEvent).where(AuditEvent.entity == "letter").order_by(AuditEvent.id))
        )
    assert [e.action for e in events] == ["签发通知书"] * 4 + ["批量签发通知书"]
    for row, event in zip(rows, events, strict=False):
        assert event.entity_id == str(row.id) and event.actor == app.actor
        assert f'"sha256": "{row.sha256}"' in event.after and f'"number": "{row.number}"' in event.after
        assert f'"amount_fen": {row.amount_fen}' in event.after
    assert '"count": 4' in events[-1].after and events[-1].seal  # the batch's event carries the money seal
    assert verify_audit(app) is None
    issuer = prepare(app)
    with app.db.session() as s:
        for row in rows:
            letter = s.get(Letter, row.id)
            assert letter.created_at is not None and letter.issued_by == app.actor
            pdf = letter_pdf(app, row.number)
            assert hashlib.sha256(pdf).hexdigest() == row.sha256
            ent, inst = s.get(Entitlement, letter.entitlement_id), s.get(Instalment, letter.instalment_id)
            _k, text, _p, _a = letter_content.compose(
                s, issuer.bureau, issuer.policy, issuer.templates, ent, inst, row.number, DAY
            )
            assert render_letter(text, issuer.fonts, layout=issuer.layout) == pdf
