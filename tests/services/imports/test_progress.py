"""Long rosters: progress, cancel during the dry run, the row limit, status changes."""

from datetime import date

import pytest
from sqlalchemy import func, select

from kjdesk.services.core.app import ServiceError
from kjdesk.services.core.progress import CancelAfter, Cancelled, NullProgress
from kjdesk.services.imports import commit, preview
from kjdesk.store.models import Recognition, Unit
from tests.conftest import make_credit_code
from tests.rosters import CODE_A, csv_file, snapshot, units_rows, xlsx


class Recording(NullProgress):
    def __init__(self) -> None:
        self.statuses: list[str] = []
        self.values: list[int] = []
        self.checks = 0

    def set_status(self, text: str) -> None:
        self.statuses.append(text)

    def set_value(self, value: int) -> None:
        self.values.append(value)

    def check(self) -> None:
        self.checks += 1


def _big_units(tmp_path, n):
    rows = [["企业名称", "统一社会信用代码", "所属旗县区"]]
    for i in range(n):
        rows.append([f"包头市测试{i}有限公司", make_credit_code(f"91150200MA{i:07d}"), "青山区"])
    return rows


@pytest.mark.slow
def test_a_100000_row_roster_reports_progress_and_its_one_bad_row(app, tmp_path):
    rows = _big_units(tmp_path, 100_000)
    rows[-1][2] = "火星区"
    path = csv_file(tmp_path / "big.csv", rows)
    before = snapshot(app)
    progress = Recording()
    plan = preview(app, path, progress=progress)
    assert plan.rows == 100_000 and plan.added == 99_999
    assert [(e.row, e.column) for e in plan.errors] == [(100_001, "C 所属旗县区")]
    assert {"正在读取文件", "正在检查各行", "正在与已登记数据比对"} <= set(progress.statuses)
    assert progress.checks >= 100 and max(progress.values) == 100_000
    assert snapshot(app) == before
    rows.pop()
    plan = preview(app, csv_file(tmp_path / "big2.csv", rows))
    commit(app, plan)
    with app.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 99_999
        assert s.scalar(select(Unit.name).order_by(Unit.id.desc()).limit(1)) == "包头市测试99998有限公司"


def test_cancel_during_the_dry_run(app, tmp_path):
    path = csv_file(tmp_path / "u.csv", _big_units(tmp_path, 5000))
    with pytest.raises(Cancelled):
        preview(app, path, progress=CancelAfter(2000))


def test_rosters_over_the_row_limit_are_refused(app, tmp_path, monkeypatch):
    monkeypatch.setattr("kjdesk.io.excel_in.MAX_ROWS", 100)
    with pytest.raises(ServiceError, match="超过 100 行的上限，请拆分"):
        preview(app, csv_file(tmp_path / "u.csv", _big_units(tmp_path, 200)))
    with pytest.raises(ServiceError, match="超过 100 行的上限"):
        preview(app, xlsx(tmp_path / "u.xlsx", _big_units(tmp_path, 200)))


def test_a_revocation_roster_updates_the_status(app, tmp_path):
    commit(app, preview(app, xlsx(tmp_path / "u.xlsx", units_rows())))
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期"],
        ["包头市甲稀土有限公司", CODE_A, "高企", "2022-12-01"],
    ]
    commit(app, preview(app, xlsx(tmp_path / "r.xlsx", rows)))
    rows[0] += ["状态", "状态日期"]
    rows[1] += ["撤销", ""]
    plan = preview(app, xlsx(tmp_path / "r2.xlsx", rows))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "E 状态")]
    assert "请在“状态日期”列填写撤销日期" in plan.errors[0].reason
    rows[1][5] = "2024-03-01"
    plan = preview(app, xlsx(tmp_path / "r3.xlsx", rows))
    assert plan.updated == 1
    assert plan.items[0].detail == "状态：有效 → 撤销；状态日期：（空） → 2024-03-01"
    commit(app, plan)
    with app.db.session() as s:
        rec = s.scalars(select(Recognition)).one()
        assert (rec.status, rec.status_date) == ("撤销", date(2024, 3, 1))


def test_wuhai_roster_checks_wuhai_districts(wuhai_app, tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "旗县区"],
        ["乌海某化工有限公司", CODE_A, "乌达区"],
        ["乙", make_credit_code("91150300MA0N00009"), "昆都仑区"],
    ]
    plan = preview(wuhai_app, xlsx(tmp_path / "u.xlsx", rows))
    assert [(e.row, e.value) for e in plan.errors] == [(3, "昆都仑区")]
    assert "不是乌海市的旗县区" in plan.errors[0].reason
