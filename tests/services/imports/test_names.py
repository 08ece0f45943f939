"""Name matching at a city's scale: normalisation, and an index instead of every pair compared."""

import difflib

from kjdesk.services.imports import names as import_names
from kjdesk.services.imports.names import NameIndex, loose_key, name_key, resolve_names
from kjdesk.services.imports.rows import ParsedRow


def test_name_key_folds_width_brackets_spaces_line_breaks_and_case():
    assert name_key(" 包头市鑫源（集团）\n有限公司 ") == name_key("包头市鑫源(集团)有限公司")
    assert name_key("内蒙古ＡＢＣ　新材料") == name_key("内蒙古abc新材料") == "内蒙古abc新材料"
    assert name_key("包头【稀土】公司") == name_key("包头〔稀土〕公司") == "包头(稀土)公司"
    assert name_key("包头市甲有限责任公司") != name_key("包头市甲有限公司")  # never the same name …
    assert loose_key(name_key("包头市甲有限责任公司")) == name_key("包头市甲有限公司")  # … only alike


def _units(n):
    districts = ("昆都仑", "青山", "东河", "九原", "稀土")
    trades = ("稀土", "机械", "新材料", "电子", "食品", "化工", "建材", "物流")
    return {
        f"CODE{i:06d}": {
            "id": i,
            "credit_code": f"CODE{i:06d}",
            "name": f"包头市{districts[i % 5]}{trades[i % 8]}第{i}号科技有限公司",
            "former_names": "",
        }
        for i in range(1, n + 1)
    }


def test_twenty_thousand_units_are_looked_up_through_the_index_not_pairwise(monkeypatch):
    units = _units(20_000)
    calls = {"ratio": 0}
    real = difflib.SequenceMatcher

    class Counting(real):
        def ratio(self):
            calls["ratio"] += 1
            return super().ratio()

    monkeypatch.setattr(import_names.difflib, "SequenceMatcher", Counting)
    rows = [ParsedRow(i + 2, {"subject_name": f"包头市青山机械第{i}号科技有限责任公司"}) for i in range(2000)]
    rows += [ParsedRow(3000, {"subject_name": "包头市稀土物流第19999号科技有限公司"})]  # exact
    rows += [ParsedRow(3001, {"subject_name": "完全不相干的名称"})]
    out = resolve_names(rows, units, {}, {}, False, set())
    assert out.by_name == 1 and rows[-2].values["credit_code"] == "CODE019999"
    assert len(out.questions) == 2001
    # each question looks at a bounded shortlist, never at the 20,000 registered names
    assert calls["ratio"] <= 2001 * import_names.SHORTLIST
    near = out.questions[0]  # 第0号 is not registered: the closest are proposed, best first
    assert near.candidates and all(c.why.startswith(("相似度", "仅")) for c in near.candidates)
    assert out.questions[-1].candidates == []


def test_a_unit_is_found_by_a_former_name_and_ambiguity_is_reported():
    units = {
        "A": {
            "id": 1,
            "credit_code": "A",
            "name": "包头甲新名有限公司",
            "former_names": "包头甲旧名有限公司",
        },
        "B": {"id": 2, "credit_code": "B", "name": "包头乙有限公司", "former_names": ""},
        "C": {"id": 3, "credit_code": "C", "name": "包头乙 有限公司", "former_names": ""},
    }
    index = NameIndex(units)
    assert index.exact_ids(name_key("包头甲旧名有限公司")) == [1]
    q = index.question("包头乙有限公司", name_key("包头乙有限公司"))
    assert "同名" in q.reason and [c.unit_id for c in q.candidates] == [2, 3]
