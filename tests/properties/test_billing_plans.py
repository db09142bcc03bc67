"""Periodic billing plans: whatever the term and amount, the periods sum to the cent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.receivable.billing import billable_on
from domain.receivable.plans import ServiceTerm
from domain.receivable.terms import DEFAULT_PAYMENT_TERMS, PERIODIC, MilestoneTemplate
from domain.shared import Money
from domain.testing import money, receivable_spec
from tests.domain.receivable_examples import open_receivable

PERIODIC_PLANS = [t for t in DEFAULT_PAYMENT_TERMS.templates
                  if any(m.trigger in PERIODIC for m in t.milestones)]  # fmt: skip
terms = st.builds(
    ServiceTerm,
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    months=st.integers(min_value=1, max_value=120),
)
amounts = st.sampled_from(["CNY", "USD", "JPY", "KWD"]).flatmap(
    lambda currency: money(currency, min_value=Decimal("0.01"))
)


@settings(max_examples=150, deadline=None)
@given(
    template=st.sampled_from(PERIODIC_PLANS),
    term=terms,
    amount=amounts,
    # Signed up to two years before the term starts, or in its first months.
    signed=st.integers(min_value=-730, max_value=300),
)
def test_periodic_milestones_sum_to_the_contract_on_increasing_days(
    template: MilestoneTemplate, term: ServiceTerm, amount: Money, signed: int
) -> None:
    signed_on = term.start + timedelta(days=signed)
    signed_at = datetime.combine(signed_on, datetime.min.time(), tzinfo=UTC)
    command = open_receivable(template=template, service_term=term, opened_at=signed_at,
                              contract_amount=amount)  # fmt: skip
    state = receivable_spec.fold(receivable_spec.run(command))
    parts = [m.milestone.amount for m in state.milestones]
    assert sum(p.amount for p in parts) == amount.rounded().amount
    assert all(p.rounded() == p and p.amount >= 0 for p in parts)
    days = [billable_on(m.milestone.term, state.facts) for m in state.milestones]
    known = [d for d in days if d is not None]
    assert len(known) == len(days)
    assert all(a < b for a, b in pairwise(known))
