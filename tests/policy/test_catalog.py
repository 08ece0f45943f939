"""The shipped policy catalog agrees with clauses.md, and broken copies are reported by line."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from kjdesk.money import wan_to_fen
from kjdesk.policy.catalog import CatalogError, builtin_policies, check_file, load_builtin, load_policy
from kjdesk.policy.model import Form, Level
from kjdesk.resources import resource_path


def _shared() -> Path:
    """/work/shared: the folder named ``shared`` beside one of this checkout's parents."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "policy" / "clauses.md").exists():
            return parent / "shared"
    return Path(__file__).parents[3].parent / "shared"


SHARED = _shared()
CLAUSES_MD = SHARED / "policy" / "clauses.md"
SEEDS = {
    "baotou": SHARED / "seeds" / "000_85e6a91aa843e856.txt",
    "wuhai": SHARED / "seeds" / "004_2688cbb81bc57e68.txt",
}
PREFIX = {"baotou": "BT", "wuhai": "WH"}
CJK = re.compile(r"[\u4e00-\u9fff]")

needs_spec = pytest.mark.skipif(
    not CLAUSES_MD.exists(), reason=f"规格文件 {CLAUSES_MD} 不在本机（/work/shared 未挂载）"
)


# --- clauses.md Part III, parsed independently of the generator ---------------------------


def spec_rows() -> dict[str, dict[str, str]]:
    cols = ["id", "clause", "beneficiary", "trigger", "level", "form", "amount", "wording", "quote", "notes"]
    out = {}
    for line in CLAUSES_MD.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\| (BT|WH)-\d", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out[cells[0]] = dict(zip(cols, cells, strict=True))
    return out


def spec_form_counts() -> dict[str, tuple[int, int]]:
    text = CLAUSES_MD.read_text(encoding="utf-8")
    section = text[text.index("By form:") :]
    counts = {}
    for m in re.finditer(r"^\| ([A-Z_]+(?:\\?\*)?) \| (\d+) \| (\d+) \|$", section, re.M):
        counts[m.group(1).replace("\\*", "*")] = (int(m.group(2)), int(m.group(3)))
    return counts


def expected_figures(row: dict[str, str]) -> dict[str, object]:
    """The figures a row of clauses.md states: amount, floor, N, cap, step, rate(s)."""
    amount, form = row["amount"], row["form"]
    exp: dict[str, object] = {}
    m = re.match(r"^(不低于 )?(\d+)(/年)?(?: × (\d+) = .*)?$", amount)
    if m and not form.startswith("STEP"):
        exp["amount_fen"] = wan_to_fen(m.group(2))
        exp["is_floor"] = bool(m.group(1))
    m = re.search(r"(?:不超过|不高于|最高不超过) (\d+)", amount)
    if m:
        exp["cap_fen"] = wan_to_fen(m.group(1))
    m = re.match(r"^(\d+) per (?:(\d+) 位|step)", amount)
    if m:
        exp["step_amount_fen"] = wan_to_fen(m.group(1))
    m = re.search(r"\(N=(\d+)\)", form)
    if m:
        exp["years"] = int(m.group(1))
    elif "N not stated" in form:
        exp["years"] = 0
    rates = [Decimal(p) / 100 for p in re.findall(r"(\d+)%", form)]
    if form.startswith("RATE_WITH_CAP"):
        exp["rate"] = rates[0]
    if form.startswith("TIERED_RATE"):
        exp["tier_rates"] = sorted(rates)
    return exp


def form_of(row: dict[str, str]) -> str:
    return re.match(r"[A-Z_]+\*?", row["form"]).group(0)


def joined_seed(city: str) -> str:
    """The seed text with its lines joined, so page-break quotes (†) are substrings."""
    return "".join(SEEDS[city].read_text(encoding="utf-8").splitlines())


# --- agreement with the specification ----------------------------------------------------


@needs_spec
@pytest.mark.parametrize("city", ["baotou", "wuhai"])
def test_every_clause_of_the_spec_is_in_the_catalog_and_nothing_else(city):
    spec = {k for k in spec_rows() if k.startswith(PREFIX[city] + "-")}
    ours = {c.id for c in load_builtin(city).clauses}
    assert ours == spec
    assert len(ours) == {"baotou": 90, "wuhai": 35}[city]


@needs_spec
def test_forms_amounts_caps_rates_and_years_equal_the_spec():
    rows = spec_rows()
    with_figure = Counter()
    for policy in builtin_policies():
        for clause in policy.clauses:
            row = rows[clause.id]
            assert clause.form == Form(form_of(row)), clause.id
            exp = expected_figures(row)
            if exp:
                with_figure[clause.id[:2]] += 1
            for key, value in exp.items():
                got = sorted(t.rate for t in clause.tiers) if key == "tier_rates" else getattr(clause, key)
                assert got == value, f"{clause.id}.{key}: {got!r} != {value!r}"
            if "years" not in exp:
                assert clause.years is None, clause.id
            if "amount_fen" not in exp:
                assert clause.amount_fen is None, clause.id
    assert with_figure == {"BT": 66}  # clauses.md §6: 66 BT rows carry a fixed figure, WH none


@needs_spec
def test_counts_by_form_equal_section_6():
    counts = spec_form_counts()
    assert sum(bt for bt, _ in counts.values()) == 90 and sum(wh for _, wh in counts.values()) == 35
    for index, city in enumerate(["baotou", "wuhai"]):
        ours = Counter(c.form.value for c in load_builtin(city).clauses)
        assert {f: n[index] for f, n in counts.items() if n[index]} == dict(ours)


@needs_spec
@pytest.mark.parametrize("city", ["baotou", "wuhai"])
def test_every_quote_is_verbatim_in_the_seed_with_page_breaks_joined(city):
    seed = joined_seed(city)
    rows = spec_rows()
    for clause in load_builtin(city).clauses:
        assert clause.quote in seed, clause.id
        assert clause.quote == rows[clause.id]["quote"].replace(" †", ""), clause.id
    for target in load_builtin(city).targets:
        assert target.quote in seed, target.id


@needs_spec
def test_wording_follows_r15_per_row():
    rows = spec_rows()
    for policy in builtin_policies():
        for clause in policy.clauses:
            wording = rows[clause.id]["wording"]
            assert clause.payment_wording == ("" if wording == "—" else wording), clause.id


# --- the catalog's own readings ----------------------------------------------------------


def test_amounts_are_fen_and_conditions_in_yuan():
    bt = load_builtin("baotou")
    assert bt.clause("BT-06-hte-cert").amount_fen == 30_000_000
    assert bt.clause("BT-08-ntic").amount_fen == 3_000_000_000 and bt.clause("BT-08-ntic").is_floor
    ge, lt = bt.clause("BT-15-attract-ge1yi").condition, bt.clause("BT-15-attract-lt1yi").condition
    assert (ge.op, ge.value, lt.op, lt.value) == (">=", Decimal(100_000_000), "<", Decimal(100_000_000))
    registry = bt.clause("BT-13-contract-registry")
    assert registry.step_size == Decimal(50_000_000) and registry.step_amount_fen == 20_000_000
    assert registry.cap_fen == 100_000_000 and registry.cap_scope == "per_year"
    rank = bt.clause("BT-10-rehtz-rank")
    assert rank.step_size == 5 and rank.lower_is_better and rank.cap_fen is None


def test_exclusion_groups_follow_d1():
    bt = load_builtin("baotou")
    groups: dict[str, set[str]] = {}
    for c in bt.clauses:
        if c.exclusion_group:
            groups.setdefault(c.exclusion_group, set()).add(c.id)
    assert groups["tic"] == {"BT-02-re-tic", "BT-08-ntic", "BT-08-r-tic"}
    assert groups["hte"] == {"BT-06-hte-cert", "BT-06-hte-relocate"}
    assert groups["nrdi_assessment"] == {"BT-14-nrdi-excellent", "BT-14-nrdi-good"}
    assert groups["incubator"] == {"BT-09-n-incubator", "BT-09-r-incubator", "BT-09-city-incubator"}
    for cultivation in ("BT-08-ntic-incub", "BT-08-nkl-incub", "BT-10-r-hitech-zone-incub", "BT-06-hte-pool"):
        assert bt.clause(cultivation).exclusion_group is None
    assert not any(c.exclusion_group for c in load_builtin("wuhai").clauses)


def test_non_cash_rows_and_unit_paid_rewards():
    for policy in builtin_policies():
        for c in policy.clauses:
            if c.form in (Form.TAX, Form.PRIORITY):
                assert not c.cash, c.id
            if not c.cash:
                assert c.amount_fen is None and c.cap_fen is None, c.id
    bt = load_builtin("baotou")
    assert bt.clause("BT-14-nrdi-new").cash and bt.clause("BT-14-nrdi-new").entered
    reward = bt.clause("BT-12-duty-reward-self")
    assert not reward.cash and "成果完成单位" in reward.payer


def test_every_clause_states_its_readings_in_chinese():
    for policy in builtin_policies():
        for c in policy.clauses:
            assert c.readings, c.id
            assert all(r.startswith("按本系统口径：") for r in c.readings), c.id
    hte = load_builtin("baotou").clause("BT-06-hte-cert")
    assert "按本系统口径：未写“一次性”的认定奖励每个主体只享受一次，重新认定不再支付（D2）" in hte.readings


def test_documents_settings_and_targets():
    bt, wh = load_builtin("baotou"), load_builtin("wuhai")
    assert (bt.document.doc_number, str(bt.document.effective)) == ("包党发〔2021〕24号", "2021-08-14")
    assert (wh.document.doc_number, str(wh.document.effective)) == ("乌海政发〔2021〕21号", "2021-07-15")
    for name in (
        "upgrade_pays_difference",
        "same_year_highest_only",
        "one_time_star_once_per_subject",
        "cancel_unpaid_on_revocation",
        "require_doc_number_for_post_subsidy",
        "floor_default_is_floor",
    ):
        assert bt.settings[name] is True, name
    assert bt.settings["deduct_from"] == "earliest"
    assert len(wh.targets) == 7 and not bt.targets
    base = next(t for t in wh.targets if t.id == "WH-T-14-r-transfer-base")
    assert (base.minimum, base.maximum, base.kind, base.levels) == (1, 2, "flow", (Level.REGIONAL,))
    assert next(t for t in wh.targets if t.id == "WH-T-11-hte").firmness == "力争"


# --- broken copies -----------------------------------------------------------------------


def _copy(tmp_path: Path, edit) -> tuple[Path, list[str]]:
    text = resource_path("policies", "baotou-2021.toml").read_text(encoding="utf-8")
    lines = edit(text.splitlines())
    path = tmp_path / "broken.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, lines


def _line_of(lines: list[str], text: str, after: int = 0) -> int:
    return next(no for no, line in enumerate(lines, start=1) if no > after and line.startswith(text))


def test_a_good_file_has_no_problems():
    for name in ("baotou-2021.toml", "wuhai-2021.toml"):
        assert check_file(resource_path("policies", name)) == []


def test_missing_field_points_at_the_clause_id_line(tmp_path):
    def edit(lines):
        start = lines.index('id = "BT-06-hte-cert"')
        form = next(i for i in range(start, len(lines)) if lines[i].startswith("form = "))
        return lines[:form] + lines[form + 1 :]

    path, lines = _copy(tmp_path, edit)
    problems = check_file(path)
    assert [(p.line, p.clause_id) for p in problems] == [
        (_line_of(lines, 'id = "BT-06-hte-cert"'), "BT-06-hte-cert")
    ]
    assert "缺少必填字段“form”" in problems[0].message


def test_bad_form_and_bad_amount_point_at_their_lines(tmp_path):
    def edit(lines):
        start = lines.index('id = "BT-06-single-champion"')
        for i in range(start, start + 20):
            if lines[i].startswith("form = "):
                lines[i] = 'form = "ONCE"'
            if lines[i].startswith("amount_wan = "):
                lines[i] = 'amount_wan = "二百"'
        return lines

    path, lines = _copy(tmp_path, edit)
    problems = check_file(path)
    start = _line_of(lines, 'id = "BT-06-single-champion"')
    by_line = {p.line: p for p in problems}
    form_line, amount_line = (
        _line_of(lines, 'form = "ONCE"', start),
        _line_of(lines, 'amount_wan = "二百"', start),
    )
    assert set(by_line) == {form_line, amount_line}
    assert "不在允许范围内" in by_line[form_line].message and "“ONCE”" in by_line[form_line].message
    assert "万元金额" in by_line[amount_line].message
    assert all(p.clause_id == "BT-06-single-champion" and CJK.search(p.message) for p in problems)
    with pytest.raises(CatalogError) as info:
        load_policy(path)
    assert len(info.value.problems) == 2 and f"第{form_line}行" in str(info.value)


def test_duplicate_id_is_reported_on_the_second_occurrence(tmp_path):
    def edit(lines):
        lines[lines.index('id = "BT-06-hte-pool"')] = 'id = "BT-06-hte-cert"'
        return lines

    path, lines = _copy(tmp_path, edit)
    problems = check_file(path)
    second = _line_of(lines, 'id = "BT-06-hte-cert"', _line_of(lines, 'id = "BT-06-hte-cert"'))
    dup = [p for p in problems if "重复" in p.message]
    assert len(dup) == 1 and dup[0].line == second and "BT-06-hte-cert" in dup[0].message


def test_inconsistent_exclusion_group_and_unknown_type(tmp_path):
    def edit(lines):
        start = lines.index('id = "BT-08-ntic-incub"')
        i = next(i for i in range(start, len(lines)) if lines[i].startswith("trigger = "))
        lines[i] = lines[i].replace('"tic"', '"tic_unknown"')
        return lines[: i + 1] + ['exclusion_group = "solo"'] + lines[i + 1 :]

    path, lines = _copy(tmp_path, edit)
    messages = {p.message for p in check_file(path)}
    assert any("不在认定类型表" in m and "tic_unknown" in m for m in messages)
    assert any("只有一个条款" in m for m in messages)


def test_toml_syntax_error_has_its_line(tmp_path):
    def edit(lines):
        lines[9] = "this is = = not toml"
        return lines

    path, _ = _copy(tmp_path, edit)
    [problem] = check_file(path)
    assert problem.line == 10 and "语法错误" in problem.message


def test_unknown_fact_and_missing_file_are_reported_in_chinese(tmp_path):
    def edit(lines):
        i = lines.index('base_fact = "仪器共享费用"')
        lines[i] = 'base_fact = "仪器费用"'
        return lines

    path, lines = _copy(tmp_path, edit)
    [problem] = check_file(path)
    assert (
        problem.line == _line_of(lines, 'base_fact = "仪器费用"')
        and "未知的年度指标“仪器费用”" in problem.message
    )
    [missing] = check_file(tmp_path / "nope.toml")
    assert missing.line == 0 and "无法读取政策文件" in missing.message


def test_the_form_agrees_with_the_wording_of_the_quote():
    """clauses.md §6: ONE_TIME says 一次性, ONE_TIME* says neither 一次性 nor 每年, ANNUAL says 每年."""
    for policy in builtin_policies():
        for c in policy.clauses:
            if c.form == Form.ONE_TIME:
                assert "一次性" in c.quote, c.id
            if c.form == Form.ONE_TIME_STAR:
                assert "一次性" not in c.quote and "每年" not in c.quote, c.id
            if c.form == Form.ANNUAL_N_YEARS:
                assert "每年" in c.quote, c.id


def test_a_file_of_the_wrong_shape_is_reported_not_crashed(tmp_path):
    path = tmp_path / "odd.toml"
    path.write_text('document = 3\nsettings = "x"\nclause = [1]\ntarget = [2]\n', encoding="utf-8")
    problems = check_file(path)
    assert problems and all(CJK.search(p.message) for p in problems)
    assert any("[[clause]]" in p.message for p in problems)


def test_an_unknown_recorded_condition_is_reported(tmp_path):
    """D14: a clause's ``conditions`` name attributes of policy/conditions.py, nothing else."""

    def edit(lines):
        i = next(n for n, line in enumerate(lines) if '"tax_seat_in_city"' in line)
        lines[i] = lines[i].replace('"tax_seat_in_city"', '"tax_seat"')
        return lines

    path, _ = _copy(tmp_path, edit)
    problems = check_file(path)
    assert problems and all("未知的登记条件“tax_seat”" in p.message for p in problems)
