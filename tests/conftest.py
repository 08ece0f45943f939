"""Shared fixtures: a fresh database per test, an initialised bureau, valid codes."""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from stdnum.cn import ric, uscc  # noqa: E402

from kjdesk.services.core.app import App  # noqa: E402


def make_credit_code(body: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return body + uscc.calc_check_digit(body)


def make_id_number(body: str) -> str:
    """A valid 身份证号 from its first 17 digits."""
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture(autouse=True)
def _pending_parts_in_tmp(tmp_path_factory, monkeypatch):
    """The record of ``.part`` files being written stays out of the user's data folder."""
    import kjdesk.atomic

    monkeypatch.setattr(kjdesk.atomic, "REGISTRY", tmp_path_factory.mktemp("pending-parts"))


@pytest.fixture(autouse=True)
def _settings_dir(tmp_path_factory, monkeypatch):
    """The user's settings folder (where the audit anchor is kept) inside the test's own folder."""
    monkeypatch.setenv("KJDESK_SETTINGS_DIR", str(tmp_path_factory.mktemp("settings")))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "kjdesk.sqlite"


def _pg_unavailable(reason: str) -> None:
    """Skip, or fail where the server must be there (``KJDESK_TEST_PG_REQUIRED=1``, set by .ci/run)."""
    if os.environ.get("KJDESK_TEST_PG_REQUIRED") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _pg_base_url() -> str:
    """The test server from ``KJDESK_TEST_PG``, or skip with the reason (unset / unreachable)."""
    raw = os.environ.get("KJDESK_TEST_PG", "").strip()
    if not raw:
        _pg_unavailable(
            "PostgreSQL 测试未运行：未设置 KJDESK_TEST_PG（例如 postgresql://kjdesk:kjdesk@127.0.0.1/kjdesk_test）"
        )
    from kjdesk.store.db import database_url

    return database_url(raw)


@pytest.fixture
def pg_url():
    """A URL of the test server whose search_path is a fresh schema, dropped after the test."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    base = _pg_base_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        _pg_unavailable(
            f"PostgreSQL 测试服务器不可达（{admin.url.render_as_string(hide_password=True)}）：{exc.orig}"
        )
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_name(request):
    """Run a test on both engines; a PostgreSQL run skips when no test server is configured."""
    return request.param


@pytest.fixture
def database(engine_name, request, tmp_path):
    """The ``--db`` value of a fresh database on the parametrized engine."""
    if engine_name == "postgresql":
        if request.node.get_closest_marker("sqlite_only"):
            pytest.skip("只适用于 SQLite 的测试（备份、恢复、文件锁）")
        return request.getfixturevalue("pg_url")
    return tmp_path / "kjdesk.sqlite"


@pytest.fixture
def app(db_path):
    """An App on a new database, initialised for 包头."""
    from kjdesk.services.core.settings import initialize

    a = App.open(db_path, actor="测试员")
    initialize(a, "baotou")
    yield a
    a.close()


@pytest.fixture
def wuhai_app(tmp_path):
    from kjdesk.services.core.settings import initialize

    a = App.open(tmp_path / "wuhai.sqlite", actor="测试员")
    initialize(a, "wuhai")
    yield a
    a.close()


@pytest.fixture
def app_on_engine(database):
    """An App initialised for 包头 on the parametrized engine (tests/store and tests/services use it as ``app``)."""
    from kjdesk.services.core.settings import initialize

    a = App.open(database, actor="测试员")
    initialize(a, "baotou")
    yield a
    a.close()


@pytest.fixture
def sqlite_only_db_path(request, tmp_path):
    """``db_path`` where ``app`` runs on both engines: a test reading the SQLite file skips on PostgreSQL."""
    if "engine_name" in request.fixturenames and request.getfixturevalue("engine_name") == "postgresql":
        pytest.skip("只适用于 SQLite 数据库文件的测试")
    return tmp_path / "kjdesk.sqlite"
