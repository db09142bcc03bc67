"""Who changed what on an order or a customer, across every aggregate, in a date range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.auth import Role
from api.runtime import Runtime
from domain.deciders import DECIDER_BY_TOPIC, EVENT_TYPES
from tests.api.conftest import bearer, order_body
from tests.policies.conftest import Client, ok, settle

SIGN = {"contract_number": "HT-7", "signed_at": "2025-12-21T10:00:00+08:00"}


def test_the_trail_follows_an_order_into_its_receivable_tasks_and_customer(
    client: Client, runtime: Runtime
) -> None:
    wang, li = bearer(runtime, Role.SALES, "wang.fang"), bearer(runtime, Role.SALES, "li.ming")
    order_id = ok(client.post("/orders", json=order_body(), headers=wang))["aggregate_id"]
    ok(client.post(f"/orders/{order_id}/sign", json=SIGN, headers=li))
    other = ok(client.post("/orders", json=order_body("EC-2", customer_id="C-SZ-009")))
    settle(runtime)

    trail = ok(client.get("/audit/trail", params={"order_id": order_id, "limit": 1000}))
    seen = {(row["aggregate_type"], row["topic"]) for row in trail}
    assert {("Order", "OrderPlaced"), ("Order", "OrderSigned"),
            ("Receivable", "ReceivableOpened"), ("Task", "TaskAssigned")} <= seen  # fmt: skip
    assert {row["customer_id"] for row in trail} == {"C-JX-001"}
    assert all(row["order_id"] == order_id for row in trail)
    signed = next(row for row in trail if row["topic"] == "OrderSigned")
    assert (signed["actor"], signed["business_time"]) == ("li.ming", "2025-12-21T02:00:00+00:00")

    customer = ok(client.get("/audit/trail", params={"customer_id": "C-SZ-009"}))
    assert {row["order_id"] for row in customer} == {other["aggregate_id"]}
    by_actor = ok(client.get("/audit/trail", params={"actor": "li.ming"}))
    assert [row["topic"] for row in by_actor] == ["OrderSigned"]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert ok(client.get("/audit/trail", params={"recorded_from": tomorrow})) == []
    assert len(ok(client.get("/audit/trail", params={"recorded_to": tomorrow,
                                                     "order_id": order_id, "limit": 1000}))
               ) == len(trail)  # fmt: skip


def test_every_event_type_belongs_to_an_aggregate_type() -> None:
    assert set(EVENT_TYPES) - set(DECIDER_BY_TOPIC) == {"CommandHandled"}
