"""Tokens as strong as their use: a wall screen reads dashboards only, secrets and
contacts reach the roles that need them, lifetimes are capped, tokens never logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from api.auth import Role, allowed_roles
from api.cli import main
from api.logs import RedactTokens
from api.runtime import Runtime
from tests.api.conftest import bearer, order_body
from tests.policies.conftest import Client, ok

WANG = {"name": "王伟", "phone": "+86 138 0000 1234", "email": "wang.wei@hengli.example"}


def test_a_dashboard_token_reads_the_dashboards_and_nothing_else(
    client: Client, runtime: Runtime
) -> None:
    order_id = ok(client.post("/orders", json=order_body(contact=WANG)))["aggregate_id"]
    wall = bearer(runtime, Role.DASHBOARD, "wall-screen-3f")
    assert client.get("/dashboards/in-progress", headers=wall).status_code == 200
    for path in (f"/orders/{order_id}", "/orders", "/customers/C-JX-001", "/directory",
                 "/receivables", "/audit/trail"):  # fmt: skip
        assert client.get(path, headers=wall).status_code == 403, path
    assert allowed_roles("POST", "/orders") & {Role.DASHBOARD} == frozenset()


def test_webhook_secrets_in_the_directory_are_for_admins(client: Client, runtime: Runtime) -> None:
    robot = "https://oapi.dingtalk.com/robot/send?access_token=SECRET"
    ok(client.put("/directory/sales_director", json={"name": "销售总监", "webhook_url": robot}))
    for role in (Role.READER, Role.SALES, Role.AUDITOR):
        assert client.get("/directory", headers=bearer(runtime, role)).status_code == 403
    assert "SECRET" in client.get("/directory").text  # the admin's own view


@pytest.mark.parametrize(
    ("role", "sees"),
    [(Role.SALES, True), (Role.FINANCE, True), (Role.PRODUCTION, True), (Role.ADMIN, True),
     (Role.READER, False), (Role.AUDITOR, False), (Role.ENGINEER, False)],
)  # fmt: skip
def test_a_contact_is_shown_to_the_roles_that_need_it(
    client: Client, runtime: Runtime, role: Role, sees: bool
) -> None:
    order_id = ok(client.post("/orders", json=order_body(contact=WANG)))["aggregate_id"]
    contact = ok(client.get(f"/orders/{order_id}", headers=bearer(runtime, role)))["contact"]
    assert (contact["phone"] == WANG["phone"]) is sees
    assert contact["withheld"] is not sees
    assert not contact["erased"]


@pytest.mark.parametrize("days", ["-1", "0", "400"])
def test_a_token_lifetime_outside_the_cap_is_refused(
    days: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("ORDERHUB_DATA_DIR", str(tmp_path))
    assert main(["token", "issue", "--user", "u", "--role", "reader", "--days", days]) == 2
    out = capsys.readouterr().out
    assert "days" in out
    assert "eyJ" not in out  # no token printed


def test_a_wall_screen_token_lives_a_week_at_most(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("ORDERHUB_DATA_DIR", str(tmp_path))
    assert main(["token", "issue", "--user", "wall", "--role", "dashboard", "--days", "30"]) == 2
    assert main(["token", "issue", "--user", "wall", "--role", "dashboard", "--days", "7"]) == 0


def test_the_access_log_never_shows_a_token() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/dashboard?token=eyJhbGciOi.abc.def&view=ops", "1.1", 200),
        None,
    )  # fmt: skip
    assert RedactTokens().filter(record)
    assert "eyJ" not in record.getMessage()
    assert "token=…&view=ops" in record.getMessage()
