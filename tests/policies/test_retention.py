"""Retention (质保金): billable 12 months after acceptance once the acceptance report is
in; the upload that completes it makes it billable at once, and an early invoice is
told which condition is missing (issue 27, item 15)."""

from __future__ import annotations

from typing import Any

from api.runtime import Runtime
from domain.receivable.state import MilestoneStatus
from tests.api.conftest import order_body
from tests.policies.conftest import Client, ok
from tests.policies.test_bill_milestones_policy import STAGES, receivable, settle, statuses


def accepted_order(client: Client) -> str:
    """An order of 2024: signed, made, shipped and accepted on 2024-12-02."""
    body = order_body("EC-RET", placed_at="2024-11-01T09:00:00+08:00",
                      promised_delivery="2025-01-31")  # fmt: skip
    body["lines"] = body["lines"][:1]
    order_id = str(ok(client.post("/orders", json=body))["aggregate_id"])
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-RET", "signed_at": "2024-11-02T10:00:00+08:00"}))  # fmt: skip
    for day, stage in enumerate(STAGES, 3):
        ok(client.post(f"/orders/{order_id}/advance",
                       json={"to_stage": stage, "at": f"2024-11-{day:02}T09:00:00+08:00"}))  # fmt: skip
    ok(client.post(f"/orders/{order_id}/shipments", json={
        "shipment_id": "S1", "lines": [{"line_id": "L1", "quantity": "2"}],
        "shipped_at": "2024-11-20T15:00:00+08:00"}))  # fmt: skip
    ok(client.post(f"/orders/{order_id}/acceptance", json={
        "accepted_by": "客户 陈工", "accepted_at": "2024-12-02T10:00:00+08:00"}))  # fmt: skip
    return order_id


def upload_report(client: Client, order_id: str, at: str) -> None:
    ok(client.post(f"/orders/{order_id}/documents",
                   files={"file": ("acceptance.pdf", b"%PDF acceptance" * 10, "application/pdf")},
                   data={"kind": "acceptance_report", "title": "验收报告",
                         "uploaded_at": at}))  # fmt: skip


def invoice_retention(client: Client, order_id: str, at: str = "2026-02-01") -> Any:
    return client.post(f"/receivables/{order_id}/invoices", json={
        "invoice_number": "INV-RET", "milestone_id": "m3",
        "issued_at": f"{at}T10:00:00+08:00"})  # fmt: skip


def test_the_report_that_completes_retention_makes_it_billable_at_once(
    client: Client, runtime: Runtime
) -> None:
    order_id = accepted_order(client)
    settle(runtime)
    early = invoice_retention(client, order_id)
    assert early.status_code == 422
    detail = early.json()["detail"]
    assert "waits for the acceptance report" in detail, detail
    assert "12 months after acceptance on 2024-12-02 is 2025-12-02" in detail
    # 13 months after acceptance the report arrives: no morning review is needed.
    upload_report(client, order_id, "2026-01-10T10:00:00+08:00")
    settle(runtime)
    state = receivable(runtime, order_id)
    assert statuses(state)[2] is MilestoneStatus.BILLABLE
    assert str(state.milestones[2].billable_on) == "2026-01-10"
    ok(invoice_retention(client, order_id))


def test_a_report_before_the_twelve_months_names_the_day_that_is_missing(
    client: Client, runtime: Runtime
) -> None:
    order_id = accepted_order(client)
    upload_report(client, order_id, "2024-12-05T10:00:00+08:00")
    settle(runtime)
    assert statuses(receivable(runtime, order_id))[2] is MilestoneStatus.SCHEDULED
    detail = invoice_retention(client, order_id, "2025-06-01").json()["detail"]
    assert "billable from 2025-12-02" in detail, detail
    # Invoiced once the twelve months have passed, it is billable then, without waiting
    # for a morning review.
    ok(invoice_retention(client, order_id, "2025-12-03"))
    assert str(receivable(runtime, order_id).milestones[2].billable_on) == "2025-12-02"
