"""Quote events: immutable past-tense facts. New fields get defaults; none is retyped."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from domain.cpq.pricing import PricedQuote, QuoteRequest
from domain.shared import AwareDatetime, Name


class Renews(msgspec.Struct, frozen=True, kw_only=True):
    """The order lines a renewal quote continues, and the day their term ends."""

    order_id: UUID
    line_ids: tuple[str, ...]
    term_end: date


class Terms(msgspec.Struct, frozen=True, kw_only=True):
    """What a revision offers besides its lines."""

    order_type: Name
    promised_delivery: date
    valid_until: date


class QuoteDrafted(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    number: str
    customer_name: str
    salesperson: str
    terms: Terms
    request: QuoteRequest
    priced: PricedQuote
    drafted_at: AwareDatetime
    renews: Renews | None = None


class QuoteRevised(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    terms: Terms
    request: QuoteRequest
    priced: PricedQuote
    reason: str
    revised_at: AwareDatetime


class QuoteAccepted(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    accepted_by: str
    accepted_at: AwareDatetime
    order_id: UUID


class QuoteWithdrawn(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: str
    at: AwareDatetime


QuoteEvent = QuoteDrafted | QuoteRevised | QuoteAccepted | QuoteWithdrawn
