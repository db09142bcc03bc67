"""Quote routes: price a configuration, draft and revise quotes, accept one into an order.

Every request is priced against the catalogue in force on the day its time names,
and refused with every broken rule listed (422, `details.violations`). Accepting
a revision captures the order with that revision's priced lines exactly, then
marks the quote accepted; the policy when_order_placed_from_quote_accept_quote
finishes the second step if the first is all that happened.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, JSONBody, Parameter

from api import order_dto as dto
from api import printing
from api.commanding import answered, command_meta, run_command
from api.exports import Format, FormatParam, exported, listed
from api.reading import Offset, WaitFor, WaitTimeout, read_model
from api.runtime import Runtime, RuntimeDep
from application.capture import (
    capture_accepted,
    capture_rules,
    catalogue_on,
    order_command_id,
)
from application.intake import Version
from domain.cpq.pricing import PricedQuote, QuoteRequest, price
from domain.cpq.quote import (
    AcceptQuote,
    DraftQuote,
    QuoteState,
    QuoteStatus,
    ReviseQuote,
    Terms,
    WithdrawQuote,
    quote_id_for,
)
from domain.deciders import QUOTE
from domain.print_templates import PrintKind
from domain.shared import AwareDatetime, Name, Text
from projections import sales
from projections.sales_queries import QUOTE_FILTERS, quote_rows

Req = Request[Any, Any, Any]
QuoteId = Annotated[UUID, Parameter(description="The quote's id")]


class PriceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    request: QuoteRequest
    on: date | None = None  # the pricing day (default: today)


class QuoteIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    number: Name
    customer_name: Name
    salesperson: Name
    terms: Terms
    request: QuoteRequest
    at: AwareDatetime


class ReviseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    terms: Terms
    request: QuoteRequest
    reason: Text
    at: AwareDatetime
    expected_version: Version = None


class AcceptIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    revision: int
    accepted_by: Name  # who signed for the customer
    at: AwareDatetime


class WithdrawIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: Text
    at: AwareDatetime
    expected_version: Version = None


class QuoteAcceptedOut(msgspec.Struct, kw_only=True):
    order: dto.Accepted
    quote: dto.Accepted


class QuoteOut(msgspec.Struct, kw_only=True):
    quote_id: UUID
    version: int
    number: str
    status: str
    revision: int
    customer_name: str
    salesperson: str
    terms: Terms
    request: QuoteRequest
    priced: PricedQuote
    order_id: UUID | None


class QuoteSummary(msgspec.Struct, kw_only=True):
    quote_id: str
    number: str
    customer_id: str
    customer_name: str
    salesperson: str
    region: str
    currency: str
    revision: int
    status: str
    total: str
    purpose: str
    drafted_on: str
    valid_until: str
    closed_on: str
    order_id: str
    renews_order_id: str


class QuotePage(msgspec.Struct, kw_only=True):
    total: int
    items: list[QuoteSummary]


def _priced(runtime: Runtime, request: QuoteRequest, day: date) -> PricedQuote:
    return price(catalogue_on(runtime.service, day), request)


def _quote(runtime: Runtime, quote_id: UUID) -> QuoteState:
    state = runtime.service.load(QUOTE, quote_id)
    if not state.exists:
        raise NotFoundException(f"no quote {quote_id}")
    return state


class QuoteController(Controller):
    path = "/quotes"
    tags = ["quotes"]  # noqa: RUF012

    @post("/price", sync_to_thread=True, status_code=200)
    def price_request(self, data: JSONBody[PriceIn], runtime: RuntimeDep) -> PricedQuote:
        """Price and check a configuration without recording anything."""
        return _priced(runtime, data.request, data.on or runtime.clock().date())

    @post("/", sync_to_thread=True, status_code=201)
    def draft(self, request: Req, data: JSONBody[QuoteIn], runtime: RuntimeDep) -> dto.Accepted:
        """Draft a quote: priced on the day of `at`, refused with every broken rule named."""
        command = DraftQuote(
            number=data.number, customer_name=data.customer_name, salesperson=data.salesperson,
            terms=data.terms, request=data.request,
            priced=_priced(runtime, data.request, data.at.date()), drafted_at=data.at,
        )  # fmt: skip
        meta = command_meta(request, None)
        return run_command(runtime, QUOTE, quote_id_for(data.number), command, meta)

    @post("/{quote_id:uuid}/revisions", sync_to_thread=True, status_code=200)
    def revise(
        self, request: Req, quote_id: QuoteId, data: JSONBody[ReviseIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Revise an open quote; the revision is priced afresh on the day of `at`."""
        _quote(runtime, quote_id)
        command = ReviseQuote(terms=data.terms, request=data.request, reason=data.reason,
                              priced=_priced(runtime, data.request, data.at.date()),
                              revised_at=data.at)  # fmt: skip
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, QUOTE, quote_id, command, meta)

    @post("/{quote_id:uuid}/accept", sync_to_thread=True, status_code=200)
    def accept(
        self, request: Req, quote_id: QuoteId, data: JSONBody[AcceptIn], runtime: RuntimeDep
    ) -> QuoteAcceptedOut:
        """The customer accepts a revision: the order is captured with its priced lines."""
        state = _quote(runtime, quote_id)
        accept = AcceptQuote(revision=data.revision, accepted_by=data.accepted_by,
                             accepted_at=data.at)  # fmt: skip
        meta = command_meta(request, None)
        if state.status is QuoteStatus.OPEN or not runtime.service.previous_outcome(
            order_command_id(meta)
        ):
            QUOTE.decide(accept, state)  # refused here if stale, expired or closed
        assert state.terms is not None
        assert state.request is not None
        rules = capture_rules(runtime.service, state.terms.order_type, state.request.customer_id)
        order, accepted = capture_accepted(runtime.service, state, accept, rules, meta)
        runtime.notify_written()
        return QuoteAcceptedOut(order=answered(order), quote=answered(accepted))

    @post("/{quote_id:uuid}/withdraw", sync_to_thread=True, status_code=200)
    def withdraw(
        self, request: Req, quote_id: QuoteId, data: JSONBody[WithdrawIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Withdraw an open quote (lost, or superseded by another)."""
        _quote(runtime, quote_id)
        command = WithdrawQuote(reason=data.reason, at=data.at)
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, QUOTE, quote_id, command, meta)

    @get("/{quote_id:uuid}", sync_to_thread=True)
    def read(self, quote_id: QuoteId, runtime: RuntimeDep) -> QuoteOut:
        """The quote as its log has it: current revision, priced lines, status."""
        state = _quote(runtime, quote_id)
        assert state.terms is not None
        assert state.request is not None
        assert state.priced is not None
        return QuoteOut(
            quote_id=quote_id, version=state.version, number=state.number,
            status=state.status.value, revision=state.revision,
            customer_name=state.customer_name, salesperson=state.salesperson,
            terms=state.terms, request=state.request, priced=state.priced,
            order_id=state.order_id,
        )  # fmt: skip

    @get("/{quote_id:uuid}/pdf", sync_to_thread=True, media_type="application/pdf")
    def pdf(self, quote_id: QuoteId, runtime: RuntimeDep) -> Response[bytes]:
        """The current revision as a printable quotation (报价单)."""
        state = _quote(runtime, quote_id)
        document = printing.quote(state, company=runtime.settings.company_name,
                                  today=runtime.clock().date())  # fmt: skip
        return printing.printed(runtime, PrintKind.QUOTE, document,
                                f"{state.number}-r{state.revision}.pdf")  # fmt: skip

    @get("/", sync_to_thread=True, responses=listed(QuotePage))
    def list_quotes(  # noqa: PLR0913
        self,
        *,
        runtime: RuntimeDep,
        status: FromQuery[str | None] = None,
        customer_id: FromQuery[str | None] = None,
        salesperson: FromQuery[str | None] = None,
        purpose: FromQuery[str | None] = None,
        currency: FromQuery[str | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Offset = 0,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
        fmt: FormatParam = Format.JSON,
    ) -> QuotePage | Response[bytes]:
        """The quote list: filter by status, customer, salesperson, purpose
        (new, expansion, renewal), currency."""
        given = dict(zip(QUOTE_FILTERS, (status, customer_id, salesperson, purpose, currency),
                         strict=True))  # fmt: skip
        filters = {k: v for k, v in given.items() if v is not None}
        with read_model(runtime, sales.NAME, wait_for_position, wait_timeout) as (tx, table):
            count, rows = quote_rows(tx, table, filters, limit, offset)
        fields = QuoteSummary.__struct_fields__
        page = QuotePage(total=count, items=[
            QuoteSummary(**{f: row[f] for f in fields}) for row in rows
        ])  # fmt: skip
        return exported(page, fmt, "quotes")
