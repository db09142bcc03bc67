"""Quote state and `evolve`: applies facts, never validates, never reads the clock."""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.cpq.pricing import PricedQuote, QuoteRequest
from domain.cpq.quote.events import (
    QuoteAccepted,
    QuoteDrafted,
    QuoteEvent,
    QuoteRevised,
    QuoteWithdrawn,
    Renews,
    Terms,
)
from domain.shared import AwareDatetime


class QuoteStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


class QuoteState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    number: str = ""
    customer_name: str = ""
    salesperson: str = ""
    revision: int = 0
    terms: Terms | None = None
    request: QuoteRequest | None = None
    priced: PricedQuote | None = None
    status: QuoteStatus = QuoteStatus.OPEN
    last_at: AwareDatetime | None = None
    renews: Renews | None = None
    order_id: UUID | None = None

    @property
    def exists(self) -> bool:
        return self.version > 0


INITIAL = QuoteState()


def evolve(state: QuoteState, event: QuoteEvent) -> QuoteState:
    state = replace(state, version=state.version + 1)
    match event:
        case QuoteDrafted():
            return replace(
                state, number=event.number, customer_name=event.customer_name,
                salesperson=event.salesperson, revision=1, terms=event.terms,
                request=event.request, priced=event.priced, last_at=event.drafted_at,
                renews=event.renews,
            )  # fmt: skip
        case QuoteRevised():
            return replace(state, revision=event.revision, terms=event.terms,
                           request=event.request, priced=event.priced,
                           last_at=event.revised_at)  # fmt: skip
        case QuoteAccepted(accepted_at=at, order_id=order_id):
            return replace(state, status=QuoteStatus.ACCEPTED, last_at=at, order_id=order_id)
        case QuoteWithdrawn(at=at):
            return replace(state, status=QuoteStatus.WITHDRAWN, last_at=at)
        case _:
            assert_never(event)
