"""The tests here run on SQLite and, when ``KJDESK_TEST_PG`` names a server, on PostgreSQL too."""

import pytest


@pytest.fixture
def app(app_on_engine):
    return app_on_engine


@pytest.fixture
def db_path(sqlite_only_db_path):
    return sqlite_only_db_path
