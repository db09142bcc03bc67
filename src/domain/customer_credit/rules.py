"""Named credit rules: when a payment is on time, and the rating it leads to."""

from __future__ import annotations

from datetime import timedelta

from domain.customer_credit.commands import JudgePayment
from domain.customer_credit.state import CreditState
from domain.receivable.terms import CreditRating, CreditRules


def already_judged(state: CreditState, invoice_key: str) -> bool:
    """An invoice is judged once: settling it after dunning changes nothing."""
    return invoice_key in state.judged


def judgement(command: JudgePayment) -> tuple[bool, int]:
    """Whether the invoice was paid on time, and how many days late.

    Settled within the grace days after its due date is on time; an invoice found
    overdue by dunning is late, counted to the day it was found."""
    settled = command.settled_on or command.at.date()
    days_late = max(0, (settled - command.due_on).days)
    grace = timedelta(days=command.rules.grace_days)
    on_time = command.settled_on is not None and settled <= command.due_on + grace
    return on_time, days_late


def rating_after(state: CreditState, on_time: bool, rules: CreditRules) -> tuple[CreditRating, int]:
    """The rating and on-time streak after one more judged payment."""
    if not on_time:
        return CreditRating.WATCH, 0
    streak = state.on_time_streak + 1
    if streak >= rules.on_time_streak_for_priority:
        return CreditRating.PRIORITY, streak
    if state.rating is CreditRating.WATCH:
        return CreditRating.STANDARD, streak
    return state.rating, streak
