"""CustomerCredit state and `evolve`: the rating, the on-time streak, the invoices judged."""

from __future__ import annotations

from typing import assert_never

import msgspec
from msgspec.structs import replace

from domain.customer_credit.events import CreditEvent, CreditRatingChanged, PaymentJudged
from domain.receivable.terms import CreditRating


class CreditState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    rating: CreditRating = CreditRating.STANDARD
    on_time_streak: int = 0
    judged: frozenset[str] = frozenset()


INITIAL = CreditState()


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
