"""The audit log in words: Chinese field names, money in 元, objects by name, no SQL in what an auditor reads."""

from __future__ import annotations

import re

from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.safety.audit_log import audit_events
from kjdesk.services.safety.audit_words import change_words
from tests.services.disbursement.disbursement_data import officers, seed_plan


def test_change_words_say_fields_in_chinese_and_money_in_yuan():
    assert change_words(
        "approval_batch", "3", "", '{"amount_fen": 133411340, "instalments": [35, 36], "year": 2025}'
    ) == ("金额：1,334,113.40 元；拨付计划：2 笔（编号 35、36）；年度：2025")
    assert change_words("settings", "city", "", '"baotou"') == "所服务的城市：包头市"
    assert (
        change_words("settings", "letter_pattern", "", '"包科字〔{year}〕{seq}号"')
        == "发文字号格式：包科字〔{year}〕{seq}号"
    )
    assert (
        change_words("approval_batch", "3", '{"state": "proposed"}', '{"state": "approved"}')
        == "状态：已报批 → 已审批"
    )


def test_audit_rows_name_their_objects_and_read_without_codes(app):
    data = seed_plan(app)
    who = officers(app)
    batch = propose_batch(who["jb1"], 2025, [data.instalment_ids["c/2025"]])
    approve_batch(who["fh1"], batch.id)
    rows = audit_events(app)
    approved = next(r for r in rows if r.action == "审批")
    assert approved.object_name == "2025 年报批批次 1"
    assert approved.words.startswith("状态：已报批 → 已审批")
    settings = {r.object_name: r.words for r in rows if r.entity == "settings"}
    assert settings["所服务的城市"] == "所服务的城市：包头市"
    for r in rows:
        assert not re.search(r"[a-z]+_[a-z_]+", r.words), r.words  # no amount_fen, letter_pattern …
        assert "baotou" not in r.words


def test_letter_batches_units_and_recognitions_read_without_english_keys():
    batch = change_words(
        "letter",
        "7",
        "",
        '{"year": 2025, "count": 59, "first": "包科字〔2025〕1号", "last": "包科字〔2025〕59号",'
        ' "cancelled": false, "layout": "文件格式", "fonts": {"正文": "仿宋"}, "font_notes": []}',
    )
    assert batch == (
        "年度：2025；份数：59；首份：包科字〔2025〕1号；末份：包科字〔2025〕59号；中途取消：否；"
        "版式：文件格式；字体：正文 仿宋"
    )
    unit = change_words(
        "unit", "1", '{"conditions": ""}', '{"conditions": "{\\"tax_seat_in_city\\": \\"是\\"}"}'
    )
    assert unit == "登记条件：（空） → 纳税地在本市：是"
    words = change_words(
        "recognition", "2", "", '{"cert_number": "GR2023", "bank_name": "工行", "size_written": "小微"}'
    )
    assert not re.search(r"[a-z_]{3,}", words), words
