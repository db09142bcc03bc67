"""Signing opens the receivable; shipment, acceptance and the report make milestones billable."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from api.runtime import Runtime
from application.service import CommandMeta
from domain.customer_credit import JudgePayment, customer_credit_id
from domain.deciders import CUSTOMER_CREDIT, RECEIVABLE
from domain.receivable import receivable_id_for
from domain.receivable.events import Fact
from domain.receivable.state import MilestoneStatus, ReceivableState
from domain.receivable.terms import CreditRating, CreditRules
from infrastructure.daemon.runner import ProjectionRunner
from policies import outbox
from policies.when_order_progresses_bill_milestones import NAME, BillMilestonesPolicy
from tests.api.conftest import order_body
from tests.policies.conftest import Client, ok, signed_order

STAGES = ("designing", "material_prep", "in_production", "testing", "awaiting_shipment")


def ship_everything(client: Client, order_id: str) -> None:
    for day, stage in enumerate(STAGES, 22):
        at = f"2025-12-{day}T09:00:00+08:00"
        ok(client.post(f"/orders/{order_id}/advance", json={"to_stage": stage, "at": at}))
    for n, quantity in enumerate(("1", "1"), 1):
        ok(client.post(f"/orders/{order_id}/shipments", json={
            "shipment_id": f"S{n}", "lines": [{"line_id": "L1", "quantity": quantity}],
            "shipped_at": f"2025-12-2{7 + n}T15:00:00+08:00"}))  # fmt: skip


def settle(runtime: Runtime) -> None:
    """Run the policy to the head of the log and execute what it decided."""
    store = runtime.storage
    runner = ProjectionRunner(BillMilestonesPolicy(), store.log, store.mapper, store.read_store,
                              batch_size=3)  # fmt: skip
    runner.catch_up()
    runtime.dispatcher.dispatch_once()


def receivable(runtime: Runtime, order_id: str) -> ReceivableState:
    return runtime.service.load(RECEIVABLE, receivable_id_for(UUID(order_id)))


def statuses(state: ReceivableState) -> list[MilestoneStatus]:
    return [state.status_of(m) for m in state.milestones]


def test_signing_opens_the_receivable_thirty_sixty_ten(client: Client, runtime: Runtime) -> None:
    order_id = signed_order(client)
    settle(runtime)
    state = receivable(runtime, order_id)
    amounts = [m.milestone.amount.amount for m in state.milestones]
    assert amounts == [Decimal("19200.00"), Decimal("38400.00"), Decimal("6400.00")]
    assert statuses(state) == [MilestoneStatus.BILLABLE, MilestoneStatus.SCHEDULED,
                               MilestoneStatus.SCHEDULED]  # fmt: skip
    history = runtime.service.history(receivable_id_for(UUID(order_id)))
    assert history[0].actor == f"policy:{NAME}"


def test_the_shipment_milestone_waits_for_the_last_shipment(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_order(client)
    settle(runtime)
    ship_everything(client, order_id)
    settle(runtime)
    state = receivable(runtime, order_id)
    assert str(state.facts[Fact.SHIPMENT].date()) == "2025-12-29"  # the second shipment
    assert statuses(state)[1] is MilestoneStatus.BILLABLE


def test_acceptance_and_its_report_are_passed_on_once(client: Client, runtime: Runtime) -> None:
    order_id = signed_order(client)
    report = b"%PDF acceptance report" * 10
    ok(client.post(f"/orders/{order_id}/documents",
                   files={"file": ("acceptance.pdf", report, "application/pdf")},
                   data={"kind": "acceptance_report", "title": "Acceptance",
                         "uploaded_at": "2026-01-10T10:00:00Z"}))  # fmt: skip
    settle(runtime)
    settle(runtime)  # a second run decides nothing new
    state = receivable(runtime, order_id)
    assert set(state.facts) == {Fact.SIGNING, Fact.ACCEPTANCE_REPORT}
    rows = outbox.commands(runtime.storage.read_store, policy=NAME)
    assert [r["status"] for r in rows] == ["done", "done"]


def test_facts_before_signing_travel_with_the_opening(client: Client, runtime: Runtime) -> None:
    order_id = str(ok(client.post("/orders", json=order_body("EC-2")))["aggregate_id"])
    ok(client.post(f"/orders/{order_id}/documents",
                   files={"file": ("a.pdf", b"%PDF early" * 10, "application/pdf")},
                   data={"kind": "acceptance_report", "title": "Acceptance",
                         "uploaded_at": "2025-12-20T12:00:00Z"}))  # fmt: skip
    settle(runtime)
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-2", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
    settle(runtime)
    assert Fact.ACCEPTANCE_REPORT in receivable(runtime, order_id).facts


def test_a_change_order_after_signing_revises_the_contract_amount(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_order(client)
    settle(runtime)
    ok(client.post(f"/orders/{order_id}/changes", json={
        "reason": "customer adds a spare motor", "changed_at": "2025-12-23T10:00:00+08:00",
        "add": [{"line_id": "L3", "product_code": "MOTOR-5", "kind": "spare_part",
                 "quantity": "1", "unit_price": "1000.00"}]}))  # fmt: skip
    settle(runtime)
    state = receivable(runtime, order_id)
    assert state.contract_amount == Decimal("65000.00")
    assert sum(m.milestone.amount.amount for m in state.milestones) == Decimal("65000.00")


def test_a_customer_on_watch_prepays_more(client: Client, runtime: Runtime) -> None:
    body = order_body("EC-3")
    late = JudgePayment(customer_id=body["customer_id"], invoice_key="R:INV-0",
                        invoice_number="INV-0", due_on=date(2025, 11, 1),
                        settled_on=date(2025, 12, 1), at=datetime(2025, 12, 1, tzinfo=UTC),
                        rules=CreditRules())  # fmt: skip
    runtime.service.execute(CUSTOMER_CREDIT, customer_credit_id(body["customer_id"]), late,
                            CommandMeta(command_id="judge-1", actor="test"))  # fmt: skip
    order_id = signed_order(client, "EC-3")
    settle(runtime)
    state = receivable(runtime, order_id)
    assert [m.milestone.term.percent for m in state.milestones] == [50, 40, 10]
    detail = ok(client.get(f"/orders/{order_id}"))
    assert detail["state"]["credit_rating"] == CreditRating.WATCH.value
