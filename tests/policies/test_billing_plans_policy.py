"""Through signing: each order is billed by the plan it states, else by the rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from api.runtime import Runtime
from domain.order.events import OrderPlaced
from tests.api.conftest import order_body
from tests.policies.conftest import Client, ok, signed_order
from tests.policies.test_bill_milestones_policy import receivable, settle

SIGNED_AT = "2025-12-21T10:00:00+08:00"


def saas_body(ref: str, **overrides: Any) -> dict[str, Any]:
    line = {"line_id": "S1", "product_code": "CLOUD-MES", "kind": "subscription",
            "quantity": "1", "unit_price": "12000.01", "term_start": "2025-12-21",
            "term_months": 12}  # fmt: skip
    return order_body(ref, order_type="software", lines=[line], **overrides)


def sign(client: Client, body: dict[str, Any]) -> str:
    order_id = str(ok(client.post("/orders", json=body))["aggregate_id"])
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": f"HT-{body['external_ref']}", "signed_at": SIGNED_AT}))  # fmt: skip
    return order_id


def test_a_saas_order_is_billed_in_full_at_signing(client: Client, runtime: Runtime) -> None:
    order_id = sign(client, saas_body("EC-SAAS"))
    settle(runtime)
    detail = ok(client.get(f"/receivables/{order_id}"))
    assert detail["plan"] == {"template": "saas_annual_in_advance", "reason": "rule_matched",
                              "rule": 1, "detail": ""}  # fmt: skip
    [year] = detail["milestones"]
    assert (year["percent"], year["trigger"]) == ("100.0000", "annual_in_advance")
    assert year["amount"]["amount"] == "12000.01"
    assert (year["status"], year["billable_on"]) == ("billable", "2025-12-21")


def test_an_equipment_order_is_billed_thirty_sixty_ten(client: Client, runtime: Runtime) -> None:
    order_id = signed_order(client)
    settle(runtime)
    detail = ok(client.get(f"/receivables/{order_id}"))
    assert [m["percent"] for m in detail["milestones"]] == ["30", "60", "10"]
    assert (detail["plan"]["template"], detail["plan"]["reason"]) == ("standard", "rule_matched")


def test_the_plan_stated_on_the_order_wins(client: Client, runtime: Runtime) -> None:
    order_id = sign(client, saas_body("EC-MONTHLY", billing_plan="monthly_in_arrears"))
    settle(runtime)
    [placed] = [r.event for r in runtime.service.history(UUID(order_id))
                if isinstance(r.event, OrderPlaced)]  # fmt: skip
    assert placed.billing_plan == "monthly_in_arrears"
    state = receivable(runtime, order_id)
    assert state.plan is not None
    assert state.plan.reason == "stated_on_order"
    amounts = [m.milestone.amount.amount for m in state.milestones]
    assert len(amounts) == 12
    assert sum(amounts) == Decimal("12000.01")
    assert state.milestones[0].milestone.term.on_date == date(2026, 1, 20)
    assert all(m.billable_on is None for m in state.milestones)  # in arrears


def test_a_stated_plan_that_does_not_exist_is_refused_at_capture(client: Client) -> None:
    answer = client.post("/orders", json=order_body("EC-X", billing_plan="nine_tenths_upfront"))
    assert answer.status_code == 422
    assert answer.json()["field"] == "billing_plan"


def test_a_periodic_plan_for_an_order_without_a_service_term_is_refused(client: Client) -> None:
    answer = client.post("/orders", json=order_body("EC-Y", billing_plan="monthly_in_arrears"))
    assert answer.status_code == 422
    assert answer.json()["field"] == "billing_plan"
