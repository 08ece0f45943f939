"""The register pages' benchmark as a pytest-qt session (started by ``bench_register.run``).

Not a test of the suite (``tests/`` holds those; nothing here asserts a time): it opens the
pages with pytest-qt's application and ``qtbot`` over generated databases and writes the times
to the JSON file named by ``KJDESK_BENCH_OUT``, for ``bench/run.py`` to report.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.bench_register import build, build_recognitions, measure_recognitions, measure_units

OUT = Path(os.environ.get("KJDESK_BENCH_OUT", "register.json"))
N_UNITS = int(os.environ.get("KJDESK_BENCH_UNITS", "100000"))
N_RECOGNITIONS = int(os.environ.get("KJDESK_BENCH_RECOGNITIONS", str(N_UNITS)))


def _record(values: dict[str, float]) -> None:
    got = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
    got.update(values)
    OUT.write_text(json.dumps(got), encoding="utf-8")


@pytest.fixture
def opened(tmp_path):
    from kjdesk.services.app import App

    apps = []

    def open_db(name: str, make, n: int):  # noqa: ANN001, ANN202
        db = tmp_path / name
        make(db, n)
        apps.append(App.open(db, actor="bench"))
        return apps[-1]

    yield open_db
    for app in apps:
        app.close()


def test_units_page(qapp, qtbot, opened):
    app = opened("register.sqlite", build, N_UNITS)
    _record(measure_units(qapp, qtbot, app, N_UNITS))


def test_recognitions_page(qapp, opened):
    app = opened("recognitions.sqlite", build_recognitions, N_RECOGNITIONS)
    _record(measure_recognitions(qapp, app, N_RECOGNITIONS))
