"""Shared fixtures: a fresh database per test, an initialised bureau, valid codes."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from stdnum.cn import ric, uscc  # noqa: E402

from kjdesk.services.app import App  # noqa: E402


def make_credit_code(body: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return body + uscc.calc_check_digit(body)


def make_id_number(body: str) -> str:
    """A valid 身份证号 from its first 17 digits."""
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "kjdesk.sqlite"


@pytest.fixture
def app(db_path):
    """An App on a new database, initialised for 包头."""
    from kjdesk.services.settings import initialize

    a = App.open(db_path, actor="测试员")
    initialize(a, "baotou")
    yield a
    a.close()


@pytest.fixture
def wuhai_app(tmp_path):
    from kjdesk.services.settings import initialize

    a = App.open(tmp_path / "wuhai.sqlite", actor="测试员")
    initialize(a, "wuhai")
    yield a
    a.close()
