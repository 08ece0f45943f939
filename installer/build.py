"""Build the one-folder bundle dist/kjdesk with PyInstaller and print its size.

    .venv/bin/python installer/build.py [--iss]

Also writes installer/version.iss (``#define MyAppVersion "…"`` from kjdesk.__version__),
which installer/kjdesk.iss includes; with ``--iss`` on Windows it then runs Inno Setup's
compiler (ISCC.exe, looked up on PATH and in its usual folders) to make the installer in
dist/installer/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / "kjdesk"
ISCC_FOLDERS = (
    r"C:\Program Files (x86)\Inno Setup 6",
    r"C:\Program Files\Inno Setup 6",
)


def package_version() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from kjdesk import __version__

    return __version__


def write_version_include(version: str) -> Path:
    target = INSTALLER / "version.iss"
    target.write_text(
        f'; Written by installer/build.py from kjdesk.__version__; do not edit.\n#define MyAppVersion "{version}"\n',
        encoding="utf-8",
    )
    return target


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build_bundle() -> None:
    shutil.rmtree(BUNDLE, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(INSTALLER / "kjdesk.spec"),
    ]
    subprocess.run(command, check=True, cwd=ROOT)


def find_iscc() -> str | None:
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return found
    for folder in ISCC_FOLDERS:
        candidate = Path(folder) / "ISCC.exe"
        if candidate.is_file():
            return str(candidate)
    return None


def build_installer(version: str) -> None:
    iscc = find_iscc()
    if iscc is None:
        raise SystemExit("找不到 Inno Setup 编译器 ISCC.exe（请安装 Inno Setup 6）")
    subprocess.run([iscc, f"/DMyAppVersion={version}", str(INSTALLER / "kjdesk.iss")], check=True, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建 kjdesk 程序文件夹（PyInstaller）")
    parser.add_argument("--iss", action="store_true", help="再用 Inno Setup 生成安装程序（仅 Windows）")
    args = parser.parse_args(argv)
    version = package_version()
    write_version_include(version)
    build_bundle()
    size = folder_size(BUNDLE)
    files = sum(1 for p in BUNDLE.rglob("*") if p.is_file())
    print(f"kjdesk {version}: {BUNDLE}  {size / 2**20:.1f} MB in {files} files")
    if args.iss:
        if os.name != "nt":
            raise SystemExit("安装程序只能在 Windows 上用 Inno Setup 生成")
        build_installer(version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
