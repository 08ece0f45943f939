"""The command line records D14 conditions (roster columns, ``conditions set``) and confirms D6 figures.

“工商注册和纳税所在地均在我市” (包头（十二）) and “上年度符合税法规定已进行加计扣除的研发费用” (包头（五））.
"""

from __future__ import annotations

import json

from tests.cli.conftest import signed_main as main
from tests.rosters import CODE_A, xlsx


def _entitlements(db, capsys) -> dict[str, tuple[str, int]]:  # noqa: ANN001
    capsys.readouterr()
    assert main(["--db", db, "entitlements", "--format", "json"]) == 0
    return {e["clause_id"]: (e["status"], e["amount_fen"]) for e in json.loads(capsys.readouterr().out)}


def test_tax_seat_from_a_roster_column_then_set_by_command(tmp_path, capsys):
    db = str(tmp_path / "c.sqlite")
    assert main(["--db", db, "init", "--city", "baotou"]) == 0
    units = [
        ["单位名称", "统一社会信用代码", "旗县区", "纳税地在本市"],
        ["包头市甲稀土有限公司", CODE_A, "昆都仑区", ""],
    ]
    facts = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位", "事项编号"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "技术交易额", "100", "万元", "HT-1"],
    ]
    assert main(["--db", db, "import", str(xlsx(tmp_path / "u.xlsx", units))]) == 0
    assert main(["--db", db, "import", str(xlsx(tmp_path / "f.xlsx", facts))]) == 0
    assert _entitlements(db, capsys)["BT-12-patent-purchase"] == ("须核实", 0)
    assert main(["--db", db, "conditions", "set", "--unit", CODE_A, "纳税地在本市=是"]) == 0
    assert "纳税地在本市：是" in capsys.readouterr().out
    assert _entitlements(db, capsys)["BT-12-patent-purchase"] == ("应享", 50_000_000)
    units[1][3] = "否"
    assert main(["--db", db, "import", str(xlsx(tmp_path / "u2.xlsx", units))]) == 0
    # the instalment planned while it was owed stays listed, cancelled, with its amount
    assert _entitlements(db, capsys)["BT-12-patent-purchase"][0] == "不符合条件"
    assert main(["--db", db, "conditions", "set", "--unit", CODE_A, "纳税地=是"]) == 1
    assert "条件名未知（可登记：高技术产业领域、纳税地在本市）" in capsys.readouterr().err


def test_refused_indicator_and_facts_to_verify_and_confirm(tmp_path, capsys):
    db = str(tmp_path / "c.sqlite")
    assert main(["--db", db, "init", "--city", "baotou"]) == 0
    units = [["单位名称", "统一社会信用代码", "旗县区"], ["包头市甲稀土有限公司", CODE_A, "昆都仑区"]]
    assert main(["--db", db, "import", str(xlsx(tmp_path / "u.xlsx", units))]) == 0
    facts = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "研发费用加计扣除额", "100", "万元"],
    ]
    capsys.readouterr()
    assert main(["--db", db, "import", str(xlsx(tmp_path / "f.xlsx", facts))]) == 1
    err = capsys.readouterr()
    assert "不是研发费用本身" in err.out + err.err
    assert main(["--db", db, "facts", "to-verify", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--db", db, "facts", "confirm", "99"]) == 1
    assert "年度数据 99 不存在" in capsys.readouterr().err
