"""The installer files keep their promises: what the bundle carries, where the installer puts
the program, and that it never deletes the officer's data. (The bundle itself is built and run
by .ci/bundle-check; Inno Setup cannot run here, so its script is checked as text.)"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import kjdesk

ROOT = Path(__file__).resolve().parent.parent
SPEC = (ROOT / "installer" / "kjdesk.spec").read_text(encoding="utf-8")
ISS_BYTES = (ROOT / "installer" / "kjdesk.iss").read_bytes()
ISS = ISS_BYTES.decode("utf-8-sig")


def iss_setup() -> dict[str, str]:
    section = ISS.split("[Setup]", 1)[1].split("\n[", 1)[0]
    pairs = (line.split("=", 1) for line in section.splitlines() if "=" in line and not line.startswith(";"))
    return {key.strip(): value.strip() for key, value in pairs}


def test_spec_carries_resources_manual_and_migrations_as_data():
    assert '(str(ROOT / "resources"), "kjdesk/resources")' in SPEC
    assert '"使用手册.md"), "kjdesk/resources/docs")' in SPEC
    assert '"kjdesk/resources/docs/images")' in SPEC
    assert 'Path("kjdesk/store/migrations")' in SPEC and '(".py", ".mako")' in SPEC
    assert "upx=False" in SPEC and "console=False" in SPEC


def test_spec_leaves_out_unused_qt_and_the_test_tools():
    for module in (
        "QtNetwork",
        "QtWebEngineCore",
        "Qt3DCore",
        "QtMultimedia",
        "QtQuick",
        "QtBluetooth",
        "QtPdf",
    ):
        assert f'"{module}"' in SPEC, module
    for package in ("pytest", "hypothesis", "pytestqt"):
        assert f'"{package}"' in SPEC, package
    assert '"psycopg"' not in SPEC and '"psycopg_binary"' in SPEC  # a dependency: carried, not excluded


def test_iss_is_a_per_user_chinese_installer():
    assert ISS_BYTES.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Inno Setup reads the Chinese right
    setup = iss_setup()
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"] == r"{localappdata}\Programs\kjdesk"
    assert setup["AppVersion"] == "{#MyAppVersion}"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert r'MessagesFile: "compiler:Languages\ChineseSimplified.isl"' in ISS
    assert '#define MyAppName "科技兑现台"' in ISS
    assert r'Name: "{group}\{#MyAppName}"' in ISS and r'Name: "{autodesktop}\{#MyAppName}"' in ISS


def test_iss_never_deletes_the_data_folder():
    sections = [line.strip() for line in ISS.splitlines() if line.startswith("[")]
    assert "[UninstallDelete]" not in sections
    assert "localappdata}\\kjdesk" not in ISS.replace("localappdata}\\Programs\\kjdesk", "")
    deleted = [line for line in ISS.splitlines() if line.startswith("Type:")]
    assert deleted == [r'Type: filesandordirs; Name: "{app}\_internal"']


def test_build_writes_the_package_version_for_the_installer(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("kjdesk_build", ROOT / "installer" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    monkeypatch.setattr(build, "INSTALLER", tmp_path)
    written = build.write_version_include(build.package_version())
    assert f'#define MyAppVersion "{kjdesk.__version__}"' in written.read_text(encoding="utf-8")
