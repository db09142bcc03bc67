"""The Quote aggregate: drafted, revised, then accepted (or withdrawn), once.

A quote holds the request and its priced lines, priced by the application service
against the catalogue in force (the command carries the result, so `decide`
stays pure). Each revision is priced afresh. The customer accepts one revision
before the quote's validity ends; acceptance names the order captured from it,
whose lines are the accepted revision's priced lines exactly.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import assert_never
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from msgspec.structs import replace

from domain.cpq.pricing import PricedQuote, QuoteRequest
from domain.order.commands import PlaceOrder, order_id_for
from domain.order.events import Channel, QuoteReference
from domain.receivable.terms import CreditRating
from domain.rulebook import ApprovalRules, Route
from domain.shared import AwareDatetime, DomainError, Name, Text, total

_QUOTES_NAMESPACE = uuid5(NAMESPACE_URL, "urn:orderhub:quotes")


def quote_id_for(number: str) -> UUID:
    return uuid5(_QUOTES_NAMESPACE, number)


def order_id_for_quote(number: str) -> UUID:
    """The order a quote becomes: one per quote, whichever revision is accepted."""
    return order_id_for(Channel.DIRECT, f"quote:{number}")


class Renews(msgspec.Struct, frozen=True, kw_only=True):
    """The order lines a renewal quote continues, and the day their term ends."""

    order_id: UUID
    line_ids: tuple[str, ...]
    term_end: date


class QuoteStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


class Terms(msgspec.Struct, frozen=True, kw_only=True):
    """What a revision offers besides its lines."""

    order_type: Name
    promised_delivery: date
    valid_until: date


# --- commands ------------------------------------------------------------------


class DraftQuote(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    number: Name
    customer_name: Name
    salesperson: Name
    terms: Terms
    request: QuoteRequest
    priced: PricedQuote
    drafted_at: AwareDatetime
    renews: Renews | None = None


class ReviseQuote(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    terms: Terms
    request: QuoteRequest
    priced: PricedQuote
    reason: Text
    revised_at: AwareDatetime


class AcceptQuote(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    accepted_by: Name
    accepted_at: AwareDatetime


class WithdrawQuote(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: Text
    at: AwareDatetime


QuoteCommand = DraftQuote | ReviseQuote | AcceptQuote | WithdrawQuote

# --- events --------------------------------------------------------------------


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


def _check_offer(terms: Terms, request: QuoteRequest, priced: PricedQuote, at: date) -> None:
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


def _open(state: QuoteState) -> None:
    if not state.exists:
        raise QuoteNotFound("no such quote")
    if state.status is not QuoteStatus.OPEN:
        raise QuoteClosed(f"the quote is {state.status.value}")


def _not_before(state: QuoteState, at: AwareDatetime, field: str) -> None:
    if state.last_at is not None and at < state.last_at:
        raise InvalidQuote(f"{field} is before the quote's last change", field=field)


def decide(command: QuoteCommand, state: QuoteState) -> list[QuoteEvent]:
    match command:
        case DraftQuote():
            if state.exists:
                raise DuplicateQuote(f"quote {command.number!r} exists", field="number")
            at = command.drafted_at
            _check_offer(command.terms, command.request, command.priced, at.date())
            return [QuoteDrafted(
                number=command.number, customer_name=command.customer_name,
                salesperson=command.salesperson, terms=command.terms, request=command.request,
                priced=command.priced, drafted_at=at, renews=command.renews,
            )]  # fmt: skip
        case ReviseQuote(terms=terms, request=request, priced=priced, revised_at=at):
            _open(state)
            _not_before(state, at, "revised_at")
            if state.request and request.customer_id != state.request.customer_id:
                raise InvalidQuote("a revision is for the same customer", field="customer_id")
            _check_offer(terms, request, priced, at.date())
            return [QuoteRevised(revision=state.revision + 1, terms=terms, request=request,
                                 priced=priced, reason=command.reason, revised_at=at)]  # fmt: skip
        case AcceptQuote(revision=revision, accepted_by=by, accepted_at=at):
            _open(state)
            _not_before(state, at, "accepted_at")
            if revision != state.revision:
                raise StaleRevision(
                    f"revision {revision} was superseded; the current one is {state.revision}",
                    field="revision",
                    current_revision=state.revision,
                )
            assert state.terms is not None
            if at.date() > state.terms.valid_until:
                raise QuoteExpired(
                    f"the quote was valid until {state.terms.valid_until.isoformat()}",
                    field="accepted_at",
                )
            return [QuoteAccepted(revision=revision, accepted_by=by, accepted_at=at,
                                  order_id=order_id_for_quote(state.number))]  # fmt: skip
        case WithdrawQuote(reason=reason, at=at):
            _open(state)
            _not_before(state, at, "at")
            return [QuoteWithdrawn(reason=reason, at=at)]
        case _:
            assert_never(command)


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


def order_from_quote(
    state: QuoteState,
    accept: AcceptQuote,
    *,
    route: Route,
    approval_rules: ApprovalRules,
    credit_rating: CreditRating,
) -> PlaceOrder:
    """The order an accepted revision becomes: its priced lines, exactly."""
    assert state.terms is not None
    assert state.request is not None
    assert state.priced is not None
    priced, request = state.priced, state.request
    reference = QuoteReference(
        quote_id=quote_id_for(state.number), number=state.number, revision=accept.revision,
        accepted_by=accept.accepted_by, catalogue_revision=priced.catalogue_revision,
        pricing_revision=priced.pricing_revision,
        validation_revision=priced.validation_revision, discount_approvals=priced.approvals,
    )  # fmt: skip
    return PlaceOrder(
        order_type=state.terms.order_type, channel=Channel.DIRECT,
        external_ref=f"quote:{state.number}", customer_id=request.customer_id,
        customer_name=state.customer_name, region=request.region,
        salesperson=state.salesperson, currency=priced.currency,
        promised_delivery=state.terms.promised_delivery,
        lines=tuple(line.order_line() for line in priced.lines), placed_at=accept.accepted_at,
        route=route, approval_rules=approval_rules, credit_rating=credit_rating, quote=reference,
    )  # fmt: skip
