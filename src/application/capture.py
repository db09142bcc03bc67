"""Capturing orders: what a capture pins, quote acceptance, usage charges.

Use cases that read more than one aggregate before they decide: the HTTP routes,
the spreadsheet imports and the demo data set all capture orders through here,
so an order is captured the same way whichever door it comes in by.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple
from uuid import UUID

import msgspec

from application.service import ApplicationService, CommandMeta, Outcome
from domain.contract_terms import ContractTerms
from domain.cpq.catalogue import CATALOGUE_ID, CatalogueView
from domain.cpq.pricing import usage_charge
from domain.cpq.quote import (
    AcceptQuote,
    QuoteState,
    order_from_quote,
    order_id_for_quote,
    quote_id_for,
)
from domain.customer_credit import customer_credit_id
from domain.deciders import CATALOGUE, CUSTOMER_CREDIT, ORDER, QUOTE, REVENUE_PERIODS, RULEBOOK
from domain.order import OrderState
from domain.order.commands import ChangeOrder, PlaceOrder
from domain.order.events import OrderLine
from domain.order.state import changed_lines
from domain.receivable.plans import is_periodic
from domain.receivable.terms import DEFAULT_PAYMENT_TERMS, CreditRating
from domain.revenue.feasibility import contract_of, terms_field, why_not
from domain.revenue_periods import PERIODS_ID
from domain.rulebook import RULEBOOK_ID, ApprovalRules, InvalidRule, Route, WorkflowRules
from domain.shared import DomainError, Money


class CaptureRules(NamedTuple):
    """What capturing an order pins: its type's route, the approval and workflow rules
    in force, the customer's credit rating and catalogue tier."""

    route: Route
    approval: ApprovalRules
    rating: CreditRating
    workflow: WorkflowRules | None = None
    tier: str = ""


def capture_rules(service: ApplicationService, order_type: str, customer_id: str) -> CaptureRules:
    """What capturing an order of `order_type` for `customer_id` pins."""
    rulebook = service.load(RULEBOOK, RULEBOOK_ID)
    route = rulebook.routes.get(order_type)
    if route is None or rulebook.approval is None:
        known = ", ".join(sorted(rulebook.routes))
        raise InvalidRule(
            f"no route for order type {order_type!r}; known: {known}", field="order_type"
        )
    credit = service.load(CUSTOMER_CREDIT, customer_credit_id(customer_id))
    tier = service.load(CATALOGUE, CATALOGUE_ID).customer_tiers.get(customer_id, "")
    return CaptureRules(route, rulebook.approval, credit.rating, rulebook.workflow, tier)


class NoRevenueContract(DomainError):
    rule = "no_revenue_contract"


class UnknownBillingPlan(DomainError):
    rule = "unknown_billing_plan"


def check_billing_plan(service: ApplicationService, place: PlaceOrder) -> None:
    if not place.billing_plan:
        return
    published = service.load(RULEBOOK, RULEBOOK_ID).payment_terms
    terms = published.terms if published else DEFAULT_PAYMENT_TERMS
    template = terms.named(place.billing_plan)
    if template is None:
        known = ", ".join(t.name for t in terms.templates)
        raise UnknownBillingPlan(
            f"no milestone template {place.billing_plan!r}; published: {known}",
            field="billing_plan",
        )
    if is_periodic(template) and not any(line.term_months for line in place.lines):
        raise UnknownBillingPlan(
            f"{template.name!r} bills per period of a service term, and no line has one",
            field="billing_plan",
        )


def check_contract(service: ApplicationService, place: PlaceOrder) -> None:
    """Refuse an order whose signing could make no revenue contract, naming the field:
    asked with the revenue patterns in force, as the signing will be. The order's own
    rules are asked first, so their refusals keep their fields. A billing plan the
    order states must be a published template its lines can be billed by."""
    ORDER.decide(place, ORDER.initial)
    check_billing_plan(service, place)
    _check(service, customer_id=place.customer_id, currency=place.currency,
           day=place.placed_at.date(), lines=place.lines,
           terms=place.revenue_terms or ContractTerms(), when="")  # fmt: skip


def check_change(service: ApplicationService, state: OrderState, change: ChangeOrder) -> None:
    """The same for an unsigned order's change (a signed one is a contract already)."""
    if state.signed_at is not None:
        return
    ORDER.decide(change, state)
    lines = changed_lines(state.lines, added=change.add, removed=change.remove,
                          repriced=change.reprice)  # fmt: skip
    if lines:  # no lines at all is the order's own refusal
        _check(service, customer_id=state.customer_id, currency=state.currency,
               day=change.changed_at.date(), lines=lines,
               terms=state.revenue_terms or ContractTerms(), when="after this change ")  # fmt: skip


def _check(  # noqa: PLR0913 - the parts of an order the contract is made of
    service: ApplicationService,
    *,
    customer_id: str,
    currency: str,
    day: date,
    lines: Sequence[OrderLine],
    terms: ContractTerms,
    when: str,
) -> None:
    by_kind, version = service.load(REVENUE_PERIODS, PERIODS_ID).by_kind()
    identify = contract_of(
        order_id=UUID(int=0), customer_id=customer_id, contract_number="-", currency=currency,
        signed_on=day, lines=lines, terms=terms, by_kind=by_kind, rules_version=version,
    )  # fmt: skip
    error = why_not(identify)
    if error is not None:
        raise NoRevenueContract(
            f"{when}signing this order would make no revenue contract: {error.message}",
            field=terms_field(error, terms),
        )


def catalogue_on(service: ApplicationService, day: date) -> CatalogueView:
    """The catalogue as it is in force on `day`."""
    return service.load(CATALOGUE, CATALOGUE_ID).on(day)


def usage_priced(
    service: ApplicationService, state: OrderState, line_id: str, quantity: Decimal
) -> tuple[Money, int]:
    """A usage report's charge and the pricing revision behind it: the order's quote's,
    else the one in force on the day the order was placed."""
    line = next((ln for ln in state.lines if ln.line_id == line_id), None)
    catalogue = service.load(CATALOGUE, CATALOGUE_ID)
    pinned = state.quote.pricing_revision if state.quote else None
    if pinned is None and state.placed_at is not None:
        in_force = catalogue.on(state.placed_at.date()).pricing
        pinned = in_force.revision if in_force else None
    if line is None or not line.usage_based or pinned is None:
        return Money.zero(state.currency), 0  # the order refuses the report, naming why
    list_price = line.unit_price
    if line.catalogue_revision is not None:
        product = catalogue.product_at(line.product_code, line.catalogue_revision)
        list_price = Money(amount=product.list_prices[state.currency], currency=state.currency)
    before = state.usage.get(line_id, Decimal(0))
    table = catalogue.pricing_at(pinned).table(line.product_code)
    return usage_charge(table, list_price, line.quantity, before, before + quantity), pinned


def acceptance_id(quote_id: UUID) -> str:
    """The command id of a quote's acceptance: the API's, and the safety-net policy's
    that finishes an acceptance the API did not."""
    return f"quote-accepted:{quote_id}"


def order_command_id(meta: CommandMeta) -> str:
    """The command id of the order an acceptance captures."""
    return f"{meta.command_id}:order"


def capture_accepted(
    service: ApplicationService,
    state: QuoteState,
    accept: AcceptQuote,
    rules: CaptureRules,
    meta: CommandMeta,
) -> tuple[Outcome, Outcome]:
    """Accepting a quote: first the order with the revision's priced lines, then the quote's
    acceptance under the command id the safety-net policy uses for the same fact."""
    place = order_from_quote(state, accept, route=rules.route, approval_rules=rules.approval,
                             credit_rating=rules.rating)  # fmt: skip
    place = msgspec.structs.replace(place, workflow=rules.workflow, customer_tier=rules.tier)
    check_contract(service, place)
    quote_id = quote_id_for(state.number)
    order = service.execute(
        ORDER,
        order_id_for_quote(state.number),
        place,
        msgspec.structs.replace(meta, command_id=order_command_id(meta)),
    )
    # The policy's id, so the policy's own command is matched by the command itself.
    system = msgspec.structs.replace(meta, command_id=acceptance_id(quote_id), request_digest="")
    accepted = service.execute(QUOTE, quote_id, accept, system)
    return order, accepted  # fmt: skip
