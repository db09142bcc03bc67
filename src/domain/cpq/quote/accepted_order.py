"""The order an accepted quote becomes: one per quote, its accepted revision's lines exactly."""

from __future__ import annotations

from uuid import UUID

from domain.cpq.quote.commands import AcceptQuote, quote_id_for
from domain.cpq.quote.state import QuoteState
from domain.order.commands import PlaceOrder, order_id_for
from domain.order.events import Channel, QuoteReference
from domain.receivable.terms import CreditRating
from domain.rulebook import ApprovalRules, Route


def order_id_for_quote(number: str) -> UUID:
    """The order a quote becomes: one per quote, whichever revision is accepted."""
    return order_id_for(Channel.DIRECT, f"quote:{number}")


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
