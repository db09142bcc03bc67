"""A signed order always has its revenue contract (issue 27, item 10).

When the residual approach left nothing for a line, signing succeeded and the
contract was only a refused command in the policy outbox. Such terms are refused at
capture and at an unsigned order's change, naming the field; an order that still
reaches its signing without a possible contract (captured before the check) hands
finance a task that says why.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from api.runtime import Runtime
from application.service import CommandMeta
from domain.deciders import ORDER, RULEBOOK
from domain.order.commands import ChangeOrder
from domain.order.events import LineRepricing
from domain.rulebook import RULEBOOK_ID
from domain.shared import Money
from policies import outbox
from policies.when_order_signed_recognise_revenue import NAME
from tests.api.conftest import order_body
from tests.policies.conftest import Client, ok, settle

IMPLEMENTATION = {"line_id": "L3", "product_code": "IMPL", "kind": "implementation",
                  "quantity": "1", "unit_price": "20000"}  # fmt: skip
SIGN = {"contract_number": "HT-RES", "signed_at": "2025-12-21T10:00:00+08:00"}


def residual_order(**changes: Any) -> dict[str, Any]:
    """Two conveyors (SSP 60,000) and training (5,000) sold with an implementation whose
    SSP is highly variable: the residual approach gives it what the others leave."""
    body = order_body("EC-RES", revenue_terms={"residual": ["L3"]})
    body["lines"].append({**IMPLEMENTATION, **changes})
    return body


def test_terms_that_leave_nothing_for_the_residual_line_are_refused_at_capture(
    client: Client, runtime: Runtime
) -> None:
    head = runtime.storage.log.max_notification_id()
    # 59,000 + 5,000 + 1,000: the others' SSPs (65,000) already reach the price.
    refused = client.post("/orders", json=residual_order(unit_price="1000"))
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["field"] == "revenue_terms.residual"
    assert "would make no revenue contract" in problem["detail"]
    assert "leaves nothing for L3" in problem["detail"]
    assert runtime.storage.log.max_notification_id() == head


def test_a_change_that_would_leave_nothing_is_refused_too(client: Client) -> None:
    order_id = ok(client.post("/orders", json=residual_order()))["aggregate_id"]
    refused = client.post(f"/orders/{order_id}/changes", json={
        "reason": "客户压价", "changed_at": "2025-12-20T12:00:00+08:00",
        "reprice": [{"line_id": "L3", "unit_price": "1000"}]})  # fmt: skip
    assert (refused.status_code, refused.json()["field"]) == (422, "revenue_terms.residual")
    assert refused.json()["detail"].startswith("after this change signing this order")


def test_an_order_signed_without_a_possible_contract_hands_finance_a_task(
    client: Client, runtime: Runtime
) -> None:
    order_id = ok(client.post("/orders", json=residual_order()))["aggregate_id"]
    # A change recorded without the API's check, as by an import before it existed.
    book = runtime.service.load(ORDER, UUID(order_id))
    rules = runtime.service.load(RULEBOOK, RULEBOOK_ID)
    cut = LineRepricing(line_id="L3", unit_price=Money.of(1000, "CNY"), discount=Money.of(0, "CNY"))
    change = ChangeOrder(reason="legacy", changed_at=datetime(2025, 12, 20, 6, tzinfo=UTC),
                         approval_rules=rules.approval, reprice=(cut,))  # fmt: skip
    runtime.service.execute(ORDER, UUID(order_id), change,
                            CommandMeta(command_id="legacy-change", actor="import"))  # fmt: skip
    assert book.version < runtime.service.load(ORDER, UUID(order_id)).version
    ok(client.post(f"/orders/{order_id}/sign", json=SIGN))
    settle(runtime)
    mine = {r["command_id"].rsplit(":", 1)[-1]: r
            for r in outbox.commands(runtime.storage.read_store, policy=NAME)}  # fmt: skip
    assert mine["0-identify"]["status"] == "refused"
    task = mine["no-contract"]
    assert task["status"] == "done"
    assert '"role":"finance"' in task["command"]
    assert "leaves nothing for L3" in task["command"]
    assert '"escalation":["finance_manager","cfo"]' in task["command"]
