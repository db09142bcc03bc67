"""CustomerCredit events: immutable past-tense facts. New fields get defaults; none is retyped."""

from __future__ import annotations

import msgspec

from domain.receivable.terms import CreditRating
from domain.shared import AwareDatetime


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


CreditEvent = PaymentJudged | CreditRatingChanged
