"""Shared fixtures: hypothesis profiles and real databases (SQLite and PostgreSQL).

PostgreSQL tests each get a database of their own on the server at
ORDERHUB_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test),
dropped afterwards. With CI=true an unreachable server fails the run; locally
those tests are skipped with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from infrastructure.storage import Storage, open_storage
from tests.pg import fresh_database

settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "thorough")
)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with fresh_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(database_url, sqlite_path) for each backend the suite must pass on."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url"), ""
    return "", str(tmp_path / "orderhub.db")


@pytest.fixture
def storage(store_settings: tuple[str, str]) -> Iterator[Storage]:
    """An empty store on each backend (modules that seed one define their own)."""
    database_url, sqlite_path = store_settings
    store = open_storage(database_url, sqlite_path)
    yield store
    store.close()
