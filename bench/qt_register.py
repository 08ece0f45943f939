"""The register pages' benchmark as a pytest-qt session (started by ``bench_register.run``).

Not a test of the suite (``tests/`` holds those; nothing here asserts a time): each test opens
one page with pytest-qt's application and ``qtbot`` over the database ``bench_register.run``
generated (``KJDESK_BENCH_DB``, ``KJDESK_BENCH_ROWS`` rows) and writes its times and peak memory
to the JSON file named by ``KJDESK_BENCH_OUT``. Each runs in a child process of its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.bench_register import measure_recognitions, measure_units


@pytest.fixture
def opened():
    from kjdesk.services.core.app import App

    app = App.open(Path(os.environ["KJDESK_BENCH_DB"]), actor="bench")
    yield app, int(os.environ["KJDESK_BENCH_ROWS"])
    app.close()


def _record(values: dict[str, float]) -> None:
    Path(os.environ["KJDESK_BENCH_OUT"]).write_text(json.dumps(values), encoding="utf-8")


def test_units_page(qapp, qtbot, opened):
    app, n = opened
    _record(measure_units(qapp, qtbot, app, n))


def test_recognitions_page(qapp, opened):
    app, n = opened
    _record(measure_recognitions(qapp, app, n))
