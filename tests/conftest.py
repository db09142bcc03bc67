"""Shared fixtures: hypothesis profiles and real databases (SQLite and PostgreSQL).

PostgreSQL tests each get a database of their own on the server at
ORDERHUB_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test),
dropped afterwards. With CI=true an unreachable server fails the run; locally
those tests are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "thorough")
)

PG_ADMIN_URL = os.environ.get("ORDERHUB_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL must be reachable in CI at {PG_ADMIN_URL}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {error}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"orderhub_test_{uuid.uuid4().hex[:16]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(database_url, sqlite_path) for each backend the suite must pass on."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url"), ""
    return "", str(tmp_path / "orderhub.db")
