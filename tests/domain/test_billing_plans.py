"""Billing plans: the template chosen per order, and periodic milestones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import msgspec
import pytest

from domain.receivable.commands import OpenReceivable, ReviewMilestones
from domain.receivable.events import MilestoneBillable
from domain.receivable.plans import (
    OrderProfile,
    PlanChoice,
    PlanReason,
    ServiceTerm,
    choose,
    service_term,
)
from domain.receivable.state import MilestoneStatus
from domain.receivable.terms import (
    DEFAULT_PAYMENT_TERMS,
    CreditRating,
    InvalidTerms,
    MilestoneTemplate,
    PaymentTerms,
    PlanRule,
    Trigger,
    check_terms,
)
from domain.testing import receivable_spec as given
from tests.domain.receivable_examples import open_receivable

TERMS = DEFAULT_PAYMENT_TERMS


def published(name: str) -> MilestoneTemplate:
    template = TERMS.named(name)
    assert template is not None
    return template


MONTHLY = published("monthly_in_arrears")
ANNUAL = published("saas_annual_in_advance")


def profile(**changes: object) -> OrderProfile:
    fields: dict[str, object] = {
        "order_type": "equipment",
        "line_kinds": frozenset({"hardware", "spare_part"}),
        "product_lines": frozenset({"presses"}),
        "credit_rating": CreditRating.STANDARD,
    } | changes
    return OrderProfile(**fields)  # type: ignore[arg-type]


def saas(**changes: object) -> OrderProfile:
    fields: dict[str, object] = {"order_type": "software", "has_service_term": True,
                                 "line_kinds": frozenset({"subscription"})}  # fmt: skip
    return profile(**(fields | changes))


# Selection


def test_an_order_of_only_subscriptions_is_billed_annually_in_advance() -> None:
    template, why = choose(TERMS, saas())
    assert template.name == "saas_annual_in_advance"
    assert why == PlanChoice(template=template.name, reason=PlanReason.RULE, rule=1)


def test_equipment_is_billed_thirty_sixty_ten_by_its_rule() -> None:
    template, why = choose(TERMS, profile())
    assert [m.percent for m in template.milestones] == [30, 60, 10]
    assert template.milestones[-1].needs_acceptance_report
    assert template.milestones[-1].months_after == 12
    assert (why.reason, why.rule) == (PlanReason.RULE, 2)


def test_a_customer_on_watch_falls_back_to_the_higher_prepayment() -> None:
    template, why = choose(TERMS, profile(credit_rating=CreditRating.WATCH))
    assert template.name == "higher_prepayment"
    assert why.reason is PlanReason.CREDIT
    assert why.detail == "credit rating watch"


def test_a_subscription_beside_hardware_is_not_only_subscriptions() -> None:
    template, _ = choose(TERMS, saas(line_kinds=frozenset({"subscription", "hardware"})))
    assert template.name == "standard"


def test_the_plan_stated_on_the_order_wins_over_the_rules() -> None:
    template, why = choose(TERMS, saas(stated="monthly_in_arrears"))
    assert template == MONTHLY
    assert why.reason is PlanReason.STATED


def test_a_stated_plan_no_longer_published_falls_back_and_says_so() -> None:
    _, why = choose(TERMS, saas(stated="retired"))
    assert why.reason is PlanReason.RULE
    assert "'retired' is no longer published" in why.detail


def test_a_periodic_rule_passes_over_an_order_without_a_service_term() -> None:
    template, why = choose(TERMS, saas(has_service_term=False))
    assert (template.name, why.reason) == ("standard", PlanReason.CREDIT)


def test_product_lines_match_when_some_line_is_of_one() -> None:
    terms = PaymentTerms(
        templates=TERMS.templates,
        plans=(PlanRule(template="monthly_in_arrears", product_lines=("cloud", "presses")),),
    )
    assert choose(terms, profile(has_service_term=True)) == (MONTHLY, PlanChoice(
        template="monthly_in_arrears", reason=PlanReason.RULE, rule=1))  # fmt: skip


def test_a_plan_rule_naming_no_template_is_refused() -> None:
    terms = PaymentTerms(templates=TERMS.templates, plans=(PlanRule(template="nope"),))
    with pytest.raises(InvalidTerms) as refused:
        check_terms(terms)
    assert refused.value.field == "plans"


def test_the_service_term_spans_every_line() -> None:
    spans = [(date(2026, 1, 1), 12), (date(2026, 7, 1), 12)]
    assert service_term(spans) == ServiceTerm(start=date(2026, 1, 1), months=18)
    assert service_term([]) is None


# Periodic milestones

SIGNED_AT = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
YEAR_2026 = ServiceTerm(start=date(2026, 1, 1), months=12)


def monthly(amount: str = "12000.01", term: ServiceTerm = YEAR_2026) -> OpenReceivable:
    return open_receivable(amount, template=MONTHLY, service_term=term, opened_at=SIGNED_AT)


def test_monthly_in_arrears_is_twelve_milestones_summing_to_the_cent() -> None:
    state = given.fold(given.run(monthly()))
    amounts = [m.milestone.amount.amount for m in state.milestones]
    assert amounts == [Decimal("1000.01")] + [Decimal("1000.00")] * 11
    assert sum(amounts) == Decimal("12000.01")
    days = [m.milestone.term.on_date for m in state.milestones]
    assert days[:3] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert days[-1] == date(2026, 12, 31)
    assert [m.milestone.milestone_id for m in state.milestones][-1] == "m12"
    assert state.milestones[0].milestone.term.name == "月费 monthly fee 1/12"


def test_a_month_is_billable_at_its_end_not_before() -> None:
    history = given.run(monthly())
    assert not any(isinstance(e, MilestoneBillable) for e in history)
    jan_30 = datetime(2026, 1, 30, 16, 5, tzinfo=UTC)
    given(*history).when(ReviewMilestones(as_of=jan_30)).then()
    jan_31 = datetime(2026, 1, 31, 16, 5, tzinfo=UTC)
    given(*history).when(ReviewMilestones(as_of=jan_31)).then(
        MilestoneBillable(milestone_id="m1", billable_on=date(2026, 1, 31),
                          due_on=date(2026, 3, 2))
    )  # fmt: skip


def test_annual_in_advance_bills_the_first_year_at_signing() -> None:
    term = ServiceTerm(start=date(2026, 1, 1), months=24)
    command = open_receivable("24000.00", template=ANNUAL, service_term=term, opened_at=SIGNED_AT)
    history = given.run(command)
    state = given.fold(history)
    assert [m.milestone.amount.amount for m in state.milestones] == [Decimal("12000.00")] * 2
    assert [state.status_of(m) for m in state.milestones] == [
        MilestoneStatus.BILLABLE, MilestoneStatus.SCHEDULED]  # fmt: skip
    assert history[-1] == MilestoneBillable(
        milestone_id="m1", billable_on=date(2026, 1, 5), due_on=date(2026, 2, 4)
    )
    a_year_on = datetime(2027, 1, 1, 0, 5, tzinfo=UTC)
    given(*history).when(ReviewMilestones(as_of=a_year_on)).then(
        MilestoneBillable(milestone_id="m2", billable_on=date(2027, 1, 1),
                          due_on=date(2027, 1, 31))
    )  # fmt: skip


def test_a_short_last_year_carries_its_share_of_the_months() -> None:
    term = ServiceTerm(start=date(2026, 1, 1), months=18)
    command = open_receivable("1800.00", template=ANNUAL, service_term=term, opened_at=SIGNED_AT)
    state = given.fold(given.run(command))
    assert [m.milestone.amount.amount for m in state.milestones] == [Decimal(1200), Decimal(600)]
    assert [m.milestone.term.trigger for m in state.milestones] == [Trigger.ANNUAL_IN_ADVANCE] * 2


def test_a_periodic_plan_without_a_service_term_is_refused() -> None:
    given().when(open_receivable(template=MONTHLY)).raises(InvalidTerms, field="term_months")


def test_the_receivable_records_the_plan_and_why() -> None:
    why = PlanChoice(template="standard", reason=PlanReason.CREDIT, detail="credit rating watch")
    state = given.fold(given.run(open_receivable(plan=why)))
    assert (state.template, state.plan) == ("standard", why)


def test_periodic_terms_may_not_wait_for_the_acceptance_report() -> None:
    bad = MilestoneTemplate(name="bad", milestones=(
        msgspec.structs.replace(MONTHLY.milestones[0], needs_acceptance_report=True),))  # fmt: skip
    given().when(open_receivable(template=bad, service_term=YEAR_2026)).raises(
        InvalidTerms, field="needs_acceptance_report"
    )


def test_the_worked_example_in_the_finance_guide() -> None:
    year_end = datetime(2026, 12, 31, 16, 5, tzinfo=UTC)
    billable = given(*given.run(monthly())).when(ReviewMilestones(as_of=year_end)).events()
    due = {e.milestone_id: e.due_on for e in billable if isinstance(e, MilestoneBillable)}
    assert len(due) == 12
    assert (due["m1"], due["m2"], due["m12"]) == (
        date(2026, 3, 2), date(2026, 3, 30), date(2027, 1, 30))  # fmt: skip
