"""Named quote rules: each a small check that raises a DomainError naming itself."""

from __future__ import annotations

from datetime import date

from domain.cpq.pricing import PricedQuote, QuoteRequest
from domain.cpq.quote.events import Terms
from domain.cpq.quote.state import QuoteState, QuoteStatus
from domain.shared import AwareDatetime, DomainError, total


class QuoteNotFound(DomainError):
    rule = "quote_not_found"


class DuplicateQuote(DomainError):
    rule = "duplicate_quote"


class QuoteClosed(DomainError):
    rule = "quote_closed"


class QuoteExpired(DomainError):
    rule = "quote_expired"


class StaleRevision(DomainError):
    rule = "stale_revision"


class InvalidQuote(DomainError):
    rule = "invalid_quote"


def check_offer(terms: Terms, request: QuoteRequest, priced: PricedQuote, at: date) -> None:
    """An offer is priced in the request's currency, its total is the sum of its lines,
    and it is neither valid until nor promised for a day before it is made."""
    if priced.currency != request.currency:
        raise InvalidQuote("the priced quote is not the request's", field="priced")
    if priced.total != total([ln.net for ln in priced.lines], priced.currency):
        raise InvalidQuote("the total is not the sum of the lines", field="priced.total")
    if terms.valid_until < at:
        raise InvalidQuote("valid_until is before the quote is made", field="valid_until")
    if terms.promised_delivery < at:
        raise InvalidQuote(
            "promised_delivery is before the quote is made", field="promised_delivery"
        )


def must_be_open(state: QuoteState) -> None:
    if not state.exists:
        raise QuoteNotFound("no such quote")
    if state.status is not QuoteStatus.OPEN:
        raise QuoteClosed(f"the quote is {state.status.value}")


def must_not_precede_last_change(state: QuoteState, at: AwareDatetime, field: str) -> None:
    if state.last_at is not None and at < state.last_at:
        raise InvalidQuote(f"{field} is before the quote's last change", field=field)
