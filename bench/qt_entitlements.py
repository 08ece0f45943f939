"""The 应享资金 page's benchmark as a pytest-qt session (started by ``bench_pages.run``).

Not a test of the suite (nothing here asserts a time): the test opens the page with pytest-qt's
application and ``qtbot`` over the database ``bench_pages.run`` built (``KJDESK_BENCH_DB``,
``KJDESK_BENCH_ROWS`` lines) and writes its times and peak memory to the JSON file named by
``KJDESK_BENCH_OUT``, in a child process of its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.bench_pages import measure_entitlements


@pytest.fixture
def opened():
    from kjdesk.services.core.app import App

    app = App.open(Path(os.environ["KJDESK_BENCH_DB"]), actor="bench")
    yield app, int(os.environ["KJDESK_BENCH_ROWS"])
    app.close()


def test_entitlements_page(qapp, qtbot, opened):
    app, n = opened
    values = measure_entitlements(qapp, qtbot, app, n)
    Path(os.environ["KJDESK_BENCH_OUT"]).write_text(json.dumps(values), encoding="utf-8")
