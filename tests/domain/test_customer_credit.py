"""Customer credit: on-time streaks earn priority, late payment puts a customer on watch."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.customer_credit import CreditRatingChanged, JudgePayment, PaymentJudged
from domain.receivable.terms import CreditRating, CreditRules
from domain.testing import credit_spec as given

DUE = date(2026, 3, 1)
RULES = CreditRules()


def judge(n: int, settled_on: date | None, rules: CreditRules = RULES) -> JudgePayment:
    return JudgePayment(
        customer_id="C-001",
        invoice_key=f"R:INV-{n}",
        invoice_number=f"INV-{n}",
        due_on=DUE,
        settled_on=settled_on,
        at=datetime(2026, 3, 10, tzinfo=UTC) + timedelta(days=n),
        rules=rules,
    )


def test_three_consecutive_on_time_payments_earn_priority_with_the_reason() -> None:
    history = given.run(judge(1, DUE), judge(2, DUE))
    events = given(*history).when(judge(3, DUE - timedelta(days=1))).events()
    assert events[-1] == CreditRatingChanged(
        customer_id="C-001",
        previous=CreditRating.STANDARD,
        rating=CreditRating.PRIORITY,
        reason="3 consecutive on-time payments, the latest for invoice INV-3",
        at=judge(3, DUE).at,
    )


def test_a_late_payment_puts_the_customer_on_watch_and_resets_the_streak() -> None:
    history = given.run(judge(1, DUE), judge(2, DUE), judge(3, DUE))
    late = given(*history).when(judge(4, DUE + timedelta(days=12))).state()
    assert (late.rating, late.on_time_streak) == (CreditRating.WATCH, 0)
    events = given(*history).when(judge(4, DUE + timedelta(days=12))).events()
    assert isinstance(events[-1], CreditRatingChanged)
    assert events[-1].reason == "invoice INV-4 was settled 12 days after its due date"


def test_an_on_time_payment_lifts_the_watch() -> None:
    history = given.run(judge(1, DUE + timedelta(days=5)))
    assert given(*history).when(judge(2, DUE)).state().rating is CreditRating.STANDARD


def test_an_invoice_on_a_dunning_list_counts_as_late() -> None:
    events = given().when(judge(1, None)).events()
    assert events[0] == PaymentJudged(
        customer_id="C-001", invoice_key="R:INV-1", invoice_number="INV-1",
        on_time=False, days_late=10, at=judge(1, None).at,
    )  # fmt: skip
    assert isinstance(events[1], CreditRatingChanged)
    assert events[1].reason == "invoice INV-1 is 10 days overdue and on a dunning list"


def test_an_invoice_is_judged_once() -> None:
    history = given.run(judge(1, None))
    given(*history).when(judge(1, DUE)).then()


def test_grace_days_are_configurable() -> None:
    lenient = CreditRules(grace_days=5)
    state = given().when(judge(1, DUE + timedelta(days=5), lenient)).state()
    assert state.rating is CreditRating.STANDARD
    assert state.on_time_streak == 1
    streak_of_one = CreditRules(on_time_streak_for_priority=1)
    assert given().when(judge(1, DUE, streak_of_one)).state().rating is CreditRating.PRIORITY
