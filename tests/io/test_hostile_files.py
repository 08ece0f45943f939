"""Hostile rosters (issue 17, item 4): each tiny bomb is refused within seconds, under 1 GB,
with a Chinese message — measured in a child process whose address space is capped, so a
regression aborts the child, never the test run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kjdesk.io.excel_in import RosterFileError, read_roster
from kjdesk.io.sheet_limits import MAX_COLUMNS, SheetLimitError
from kjdesk.io.workbook_limits import check_workbook
from tests import hostile_files as bombs
from tests.rosters import csv_file, xlsx

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ONE_GB_KB = 1024 * 1024

_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a regression fails here, not the machine
    from kjdesk.io.excel_in import RosterFileError, read_roster
    t = time.perf_counter()
    try:
        read_roster(__import__("pathlib").Path(sys.argv[1]))
        message = None
    except RosterFileError as exc:
        message = str(exc)
    print(json.dumps({"message": message, "seconds": time.perf_counter() - t,
                      "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    """
)


def _read_in_child(path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (bombs.far_corner_xlsx, ["第 1048576 行", "超过 200000 行的上限"]),
        (bombs.huge_shared_string_xlsx, ["共享字符串表", "超过 32767 个字符"]),
        (bombs.shared_string_everywhere_xlsx, ["文字合计超过 256 MB"]),
        (bombs.repeated_columns_ods, ["工作表“名单”", "超过 200000 行的上限"]),
        (bombs.repeated_spaces_ods, ["工作表“名单”", "超过 32767 个字符"]),
        (bombs.repeated_long_text_ods, ["工作表“名单”", "文字合计超过 256 MB"]),
    ],
    ids=[
        "cell-at-XFD1048576",
        "one-300MB-shared-string",
        "long-string-in-every-cell",
        "ods-repeats",
        "ods-repeated-spaces",
        "ods-repeated-long-text",
    ],
)
def test_a_tiny_bomb_is_refused_quickly_in_bounded_memory(tmp_path, make, words):
    suffix = ".ods" if "ods" in make.__name__ else ".xlsx"
    path = make(tmp_path / f"bomb{suffix}")
    assert path.stat().st_size < 2 * 1024 * 1024
    got = _read_in_child(path)
    assert got["message"] is not None
    for w in words:
        assert w in got["message"]
    assert got["seconds"] < 5
    assert got["peak_kb"] < ONE_GB_KB


def test_the_shared_string_bomb_is_refused_without_inflating_it(tmp_path):
    path = bombs.huge_shared_string_xlsx(tmp_path / "b.xlsx", megabytes=300)
    with pytest.raises(RosterFileError, match="已拒绝读取"):
        read_roster(path)


def test_repeated_columns_alone_hit_the_column_limit(tmp_path):
    path = bombs.repeated_columns_ods(tmp_path / "wide.ods", columns=1_000_000, rows=1)
    with pytest.raises(RosterFileError, match=f"超过 {MAX_COLUMNS} 列的上限"):
        read_roster(path)


def test_libreoffice_trailing_repeats_are_not_counted():
    # the committed .ods ends its rows with 16,378 empty repeated columns and 1,048,570 empty rows
    check_workbook(FIXTURES / "hte_2022.ods", "ods", 200_000)
    table = read_roster(FIXTURES / "hte_2022.ods")
    assert len(table.rows) < 100


def test_styled_empty_cells_far_away_do_not_count(tmp_path):
    path = xlsx(tmp_path / "u.xlsx", [["单位名称", "统一社会信用代码"], ["甲公司", "x"]])
    check_workbook(path, "xlsx", 200_000)  # an ordinary workbook passes
    assert read_roster(path).rows[1][0] == "甲公司"


def test_a_csv_field_over_the_csv_limit_is_a_chinese_error(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("单位名称,统一社会信用代码\n" + '"' + "长" * 140_000 + '",x\n', encoding="utf-8")
    with pytest.raises(RosterFileError) as err:
        read_roster(path)
    assert "CSV 文件第 2 行有一个单元格超过 131,072 个字符的上限" in str(err.value)


def test_the_cli_refuses_a_bomb_with_exit_1_and_no_traceback(tmp_path):
    db = tmp_path / "k.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    def kjdesk(*args: str) -> subprocess.CompletedProcess:
        code = (
            "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30));"
            "from kjdesk.cli import main; sys.exit(main(sys.argv[1:]))"
        )
        return subprocess.run(
            [sys.executable, "-c", code, "--db", str(db), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )

    assert kjdesk("init", "--city", "baotou").returncode == 0
    for path in (bombs.far_corner_xlsx(tmp_path / "a.xlsx"), bombs.repeated_columns_ods(tmp_path / "b.ods")):
        done = kjdesk("import", str(path), "--dry-run")
        assert done.returncode == 1, done.stderr
        assert "超过 200000 行的上限" in done.stderr
        assert "Traceback" not in done.stderr


def test_csv_with_a_control_character_in_a_name_is_refused_with_its_code(tmp_path):
    path = csv_file(tmp_path / "u.csv", [["单位名称", "统一社会信用代码"], ["甲\u202e公司", "x"]])
    assert read_roster(path).rows[1][0] == "甲\u202e公司"  # the reader keeps it; the import refuses it


def test_modest_repeats_pass_and_read_as_calamine_expands_them(tmp_path):
    path = bombs.repeated_columns_ods(tmp_path / "ok.ods", columns=3, rows=4)
    table = read_roster(path)
    assert table.rows[1:] == [["x", "x", "x"]] * 4


def _xls_far_corner_small(path: Path) -> Path:
    """The committed .xls with one cell moved to IV65536, in place (its stream is in the mini stream)."""
    import struct

    data = bytearray(bombs.FIXTURE_XLS.read_bytes())
    at = data.find(b"\xfd\x00\x0a\x00")  # the first LABELSST record
    struct.pack_into("<HH", data, at + 4, 0xFFFF, 0x00FF)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("where", ["mini-stream", "regular-sectors"])
def test_an_xls_with_a_cell_at_iv65536_is_refused_in_bounded_memory(tmp_path, where):
    # calamine alone builds 65,536 × 256 cells for it: 1.7 GB from a 7 KB file
    if where == "mini-stream":
        path = _xls_far_corner_small(tmp_path / "bomb.xls")
    else:
        path = bombs.compound_file(
            tmp_path / "bomb.xls", bombs.far_corner_stream(bombs.xls_workbook_stream())
        )
    assert path.stat().st_size < 10_000
    got = _read_in_child(path)
    assert got["message"] is not None
    assert "工作表“企业名录”的数据区域为 65536 行 × 256 列，超过 6000000 个单元格的上限" in got["message"]
    assert got["seconds"] < 5 and got["peak_kb"] < ONE_GB_KB


def test_an_ordinary_xls_passes_the_check_from_either_place(tmp_path):
    repacked = bombs.compound_file(tmp_path / "ok.xls", bombs.xls_workbook_stream())
    assert read_roster(repacked).rows == read_roster(bombs.FIXTURE_XLS).rows
    assert read_roster(repacked).rows[2][1] == "包头市稀宝新材料有限公司"


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".csv"])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, suffix):
    from kjdesk.io.sheet_limits import MAX_FILE_BYTES

    path = tmp_path / f"big{suffix}"
    with path.open("wb") as fh:  # sparse: no disk is used
        fh.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" if suffix == ".xls" else b"PK\x03\x04")
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(RosterFileError, match="超过 200 MB 的上限"):
        read_roster(path)


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>',  # a cell placed by its row alone
        '<row r="2">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 1001 + "</row>",  # by counting along
        '<row r="2"><c s="1" r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>',  # r not the first attribute
        '<row r="2"><c\tr="XFD2" t="inlineStr"><is><t>x</t></is></c></row>',  # a tab, not a space
        '<row r="2"><x:c\nr="XFD2" t="inlineStr" xmlns:x="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><x:is><x:t>x</x:t></x:is></x:c></row>',  # a prefix and a line break
    ],
    ids=["row-only", "counted-columns", "attribute-order", "tab", "prefix-and-newline"],
)
def test_cells_without_a_plain_reference_are_placed_as_calamine_places_them(tmp_path, rows):
    path = bombs._xlsx(tmp_path / "b.xlsx", rows)
    with pytest.raises(RosterFileError, match="的上限"):
        read_roster(path)


def test_a_roster_locked_by_another_program_says_what_to_do(tmp_path, monkeypatch):
    import errno

    path = xlsx(tmp_path / "u.xlsx", [["单位名称", "统一社会信用代码"], ["甲公司", "x"]])
    real_stat = Path.stat

    def locked(self, *a, **kw):  # noqa: ANN001, ANN002, ANN003 - as Excel holds it on Windows
        if self == path:
            raise OSError(errno.EBUSY, "Device or resource busy", str(path))
        return real_stat(self, *a, **kw)

    monkeypatch.setattr(Path, "stat", locked)
    with pytest.raises(RosterFileError) as err:
        read_roster(path)
    assert "读取名单文件失败：文件“" in str(err.value) and "正被其他程序占用" in str(err.value)


def test_a_sheet_that_inflates_too_many_times_its_size_is_refused(tmp_path):
    path = bombs._xlsx(tmp_path / "z.xlsx", "<x/>" * 5_000_000)  # 20 MB of markup, about 20 KB deflated
    assert path.stat().st_size < 200_000
    with pytest.raises(RosterFileError, match="解压后超过压缩大小的 200 倍"):
        read_roster(path)


def test_shared_strings_typed_with_other_quotes_are_counted_too(tmp_path):
    # calamine reads t='s' and t = "s" as t="s": 2,800 cells copying a 99 KB string are 277 MB
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t=\'s\'><v>0</v></c><c r="B{r}" t = "s"><v>0</v></c></row>'
        for r in range(2, 1402)
    )
    path = bombs.shared_string_beside(tmp_path / "q.xlsx", cells)
    assert path.stat().st_size < 200_000
    got = _read_in_child(path)
    assert got["message"] is not None and "文字合计超过 256 MB" in got["message"]


def test_a_few_shared_strings_pass_the_quick_check(tmp_path):
    # 100 cells × 99 KB: well under the total, whichever way the type is written
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t=\'s\'><v>0</v></c><c r="B{r}" t="s"><v>0</v></c></row>'
        for r in range(2, 52)
    )
    path = bombs.shared_string_beside(tmp_path / "few.xlsx", cells)
    check_workbook(path, "xlsx", 200_000)
    assert len(read_roster_rows(path)[1][0]) == 33_000


def read_roster_rows(path: Path) -> list[list[object]]:
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


@pytest.mark.parametrize(("row", "refused"), [(200_000, False), (200_001, True), (1_000_000, True)])
def test_an_ordinary_sheet_with_one_cell_past_the_last_row(tmp_path, row, refused):
    # every other cell is plain (the quick pass); the one far down is still found, to the row
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>甲{r}</t></is></c>'
        f'<c r="B{r}" t="inlineStr"><is><t>x</t></is></c></row>'
        for r in range(1, 200)
    )
    cells += f'<row r="{row}"><c r="C{row}" t="inlineStr"><is><t>远</t></is></c></row>'
    path = bombs._xlsx(tmp_path / "far.xlsx", cells)
    if refused:
        with pytest.raises(SheetLimitError, match=f"第 {row} 行，超过 200000 行的上限"):
            check_workbook(path, "xlsx", 200_000)
    else:
        check_workbook(path, "xlsx", 200_000)


def test_a_sheet_wider_than_z_is_measured_cell_by_cell(tmp_path):
    # two-letter columns leave the quick pass: the block is 10,000 rows × 702 columns (ZZ)
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
    cells += '<row r="10000"><c r="ZZ10000" t="inlineStr"><is><t>z</t></is></c></row>'
    path = bombs._xlsx(tmp_path / "wide.xlsx", cells)
    with pytest.raises(SheetLimitError, match="10000 行 × 702 列"):
        check_workbook(path, "xlsx", 200_000)
