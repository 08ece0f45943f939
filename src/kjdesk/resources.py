"""Where the shipped resources (policies, templates, fonts, icons) are found.

In a built wheel or the PyInstaller bundle they sit inside the package as
``kjdesk/resources``; in a source checkout (editable install) they are the top-level
``resources/`` folder of the repository.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    here = Path(__file__).resolve().parent
    candidates = [here / "resources", here.parent.parent / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "kjdesk" / "resources")
    for candidate in candidates:
        if (candidate / "policies").is_dir():
            return candidate
    raise FileNotFoundError("找不到程序资源目录 resources/（安装不完整）")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
