"""Settled invoices rate the customer: on time three times earns priority on the next order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from msgspec.structs import replace

from api.runtime import Runtime
from application.service import CommandMeta
from domain.customer_credit import CreditRatingChanged, PaymentJudged, customer_credit_id
from domain.deciders import CUSTOMER_CREDIT, DUNNING, RECEIVABLE
from domain.dunning import CompileDunningList, DunningLine, dunning_list_id
from domain.receivable import receivable_id_for
from domain.receivable.commands import IssueInvoice, RecordPayment
from domain.receivable.terms import CreditRating
from domain.shared import Money
from infrastructure.daemon.runner import ProjectionRunner
from policies.when_invoice_settled_rate_customer_credit import RateCustomerCreditPolicy
from tests.api.conftest import order_body
from tests.policies.conftest import Client, ok, signed_order
from tests.policies.test_bill_milestones_policy import settle

CUSTOMER = order_body()["customer_id"]
SIGNED = datetime(2025, 12, 21, 2, 0, tzinfo=UTC)


def rate(runtime: Runtime) -> None:
    store = runtime.storage
    ProjectionRunner(RateCustomerCreditPolicy(), store.log, store.mapper, store.read_store,
                     batch_size=4).catch_up()  # fmt: skip
    runtime.dispatcher.dispatch_once()


def invoice_and_pay(runtime: Runtime, order_id: str, paid_after_days: int) -> None:
    rid = receivable_id_for(UUID(order_id))
    run = runtime.service.execute
    run(RECEIVABLE, rid, IssueInvoice(invoice_number=f"INV-{order_id[:8]}", milestone_id="m1",
                                      issued_at=SIGNED),
        CommandMeta(command_id=f"inv-{order_id}", actor="finance"))  # fmt: skip
    run(RECEIVABLE, rid, RecordPayment(bank_reference=f"B-{order_id[:8]}",
                                       amount=Money.of("19200.00", "CNY"),
                                       received_at=SIGNED + timedelta(days=paid_after_days)),
        CommandMeta(command_id=f"pay-{order_id}", actor="finance"))  # fmt: skip


def rating(runtime: Runtime) -> CreditRating:
    return runtime.service.load(CUSTOMER_CREDIT, customer_credit_id(CUSTOMER)).rating


def test_three_on_time_payments_give_the_next_order_priority(
    client: Client, runtime: Runtime
) -> None:
    for n in range(3):
        order_id = signed_order(client, f"EC-{n}")
        settle(runtime)
        invoice_and_pay(runtime, order_id, paid_after_days=10)
    rate(runtime)
    rate(runtime)  # redelivery judges nothing twice
    assert rating(runtime) is CreditRating.PRIORITY
    history = runtime.service.history(customer_credit_id(CUSTOMER))
    changes = [r.event for r in history if isinstance(r.event, CreditRatingChanged)]
    assert [c.rating for c in changes] == [CreditRating.PRIORITY]
    next_order = signed_order(client, "EC-next")
    assert ok(client.get(f"/orders/{next_order}"))["state"]["credit_rating"] == "priority"


def test_a_late_payment_puts_the_customer_on_watch(client: Client, runtime: Runtime) -> None:
    order_id = signed_order(client)
    settle(runtime)
    invoice_and_pay(runtime, order_id, paid_after_days=45)  # due after 30
    rate(runtime)
    assert rating(runtime) is CreditRating.WATCH


def test_an_invoice_on_a_dunning_list_is_judged_late_once(client: Client, runtime: Runtime) -> None:
    order_id = signed_order(client)
    settle(runtime)
    rid = receivable_id_for(UUID(order_id))
    line = DunningLine(
        salesperson="wang.fang", customer_id=CUSTOMER, customer_name="x", contract_number="HT",
        order_id=UUID(order_id), receivable_id=rid, invoice_number="INV-late",
        milestone="m1", due_on=SIGNED.date(), days_overdue=40,
        outstanding=Money.of("1.00", "CNY"), level=2, level_name="formal",
        fee=Money.of("0", "CNY"), interest=Money.of("0", "CNY"),
    )  # fmt: skip
    monday = datetime(2026, 2, 2, 1, 0, tzinfo=UTC)
    for n in range(2):  # the same invoice on two weekly lists
        at = monday + timedelta(weeks=n)
        compile_ = CompileDunningList(scheduled_for=at, as_of=at.date(), lines=(line,))
        meta = CommandMeta(command_id=f"dun-{n}", actor="clock")
        runtime.service.execute(DUNNING, dunning_list_id(at), compile_, meta)
    rate(runtime)
    assert rating(runtime) is CreditRating.WATCH
    history = runtime.service.history(customer_credit_id(CUSTOMER))
    assert len(history) == 2  # judged once, rating changed once


def test_an_invoice_a_later_revision_adds_is_late_to_the_day_of_that_revision(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_order(client)
    settle(runtime)
    rid = receivable_id_for(UUID(order_id))
    monday = datetime(2026, 2, 2, 1, 0, tzinfo=UTC)
    first = DunningLine(
        salesperson="wang.fang", customer_id=CUSTOMER, customer_name="x", contract_number="HT",
        order_id=UUID(order_id), receivable_id=rid, invoice_number="INV-1",
        milestone="m1", due_on=SIGNED.date(), days_overdue=43,
        outstanding=Money.of("1.00", "CNY"), level=2, level_name="formal",
        fee=Money.of("0", "CNY"), interest=Money.of("0", "CNY"),
    )  # fmt: skip
    tuesday = replace(first, invoice_number="INV-2", due_on=date(2026, 2, 3), days_overdue=1)
    for n, (as_of, lines) in enumerate(((monday.date(), (first,)),
                                        (date(2026, 2, 4), (first, tuesday)))):  # fmt: skip
        compile_ = CompileDunningList(scheduled_for=monday, as_of=as_of, lines=lines)
        meta = CommandMeta(command_id=f"dun-{n}", actor="clock")
        runtime.service.execute(DUNNING, dunning_list_id(monday), compile_, meta)
    rate(runtime)
    history = runtime.service.history(customer_credit_id(CUSTOMER))
    judged = {
        r.event.invoice_number: r.event for r in history if isinstance(r.event, PaymentJudged)
    }
    assert (judged["INV-1"].at, judged["INV-2"].at) == (monday, monday + timedelta(days=2))
    assert judged["INV-2"].days_late == 1
