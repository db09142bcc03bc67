"""Every route with every role: who may read, who may write, and no way in without a token."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.auth import PUBLIC, WRITES, Role, allowed_roles, issue_token
from api.runtime import Runtime
from api.settings import Settings
from tests.api.conftest import bearer

Client = TestClient[Any]
_FILL = {"uuid": "00000000-0000-4000-8000-000000000000", "int": "1", "str": "x"}


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Runtime]]:
    tmp: Path = tmp_path_factory.mktemp("roles")
    runtime = Runtime(Settings(sqlite_path=str(tmp / "roles.db"), data_dir=str(tmp),
                               run_projections=False, run_clock=False))  # fmt: skip
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield client, runtime


def routes(client: Client) -> list[tuple[str, str, str]]:
    """(method, path template, a concrete path) of every route that needs a token."""
    found = []
    for route in client.app.routes:
        template = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        if any(re.match(p, template) for p in PUBLIC):
            continue
        concrete = re.sub(r"\{\w+:(\w+)\}", lambda m: _FILL.get(m.group(1), "x"), route.path)
        for method in sorted(getattr(route, "methods", ())):
            if method not in ("OPTIONS", "HEAD"):
                found.append((method, template, concrete))
    return found


def call(client: Client, method: str, path: str, headers: dict[str, str]) -> int:
    body = None if method == "GET" else {}
    return client.request(method, path, json=body, headers=headers).status_code


def test_every_route_answers_every_role_as_the_table_says(
    app_client: tuple[Client, Runtime],
) -> None:
    client, runtime = app_client
    wrong = []
    for method, template, path in routes(client):
        allowed = allowed_roles(method, template)
        for role in Role:
            status = call(client, method, path, bearer(runtime, role, f"{role}.user"))
            if (status == 403) == (role in allowed) or status == 401:
                wrong.append(f"{role} {method} {template}: {status}")
    assert wrong == []


def test_without_a_valid_token_nothing_but_health_answers(
    app_client: tuple[Client, Runtime],
) -> None:
    client, runtime = app_client
    forged = issue_token("another installation's key, long enough", "mallory", Role.ADMIN)
    now = int(time.time())
    expired = jwt.encode({"sub": "old", "iat": now - 7200, "exp": now - 3600, "role": "admin"},
                         runtime.token_key, algorithm="HS256")  # fmt: skip
    no_such_role = jwt.encode({"sub": "eve", "iat": now, "exp": now + 3600, "role": "root"},
                              runtime.token_key, algorithm="HS256")  # fmt: skip
    for method, _, path in routes(client):
        for headers in ({}, {"Authorization": f"Bearer {forged}"},
                        {"Authorization": f"Bearer {expired}"},
                        {"Authorization": f"Bearer {no_such_role}"},
                        {"Authorization": "Bearer not-a-token"}):  # fmt: skip
            assert call(client, method, path, headers) == 401, (method, path, headers)
    assert call(client, "GET", "/health", {}) == 200
    assert call(client, "GET", "/orders", bearer(runtime, Role.READER)) == 200


def test_the_roles_own_what_the_business_says() -> None:
    assert allowed_roles("POST", "/orders") == {Role.SALES, Role.ADMIN}
    assert Role.FINANCE not in allowed_roles("POST", "/orders")
    assert allowed_roles("POST", "/receivables/{order_id}/payments") == {Role.FINANCE, Role.ADMIN}
    assert allowed_roles("POST", "/rulebook/approval-rules") == {Role.ADMIN}
    assert allowed_roles("GET", "/audit/trail") == {Role.AUDITOR, Role.ADMIN}
    assert Role.AUDITOR in allowed_roles("GET", "/orders")
    for write, owners in WRITES.items():  # auditors and API consumers change nothing
        assert not owners & {Role.AUDITOR, Role.READER}, write


def test_a_token_checked_once_is_refused_once_it_expires(
    app_client: tuple[Client, Runtime],
) -> None:
    """Tokens are checked once per process; their expiry is still checked every time."""
    client, runtime = app_client
    now = int(time.time())
    brief = jwt.encode({"sub": "temp", "iat": now, "exp": now + 2, "role": "reader"},
                       runtime.token_key, algorithm="HS256")  # fmt: skip
    headers = {"Authorization": f"Bearer {brief}"}
    assert [call(client, "GET", "/orders", headers) for _ in range(3)] == [200] * 3
    time.sleep(max(0.0, now + 2.05 - time.time()))
    assert call(client, "GET", "/orders", headers) == 401


def test_a_token_checked_by_one_installation_is_not_taken_by_another(
    app_client: tuple[Client, Runtime], tmp_path: Path
) -> None:
    client, runtime = app_client
    headers = bearer(runtime, Role.READER)
    assert call(client, "GET", "/orders", headers) == 200  # checked, and remembered
    settings = Settings(sqlite_path=str(tmp_path / "other.db"), data_dir=str(tmp_path),
                        token_key="another installation's key, long enough",
                        run_projections=False, run_clock=False)  # fmt: skip
    with TestClient(create_app(Runtime(settings)), raise_server_exceptions=False) as other:
        assert call(other, "GET", "/orders", headers) == 401
