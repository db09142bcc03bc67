"""Capturing an order checks and soft-reserves its key components; a shortfall warns it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.runtime import Runtime
from domain.deciders import ORDER
from infrastructure.daemon.runner import ProjectionRunner
from policies import notifications
from policies.when_order_captured_reserve_stock import ReserveStockPolicy
from policies.when_stock_runs_short_warn_order import WarnOrderPolicy
from tests.api.conftest import order_body
from tests.policies.conftest import Client, ok
from tests.policies.test_stage_tasks import contact

AT = "2025-12-19T09:00:00+08:00"
SERVO = [{"line_id": "L1", "product_code": "SV-AS2-750W", "kind": "hardware", "quantity": "3",
          "unit_price": "7800"}]  # fmt: skip


def run(runtime: Runtime) -> None:
    store = runtime.storage
    for _ in range(2):  # reserve, then warn about what the reservation found
        for policy in (ReserveStockPolicy(), WarnOrderPolicy()):
            ProjectionRunner(policy, store.log, store.mapper, store.read_store).catch_up()
        runtime.dispatcher.dispatch_once()
    runtime.projections["stock"].catch_up()


def ledger(client: Client) -> None:
    ok(
        client.put(
            "/stock/SERVO-750W",
            json={
                "name": "伺服电机 750W",
                "safety_level": "1",
                "alternatives": ["SERVO-1KW"],
                "at": AT,
            },
        )
    )
    ok(
        client.post(
            "/stock/SERVO-750W/receipts", json={"reference": "GR-1", "quantity": "2", "at": AT}
        )
    )
    ok(client.post("/stock/SERVO-750W/expected-receipts", json={
        "reference": "PO-7", "quantity": "10", "due_on": "2026-01-10", "at": AT}))  # fmt: skip


def warnings(runtime: Runtime, order_id: str) -> dict[str, Any]:
    return dict(runtime.service.load(ORDER, UUID(order_id)).stock_warnings)


def test_a_shortfall_warns_the_order_with_a_later_date_and_an_alternative(
    client: Client, runtime: Runtime
) -> None:
    contact(runtime, "purchasing_manager")
    ledger(client)
    order_id = ok(client.post("/orders", json=order_body(lines=SERVO)))["aggregate_id"]
    run(runtime)
    run(runtime)  # redelivered: nothing new
    warning = warnings(runtime, order_id)["SERVO-750W"]
    assert (warning.shortfall, warning.below_safety) == (1, True)
    assert str(warning.materials_on) == "2026-01-10"
    # materials in on 10 Jan + production 15 + testing 10 + shipping 5 days; promised 1 Mar
    assert str(warning.suggested_delivery) == "2026-03-01"
    assert warning.alternatives == ("SERVO-1KW",)
    detail = ok(client.get(f"/orders/{order_id}"))
    assert detail["state"]["stock_warnings"]["SERVO-750W"]["shortfall"] == "1"
    servo = ok(client.get("/stock/SERVO-750W"))
    assert (servo["on_hand"], servo["reserved"], servo["available"], servo["status"]) == (
        "2", "3", "-1", "short")  # fmt: skip
    assert servo["reservations"] == [{"order_id": order_id, "quantity": "3"}]
    assert servo["incoming"] == "10"
    [message] = notifications.notifications(runtime.storage.read_store)
    assert (message["kind"], message["recipient"]) == ("stock_warning", "purchasing_manager")
    assert "SERVO-750W" in message["subject"]

    # The customer takes two servos fewer: 1 reserved of 2 on hand, the safety level kept.
    ok(client.post(f"/orders/{order_id}/changes", json={
        "reason": "two servos fewer", "changed_at": "2025-12-21T09:00:00+08:00",
        "remove": ["L1"], "add": [{**SERVO[0], "line_id": "L2", "quantity": "1"}]}))  # fmt: skip
    run(runtime)
    assert warnings(runtime, order_id) == {}
    ok(client.post(f"/orders/{order_id}/cancel", json={"reason": "lost", "at": AT.replace(
        "19", "22", 1)}))  # fmt: skip
    run(runtime)
    servo = ok(client.get("/stock/SERVO-750W"))
    assert (servo["reserved"], servo["status"]) == ("0", "ok")


def test_entering_production_issues_the_reserved_components(
    client: Client, runtime: Runtime
) -> None:
    ledger(client)
    ok(
        client.post(
            "/stock/SERVO-750W/receipts", json={"reference": "PO-7", "quantity": "10", "at": AT}
        )
    )  # the expected receipt arrives
    body = order_body(lines=SERVO, order_type="standard_parts")
    order_id = ok(client.post("/orders", json=body))["aggregate_id"]
    run(runtime)
    assert warnings(runtime, order_id) == {}
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-1", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
    for stage in ("material_prep", "in_production"):
        ok(client.post(f"/orders/{order_id}/advance", json={
            "to_stage": stage, "at": "2025-12-22T10:00:00+08:00"}))  # fmt: skip
    run(runtime)
    servo = ok(client.get("/stock/SERVO-750W"))
    assert (servo["on_hand"], servo["reserved"], servo["incoming"]) == ("9", "0", "0")


def test_an_unknown_part_is_not_found_and_stock_is_never_issued_below_zero(
    client: Client,
) -> None:
    assert client.get("/stock/NOPE").status_code == 404
    assert client.post("/stock/SERVO-750W/issues", json={
        "reference": "GI-1", "quantity": "5", "at": AT}).status_code == 422  # fmt: skip
