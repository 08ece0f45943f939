"""The offline guarantee: the whole program works with the network made impossible, and no
module of kjdesk imports a network client.

``socket.socket``, ``socket.create_connection`` and ``socket.getaddrinfo`` are replaced by a
function that records the attempt and raises; each test then checks nothing was attempted
(so code that caught the error and carried on silently would still fail here).
"""

from __future__ import annotations

import ast
import json
import socket
from pathlib import Path

import pytest
from openpyxl import Workbook

from kjdesk.cli import main
from tests.conftest import make_credit_code

SRC = Path(__file__).resolve().parent.parent / "src" / "kjdesk"
NETWORK_CLIENTS = (
    "requests",
    "urllib3",
    "httpx",
    "aiohttp",
    "socket",
    "urllib.request",
    "http.client",
    "ftplib",
    "smtplib",
    "poplib",
    "imaplib",
    "telnetlib",
    "xmlrpc.client",
    "websocket",
    "websockets",
    "PySide6.QtNetwork",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
)


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Every way to open a connection raises; the attempts are listed for the test to check."""
    attempts: list[str] = []

    def refuse(name: str):
        def refused(*args, **kwargs):
            attempts.append(f"{name}{args!r}")
            raise NetworkUsed(f"kjdesk tried the network: {name}{args!r}")

        return refused

    monkeypatch.setattr(socket, "socket", refuse("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    return attempts


def test_the_guard_itself_refuses_a_connection(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("example.org", 80)
    assert len(no_network) == 2


# --- nothing imports a network client --------------------------------------------------------


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module a source file imports, by statement or by ``import_module("…")``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__", "find_spec") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def is_network_client(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in NETWORK_CLIENTS)


def test_the_scan_recognises_every_way_of_importing():
    source = (
        "import socket\nfrom urllib import request\nfrom http.client import HTTPConnection\n"
        "import requests.adapters\nfrom importlib import import_module\nimport_module('httpx')\n"
        "import urllib.parse\nfrom email import message\n"
    )
    flagged = [m for _, m in imported_modules(ast.parse(source)) if is_network_client(m)]
    assert flagged == [
        "socket",
        "urllib.request",
        "http.client",
        "http.client.HTTPConnection",
        "requests.adapters",
        "httpx",
    ]


def test_no_module_of_kjdesk_imports_a_network_client():
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 50  # the scan really walked the package
    offenders = [
        f"{path.relative_to(SRC.parent)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if is_network_client(module)
    ]
    assert offenders == []


# --- the command line, start to finish --------------------------------------------------------

UNITS = (
    ("包头市离线一号稀土科技有限公司", "91150200MA0N0001A", "昆都仑区", "高新技术企业培育库", "市级"),
    ("包头市离线二号装备制造有限公司", "91150200MA0N0002B", "青山区", "国家级单项冠军企业", "国家级"),
)


def write_rosters(folder: Path) -> tuple[Path, Path]:
    units, recognitions = folder / "单位名录.xlsx", folder / "认定名单.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["单位名称", "统一社会信用代码", "旗县区", "企业规模"])
    for name, body, district, _, _ in UNITS:
        ws.append([name, make_credit_code(body), district, "小微企业"])
    wb.save(units)
    wb = Workbook()
    ws = wb.active
    ws.append(["单位名称", "统一社会信用代码", "认定类型", "级别", "认定日期", "文号"])
    for n, (name, body, _, title, level) in enumerate(UNITS, start=1):
        ws.append([name, make_credit_code(body), title, level, "2025-11-20", f"包科发〔2025〕{n}号"])
    wb.save(recognitions)
    return units, recognitions


def test_the_command_line_flow_runs_without_the_network(no_network, tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "offline.sqlite")
    units, recognitions = write_rosters(tmp_path)
    monkeypatch.setenv("OFF_ADMIN_PW", "admin-pass-1")
    monkeypatch.setenv("OFF_JB_PW", "jingban-pass-1")
    monkeypatch.setenv("OFF_FH_PW", "fuhe-pass-1")

    def run(*argv: str) -> str:
        code = main(["--db", db, *argv])
        out, err = capsys.readouterr()
        assert code == 0, f"kjdesk {' '.join(argv)} → {code}: {err}"
        return out

    run("init", "--city", "baotou")
    run("officers", "add", "admin", "--role", "管理员", "--new-password-env", "OFF_ADMIN_PW")
    monkeypatch.setenv("KJDESK_PASSWORD", "admin-pass-1")  # the commands that write sign in as admin
    run("--user", "admin", "import", str(units), "--kind", "units")
    run("--user", "admin", "import", str(recognitions), "--kind", "recognitions")
    listed = json.loads(run("units", "list", "--format", "json"))
    assert sorted(u["name"] for u in listed) == sorted(u[0] for u in UNITS)
    rows = json.loads(run("entitlements", "--format", "json"))
    assert sorted((r["clause_id"], r["amount_fen"]) for r in rows) == [
        ("BT-06-hte-pool", 10_000_000),
        ("BT-06-single-champion", 200_000_000),
    ]
    assert json.loads(run("policy", "list", "--format", "json"))
    run("plan", "--year", "2025")

    for name, role, var in (("jb", "经办人", "OFF_JB_PW"), ("fh", "复核人", "OFF_FH_PW")):
        run("officers", "add", name, "--role", role, "--new-password-env", var, "--user", "admin",
            "--password-env", "OFF_ADMIN_PW")  # fmt: skip
    run("--user", "jb", "propose", "--year", "2025", "--all", "--password-env", "OFF_JB_PW")
    run("approve", "1", "--user", "fh", "--password-env", "OFF_FH_PW")

    letters = tmp_path / "通知书"
    assert "已签发 2 份通知书" in run(
        "--user",
        "jb",
        "--password-env",
        "OFF_JB_PW",
        "letters",
        "--year",
        "2025",
        "--date",
        "2025-12-01",
        "-o",
        str(letters),
    )
    assert len(list(letters.glob("*.pdf"))) == 2
    sheet = tmp_path / "明细.xlsx"
    run("report", "disbursement", "--year", "2025", "-o", str(sheet))
    assert sheet.stat().st_size > 0
    run("--user", "admin", "backup", "-o", str(tmp_path / "备份.sqlite"))
    assert (tmp_path / "备份.sqlite").stat().st_size > 0
    assert no_network == []


# --- the window: every page, the manual, the about box ----------------------------------------


@pytest.fixture
def settings_in_tmp(tmp_path):
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


def test_every_page_of_the_window_opens_without_the_network(no_network, app, qtbot, settings_in_tmp):
    from kjdesk.services.core.settings import bureau
    from kjdesk.services.register import UnitInput, add_unit
    from kjdesk.ui.help import about_dialog, open_manual
    from kjdesk.ui.main_window import MainWindow
    from kjdesk.ui.pages import available_pages

    add_unit(app, UnitInput(name=UNITS[0][0], credit_code=make_credit_code(UNITS[0][1]), district="昆都仑区"))
    window = MainWindow(app, bureau(app))
    qtbot.addWidget(window)
    window.show()
    pages = available_pages()
    assert len(pages) >= 9
    for page in pages:
        widget = window.page(page.key)
        qtbot.waitUntil(lambda: not window.hub.ops.busy, timeout=10_000)
        assert widget.isVisible(), page.title

    manual = open_manual(window)
    assert manual is not None and manual.isVisible()
    assert "使用手册" in manual.browser.toPlainText()
    manual.close()
    about = about_dialog(window, "baotou")
    assert "包党发〔2021〕24号" in about.text() and "乌海政发〔2021〕21号" in about.text()
    about.close()
    window.hub.ops.wait()
    assert no_network == []
