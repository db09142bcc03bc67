"""Schemathesis throws schema-derived and malformed input at every route: none may 500.

The generated requests carry an admin token, so they reach the handlers instead
of stopping at authentication. Each operation gets a third of the hypothesis
profile's examples (10 in CI, 66 thorough), which keeps the suite quick.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from api.auth import Role, issue_token
from api.runtime import Runtime
from api.settings import Settings
from application.service import CommandMeta
from domain.customer import CustomerDetails, RecordCustomer, customer_id_for
from domain.deciders import CUSTOMER
from tests.api.conftest import order_body

EXAMPLES = settings().max_examples // 3


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    home = tmp_path_factory.mktemp("fuzz")
    live = Runtime(Settings(sqlite_path=str(home / "log.db"), data_dir=str(home),
                            run_clock=False))  # fmt: skip
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def api_schema(runtime: Runtime) -> Any:
    app = create_app(runtime)

    async def started_app(scope: Any, receive: Any, send: Any) -> None:
        """The app, its lifespan owned by the fixture (schemathesis keeps its own alive)."""
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            phase = (await receive())["type"].rsplit(".", 1)[-1]
            await send({"type": f"lifespan.{phase}.complete"})
            if phase == "shutdown":
                return

    return schemathesis.openapi.from_asgi("/schema/openapi.json", started_app)


def test_no_input_makes_the_server_fail(api_schema: Any, runtime: Runtime) -> None:
    headers = {"Authorization": f"Bearer {issue_token(runtime.token_key, 'fuzzer', Role.ADMIN)}"}
    failures: list[str] = []
    for loaded in api_schema.get_all_operations():
        operation = loaded.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        def fuzz(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            fuzz()
        except Exception as failure:  # every failing route is reported together
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)


AT = "2025-12-21T09:00:00+08:00"


def test_the_inputs_that_once_answered_500_stay_fixed(api_schema: Any, runtime: Runtime) -> None:
    """The hardening issue's reproductions, as explicit cases beside the generated ones:
    an overflowing price, and an existing id of another aggregate type on each route
    that loads one."""
    headers = {"Authorization": f"Bearer {issue_token(runtime.token_key, 'fuzzer', Role.ADMIN)}"}
    operations = {
        op.label: op for op in (loaded.ok() for loaded in api_schema.get_all_operations())
    }
    order = operations["POST /orders"].Case(body=order_body("FUZZ-1")).call(headers=headers)
    assert order.status_code == 201, order.text
    order_id = order.json()["aggregate_id"]
    customer_id = customer_id_for("C-FUZZ")
    runtime.service.execute(
        CUSTOMER, customer_id,
        RecordCustomer(customer_id="C-FUZZ", details=CustomerDetails(name="某客户", region="浙江"),
                       at=datetime.fromisoformat(AT)),
        CommandMeta(command_id="fuzz-customer", actor="fuzzer"),
    )  # fmt: skip
    overflowing = order_body("FUZZ-2")
    overflowing["lines"][0]["unit_price"] = "1e999999999"
    task = {"by": "li", "at": AT}
    cases = [
        ("POST /orders", {"body": overflowing}),
        ("GET /quotes/{quote_id}", {"path_parameters": {"quote_id": order_id}}),
        ("GET /documents/{document_id}", {"path_parameters": {"document_id": order_id}}),
        ("GET /documents/{document_id}/current", {"path_parameters": {"document_id": order_id}}),
        ("GET /orders/{order_id}", {"path_parameters": {"order_id": str(customer_id)}}),
        ("POST /orders/{order_id}/hold", {"path_parameters": {"order_id": str(customer_id)},
                                          "body": {"reason": "x", "at": AT}}),
        ("POST /tasks/{task_id}/accept", {"path_parameters": {"task_id": order_id},
                                          "body": task}),
        ("POST /tasks/{task_id}/complete", {"path_parameters": {"task_id": order_id},
                                            "body": task}),
    ]  # fmt: skip
    for label, parts in cases:
        response = operations[label].Case(**parts).call(headers=headers)
        assert 400 <= response.status_code < 500, f"{label}: {response.text}"
