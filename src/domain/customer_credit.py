"""Customer credit: how reliably a customer pays, and the rating that follows from it.

Seed 000 五: three on-time payments in a row earn priority scheduling on the next
order; paying late raises the prepayment on the next order. Each settled invoice
is judged once (on time, or how late), and a dunning list that names an invoice
judges it late then; each change of rating is an event that says why.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import assert_never
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from msgspec.structs import replace

from domain.receivable.terms import CreditRating, CreditRules
from domain.shared import AwareDatetime, Name

_CUSTOMERS = uuid5(NAMESPACE_URL, "urn:orderhub:customer-credit")


def customer_credit_id(customer_id: str) -> UUID:
    return uuid5(_CUSTOMERS, customer_id)


class JudgePayment(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Judge one invoice: settled on `settled_on`, or found overdue (None) by dunning."""

    customer_id: Name
    invoice_key: Name  # receivable id and invoice number: judged once
    invoice_number: Name
    due_on: date
    settled_on: date | None
    at: AwareDatetime
    rules: CreditRules


class PaymentJudged(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    customer_id: str
    invoice_key: str
    invoice_number: str
    on_time: bool
    days_late: int
    at: AwareDatetime


class CreditRatingChanged(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    customer_id: str
    previous: CreditRating
    rating: CreditRating
    reason: str
    at: AwareDatetime


CreditCommand = JudgePayment
CreditEvent = PaymentJudged | CreditRatingChanged


class CreditState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    rating: CreditRating = CreditRating.STANDARD
    on_time_streak: int = 0
    judged: frozenset[str] = frozenset()


INITIAL = CreditState()


def _rating(state: CreditState, on_time: bool, rules: CreditRules) -> tuple[CreditRating, int]:
    """The rating and on-time streak after one more judged payment."""
    if not on_time:
        return CreditRating.WATCH, 0
    streak = state.on_time_streak + 1
    if streak >= rules.on_time_streak_for_priority:
        return CreditRating.PRIORITY, streak
    if state.rating is CreditRating.WATCH:
        return CreditRating.STANDARD, streak
    return state.rating, streak


def _reason(command: JudgePayment, days_late: int, streak: int) -> str:
    invoice = command.invoice_number
    if command.settled_on is None:
        return f"invoice {invoice} is {days_late} days overdue and on a dunning list"
    if days_late > command.rules.grace_days:
        return f"invoice {invoice} was settled {days_late} days after its due date"
    return f"{streak} consecutive on-time payments, the latest for invoice {invoice}"


def decide(command: CreditCommand, state: CreditState) -> list[CreditEvent]:
    match command:
        case JudgePayment():
            if command.invoice_key in state.judged:
                return []  # an invoice is judged once: settling after dunning changes nothing
            settled = command.settled_on or command.at.date()
            days_late = max(0, (settled - command.due_on).days)
            grace = timedelta(days=command.rules.grace_days)
            on_time = command.settled_on is not None and settled <= command.due_on + grace
            events: list[CreditEvent] = [
                PaymentJudged(
                    customer_id=command.customer_id,
                    invoice_key=command.invoice_key,
                    invoice_number=command.invoice_number,
                    on_time=on_time,
                    days_late=days_late,
                    at=command.at,
                )
            ]
            rating, streak = _rating(state, on_time, command.rules)
            if rating is not state.rating:
                events.append(
                    CreditRatingChanged(
                        customer_id=command.customer_id,
                        previous=state.rating,
                        rating=rating,
                        reason=_reason(command, days_late, streak),
                        at=command.at,
                    )
                )
            return events
        case _:
            assert_never(command)


def evolve(state: CreditState, event: CreditEvent) -> CreditState:
    match event:
        case PaymentJudged(on_time=on_time, invoice_key=key):
            streak = state.on_time_streak + 1 if on_time else 0
            return replace(
                state, version=state.version + 1, on_time_streak=streak, judged=state.judged | {key}
            )
        case CreditRatingChanged(rating=rating):
            return replace(state, version=state.version + 1, rating=rating)
        case _:
            assert_never(event)
