"""Receivable milestones: the 30/60/10 split, triggers, retention and change orders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain.receivable.billing import add_months
from domain.receivable.commands import (
    IssueInvoice,
    RecordFulfilment,
    RecordPayment,
    ReviewMilestones,
    ReviseContractAmount,
)
from domain.receivable.events import (
    ContractAmountRevised,
    CreditNoteIssued,
    Fact,
    FulfilmentRecorded,
    Milestone,
    MilestoneAmount,
    MilestoneBillable,
)
from domain.receivable.rules import (
    MilestoneInvoiced,
    MilestoneNotBillable,
    NoReceivable,
    ReceivableExists,
    StaleRevision,
    UnknownMilestone,
)
from domain.receivable.state import MilestoneStatus
from domain.receivable.terms import InvalidTerms, MilestoneTemplate, MilestoneTerm, Trigger
from domain.testing import receivable_spec as given
from tests.domain.receivable_examples import (
    SIGNED,
    STANDARD,
    cny,
    day,
    invoiced_prepayment,
    open_receivable,
    shipped_and_invoiced,
    signed,
)


def amounts(history: list[object]) -> list[Decimal]:
    state = given.fold(history)  # type: ignore[arg-type]
    return [m.milestone.amount.amount for m in state.milestones]


def test_signing_opens_thirty_sixty_ten_summing_to_the_cent() -> None:
    assert amounts(signed("100000.01")) == [Decimal("30000.00"), Decimal("60000.01"),
                                           Decimal("10000.00")]  # fmt: skip
    assert sum(amounts(signed("0.05"))) == Decimal("0.05")


def test_prepayment_is_billable_on_signing_and_due_thirty_days_later() -> None:
    history = signed()
    assert history[-1] == MilestoneBillable(
        milestone_id="m1", billable_on=date(2026, 1, 5), due_on=date(2026, 2, 4)
    )


def test_a_second_receivable_for_the_order_is_refused() -> None:
    given(*signed()).when(open_receivable()).raises(ReceivableExists)


def test_nothing_happens_before_the_receivable_is_open() -> None:
    given().when(RecordFulfilment(fact=Fact.SHIPMENT, at=day(1))).raises(NoReceivable)


def test_template_percentages_must_sum_to_a_hundred() -> None:
    lopsided = MilestoneTemplate(
        name="bad",
        milestones=(MilestoneTerm(name="all", percent=Decimal(90), trigger=Trigger.SIGNING),),
    )
    given().when(open_receivable(template=lopsided)).raises(InvalidTerms, field="percent")


def test_shipment_makes_the_sixty_percent_billable() -> None:
    given(*signed()).when(RecordFulfilment(fact=Fact.SHIPMENT, at=day(60))).then(
        FulfilmentRecorded(fact=Fact.SHIPMENT, at=day(60)),
        MilestoneBillable(milestone_id="m2", billable_on=date(2026, 3, 6), due_on=date(2026, 4, 5)),
    )


def test_a_fact_counts_the_first_time_it_happens() -> None:
    history = given.run(open_receivable(), RecordFulfilment(fact=Fact.SHIPMENT, at=day(60)))
    given(*history).when(RecordFulfilment(fact=Fact.SHIPMENT, at=day(70))).then()


def test_retention_not_billable_at_acceptance() -> None:
    history = given.run(
        open_receivable(), RecordFulfilment(fact=Fact.ACCEPTANCE_REPORT, at=day(100))
    )
    given(*history).when(RecordFulfilment(fact=Fact.ACCEPTANCE, at=day(100))).then(
        FulfilmentRecorded(fact=Fact.ACCEPTANCE, at=day(100))
    )


def test_retention_not_due_before_twelve_months() -> None:
    history = given.run(
        open_receivable(),
        RecordFulfilment(fact=Fact.ACCEPTANCE, at=day(100)),
        RecordFulfilment(fact=Fact.ACCEPTANCE_REPORT, at=day(101)),
    )
    accepted = day(100).date()
    a_day_short = add_months(accepted, 12) - timedelta(days=1)
    given(*history).when(ReviewMilestones(as_of=day(100 + (a_day_short - accepted).days))).then()
    twelve_months = day(100 + (add_months(accepted, 12) - accepted).days)
    given(*history).when(ReviewMilestones(as_of=twelve_months)).then(
        MilestoneBillable(
            milestone_id="m3", billable_on=add_months(accepted, 12),
            due_on=add_months(accepted, 12) + timedelta(days=30),
        )
    )  # fmt: skip


def test_retention_waits_for_the_acceptance_report_even_after_twelve_months() -> None:
    history = given.run(open_receivable(), RecordFulfilment(fact=Fact.ACCEPTANCE, at=day(100)))
    given(*history).when(ReviewMilestones(as_of=day(900))).then()
    report = RecordFulfilment(fact=Fact.ACCEPTANCE_REPORT, at=day(900))
    events = given(*history).when(report).events()
    assert events[-1] == MilestoneBillable(
        milestone_id="m3", billable_on=day(900).date(), due_on=day(930).date()
    )


def test_add_months_clamps_to_the_end_of_a_shorter_month() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 14) == date(2027, 1, 15)


def test_only_billable_milestones_are_invoiced_and_only_once() -> None:
    history = invoiced_prepayment()
    given(*history).when(
        IssueInvoice(invoice_number="INV-2", milestone_id="m2", issued_at=day(1))
    ).raises(MilestoneNotBillable)
    given(*history).when(
        IssueInvoice(invoice_number="INV-2", milestone_id="m1", issued_at=day(1))
    ).raises(MilestoneInvoiced)
    given(*history).when(
        IssueInvoice(invoice_number="INV-2", milestone_id="m9", issued_at=day(1))
    ).raises(UnknownMilestone)


def test_milestone_states_run_from_scheduled_to_paid() -> None:
    state = given.fold(shipped_and_invoiced())
    assert [state.status_of(m) for m in state.milestones] == [
        MilestoneStatus.PAID, MilestoneStatus.INVOICED, MilestoneStatus.SCHEDULED,
    ]  # fmt: skip
    part = RecordPayment(bank_reference="B-2", amount=cny("100.00"), received_at=day(61))
    after = given(*shipped_and_invoiced()).when(part).state()
    assert after.status_of(after.milestones[1]) is MilestoneStatus.PARTLY_PAID


def test_increase_spreads_over_milestones_not_yet_invoiced_by_percentage() -> None:
    revise = ReviseContractAmount(revision=1, amount=cny("100700.01"), at=day(5))
    events = given(*invoiced_prepayment()).when(revise).events()
    assert events == [
        ContractAmountRevised(
            revision=1, previous=cny("100000.00"), amount=cny("100700.01"),
            rule="increase spread over milestones not yet invoiced, by percentage",
            amounts=(MilestoneAmount(milestone_id="m2", amount=cny("60600.01")),
                     MilestoneAmount(milestone_id="m3", amount=cny("10100.00"))),
            added=(), at=day(5),
        )
    ]  # fmt: skip
    assert sum(amounts([*invoiced_prepayment(), *events])) == Decimal("100700.01")


def test_increase_after_everything_is_invoiced_is_a_new_milestone_billable_that_day() -> None:
    single = MilestoneTemplate(
        name="all upfront",
        milestones=(MilestoneTerm(name="all", percent=Decimal(100), trigger=Trigger.SIGNING),),
    )
    history = given.run(
        open_receivable(template=single),
        IssueInvoice(invoice_number="INV-1", milestone_id="m1", issued_at=SIGNED),
    )
    events = (
        given(*history)
        .when(ReviseContractAmount(revision=1, amount=cny("125000.00"), at=day(5)))
        .events()
    )
    revised = events[0]
    assert isinstance(revised, ContractAmountRevised)
    assert revised.added == (
        Milestone(milestone_id="c1", amount=cny("25000.00"), term=MilestoneTerm(
            name="变更 change order r1", percent=Decimal("20.00"), trigger=Trigger.DATE,
            on_date=day(5).date())),
    )  # fmt: skip
    assert events[-1] == MilestoneBillable(
        milestone_id="c1", billable_on=day(5).date(), due_on=day(35).date()
    )


def test_decrease_beyond_what_is_not_invoiced_is_credited_on_the_latest_invoice() -> None:
    history = shipped_and_invoiced()  # m1 30,000 paid; m2 60,000 invoiced; m3 10,000 open
    events = (
        given(*history)
        .when(ReviseContractAmount(revision=1, amount=cny("85000.00"), at=day(70)))
        .events()
    )
    assert events[1] == CreditNoteIssued(
        credit_note_number="HT-2026-001-R1-m2", invoice_number="INV-2", amount=cny("5000.00"),
        issued_at=day(70), reason="change order revision 1 lowered the contract amount",
        on_account=cny("0"),
    )  # fmt: skip
    after = given(*history, *events).state
    assert [m.milestone.amount for m in after.milestones] == [
        cny("30000.00"),
        cny("55000.00"),
        cny("0.00"),
    ]
    assert after.invoices["INV-2"].outstanding == cny("55000.00")


def test_a_revision_older_than_the_last_is_refused() -> None:
    history = given.run(
        open_receivable(), ReviseContractAmount(revision=2, amount=cny("90000.00"), at=day(3))
    )
    given(*history).when(
        ReviseContractAmount(revision=1, amount=cny("95000.00"), at=day(4))
    ).raises(StaleRevision, field="revision")


def test_the_standard_template_is_the_seed_thirty_sixty_ten() -> None:
    assert [m.percent for m in STANDARD.milestones] == [30, 60, 10]
    retention = STANDARD.milestones[2]
    assert retention.trigger is Trigger.AFTER_ACCEPTANCE
    assert (retention.months_after, retention.needs_acceptance_report) == (12, True)
