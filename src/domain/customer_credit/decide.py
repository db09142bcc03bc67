"""`decide`: judges a payment and re-rates the customer when the judgement says so."""

from __future__ import annotations

from typing import assert_never

from domain.customer_credit import rules
from domain.customer_credit.commands import CreditCommand, JudgePayment
from domain.customer_credit.events import CreditEvent, CreditRatingChanged, PaymentJudged
from domain.customer_credit.state import CreditState


def decide(command: CreditCommand, state: CreditState) -> list[CreditEvent]:
    match command:
        case JudgePayment():
            if rules.already_judged(state, command.invoice_key):
                return []
            on_time, days_late = rules.judgement(command)
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
            rating, streak = rules.rating_after(state, on_time, command.rules)
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


def _reason(command: JudgePayment, days_late: int, streak: int) -> str:
    invoice = command.invoice_number
    if command.settled_on is None:
        return f"invoice {invoice} is {days_late} days overdue and on a dunning list"
    if days_late > command.rules.grace_days:
        return f"invoice {invoice} was settled {days_late} days after its due date"
    return f"{streak} consecutive on-time payments, the latest for invoice {invoice}"
