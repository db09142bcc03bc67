"""Revenue (ASC 606 / IFRS 15): contracts and their obligations, bookings by month,
fulfilment facts, re-estimates of variable consideration, and period close."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple, get_args
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromQuery, JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.exports import table_file
from api.order_dto import Accepted
from api.reading import WaitFor, WaitTimeout, in_order, in_window, read_model, waited
from api.revenue_dto import (
    BalanceOut,
    Booked,
    BookingOut,
    CarveOut,
    ContractOut,
    FulfilmentIn,
    KnownOut,
    ObligationOut,
    PatternsIn,
    PatternsOut,
    VariableIn,
)
from api.runtime import Runtime, RuntimeDep
from application.intake import Aware
from application.service import CommandMeta
from domain.deciders import REVENUE_CONTRACT, REVENUE_PERIODS
from domain.receivable import receivable_id_for
from domain.receivable.events import CreditNoteIssued, InvoiceIssued
from domain.revenue import ContractIdentified, RevenueEvent, contract_id_for
from domain.revenue.calendar import month_of, months_between
from domain.revenue.ledger import replay, roll_forward
from domain.revenue_periods import (
    PERIODS_ID,
    PeriodClosed,
    PeriodReopened,
    PublishPatterns,
)
from domain.shared import OutOfWindow
from projections import revenue, revenue_disclosures, revenue_queries

Req = Request[Any, Any, Any]
OrderId = Annotated[UUID, Parameter(description="The order whose revenue contract this is")]
Month = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
AMOUNTS = frozenset({"regular", "adjustment", "amount", "opening", "billed", "recognised",
                     "closing", "liability", "asset", "remaining", "within_12_months", "later",
                     "awaiting_fulfilment"})  # fmt: skip
# What the books as known replay: the contract's events, the closes and reopenings.
KNOWN = (*get_args(RevenueEvent), PeriodClosed, PeriodReopened)
Report = Literal[
    "schedule", "waterfall", "remaining-obligations", "balances", "disaggregation", "rpo-bands"
]


def _state(runtime: Runtime, order_id: UUID) -> Any:
    state = runtime.service.load(REVENUE_CONTRACT, contract_id_for(order_id))
    if not state.exists:
        raise NotFoundException(f"no revenue contract for order {order_id}: is it signed?")
    return state


def _not_ahead(runtime: Runtime, on: date) -> None:
    """A fact has happened: dated no later than today where the company is."""
    today = runtime.clock().astimezone(runtime.zone).date()
    if on > today:
        raise OutOfWindow(
            f"on {on.isoformat()} is after today ({today.isoformat()}): record a fact once "
            "it has happened",
            field="on",
        )


def _execute(runtime: Runtime, order_id: UUID, command: Any, meta: CommandMeta, on: date) -> Booked:
    """Run the command; the answer warns if a fact of `on` books in a soft-closed month."""
    accepted = run_command(runtime, REVENUE_CONTRACT, contract_id_for(order_id), command, meta)
    warnings = runtime.service.load(REVENUE_PERIODS, PERIODS_ID).warnings(on)
    return Booked(**msgspec.structs.asdict(accepted), warnings=warnings)


class RevenueController(Controller):
    path = "/revenue"
    tags = ["revenue"]  # noqa: RUF012

    @get("/contracts/{order_id:uuid}", sync_to_thread=True)
    def contract(
        self,
        order_id: OrderId,
        runtime: RuntimeDep,
        as_of: FromQuery[date | None] = None,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> ContractOut:
        """The contract's obligations: SSP, allocated price, booked through the month of
        `as_of` (default today) and what remains."""
        in_window(as_of=as_of)
        day = as_of or runtime.clock().date()
        with read_model(runtime, revenue.NAME, wait_for_position, wait_timeout) as (tx, table):
            rows = revenue_queries.obligations(tx, table, str(order_id), day)
            if not rows:
                raise NotFoundException(f"no revenue contract for order {order_id}: is it signed?")
            ended = revenue_queries.terminated_on(tx, table, rows[0]["contract_id"])
        first = rows[0]
        return ContractOut(
            order_id=order_id, contract_id=UUID(first["contract_id"]),
            contract_number=first["contract_number"], customer_id=first["customer_id"],
            currency=first["currency"], identified_on=date.fromisoformat(first["identified_on"]),
            terminated_on=ended, as_of=day,
            transaction_price=str(sum(Decimal(r["allocated"]) for r in rows)),
            obligations=[
                ObligationOut(
                    obligation_id=r["obligation_id"], kind=r["kind"], pattern=r["pattern"],
                    line_ids=r["line_ids"].split(","), ssp=r["ssp"] or None,
                    allocated=r["allocated"], recognised=r["recognised"],
                    remaining=r["remaining"], removed=r["removed"] == "1",
                )
                for r in rows
            ],
        )  # fmt: skip

    @get("/contracts/{order_id:uuid}/carve", sync_to_thread=True)
    def carve(self, order_id: OrderId, runtime: RuntimeDep) -> list[CarveOut]:
        """Carve-in / carve-out per obligation as the contract was identified: its price,
        the SSP used and why (its own price within the product's SSP range, the nearer
        bound outside it, the stated SSP, or the residual), the amount allocated and the
        difference."""
        identified = next((r.event for r in runtime.service.history(contract_id_for(order_id))
                           if isinstance(r.event, ContractIdentified)), None)  # fmt: skip
        if identified is None:
            raise NotFoundException(f"no revenue contract for order {order_id}: is it signed?")
        allocated = {a.obligation_id: a for a in identified.allocation}
        rows = []
        for o in identified.obligations:
            share = allocated[o.obligation_id]
            carve = share.amount.amount - o.price.amount
            direction = "carve-in" if carve > 0 else "carve-out" if carve < 0 else "none"
            rows.append(CarveOut(
                obligation_id=o.obligation_id, line_ids=list(o.line_ids), price=str(o.price.amount),
                ssp=None if o.ssp is None else str(o.ssp.amount), ssp_basis=list(o.ssp_basis),
                allocation_basis=share.basis.value, allocated=str(share.amount.amount),
                carve=str(carve), direction=direction,
            ))  # fmt: skip
        return rows

    @get("/contracts/{order_id:uuid}/as-known", sync_to_thread=True)
    def as_known(self, order_id: OrderId, at: FromQuery[Aware], runtime: RuntimeDep) -> KnownOut:
        """The contract's books and balances as they stood at the moment `at` (recorded
        time): only the facts, invoices and period closes recorded by then, replayed."""
        contract = runtime.service.history(contract_id_for(order_id))
        if not contract:
            raise NotFoundException(f"no revenue contract for order {order_id}: is it signed?")
        known = [
            (runtime.storage.position_of(r.originator_id, r.originator_version), r.event)
            for r in (*contract, *runtime.service.history(PERIODS_ID))
            if r.timestamp <= at and isinstance(r.event, KNOWN)
        ]
        state, books = replay(event for _, event in sorted(known, key=lambda k: k[0]))
        if not state.exists:
            raise NotFoundException(f"order {order_id} had no revenue contract at {at}")
        billed: dict[date, Decimal] = {}
        for r in runtime.service.history(receivable_id_for(order_id)):
            match r.event:
                case InvoiceIssued(amount=money, issued_at=when) if r.timestamp <= at:
                    key = month_of(when.date())
                    billed[key] = billed.get(key, Decimal(0)) + money.amount
                case CreditNoteIssued(amount=money, issued_at=when) if r.timestamp <= at:
                    key = month_of(when.date())
                    billed[key] = billed.get(key, Decimal(0)) - money.amount
        recognised: dict[date, Decimal] = {}
        for rows in books.values():
            for month, booking in rows.items():
                recognised[month] = recognised.get(month, Decimal(0)) + booking.amount.amount
        assert state.identified_on is not None
        last = max([*billed, *recognised, month_of(state.identified_on)])
        months = months_between(min([*billed, month_of(state.identified_on)]), last)
        return KnownOut(
            order_id=order_id, at=at, version=state.version,
            transaction_price=str(state.transaction_price().amount),
            bookings=[
                BookingOut(obligation_id=oid, month=f"{m:%Y-%m}", regular=str(b.regular.amount),
                           adjustment=str(b.adjustment.amount), amount=str(b.amount.amount))
                for oid, rows in sorted(books.items()) for m, b in sorted(rows.items())
            ],
            balances=[
                BalanceOut(month=f"{b.month:%Y-%m}", opening=str(b.opening), billed=str(b.billed),
                           recognised=str(b.recognised), closing=str(b.closing),
                           liability=str(b.liability), asset=str(b.asset))
                for b in roll_forward(billed, recognised, months)
            ],
        )  # fmt: skip

    @get("/schedule", sync_to_thread=True)
    def schedule(  # noqa: PLR0913 - filters
        self,
        *,
        runtime: RuntimeDep,
        order_id: FromQuery[UUID | None] = None,
        month_from: FromQuery[date | None] = None,
        month_to: FromQuery[date | None] = None,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> list[dict[str, Any]]:
        """Bookings by obligation and month: the schedule's amount (`regular`), any
        adjustment for a closed month, their sum, and the contract event versions behind it."""
        waited(runtime, revenue.NAME, wait_for_position, wait_timeout)
        filters = Filters(order_id=order_id, month_from=month_from, month_to=month_to)
        return _report(runtime, "schedule", filters)

    @get("/waterfall", sync_to_thread=True)
    def waterfall(
        self, runtime: RuntimeDep, month_from: FromQuery[date | None] = None
    ) -> list[dict[str, Any]]:
        """Revenue the backlog will earn, by month from `month_from` (default this month)."""
        return _report(runtime, "waterfall", Filters(month_from=month_from))

    @get("/remaining-obligations", sync_to_thread=True)
    def remaining_obligations(
        self, runtime: RuntimeDep, as_of: FromQuery[date | None] = None
    ) -> list[dict[str, Any]]:
        """Remaining performance obligations by contract: expected within 12 months, later,
        or awaiting a fulfilment fact whose date is not known yet."""
        return _report(runtime, "remaining-obligations", Filters(as_of=as_of))

    @get("/balances", sync_to_thread=True)
    def balances(
        self,
        *,
        runtime: RuntimeDep,
        order_id: FromQuery[UUID | None] = None,
        month_from: FromQuery[date | None] = None,
        month_to: FromQuery[date | None] = None,
    ) -> list[dict[str, Any]]:
        """Contract balances by month: opening + billed - recognised = closing, and the
        closing split into contract liabilities (deferred revenue) and contract assets."""
        filters = Filters(order_id=order_id, month_from=month_from, month_to=month_to)
        return _report(runtime, "balances", filters)

    @get("/export", sync_to_thread=True)
    def export(  # noqa: PLR0913 - the report, its filters and the format
        self,
        *,
        runtime: RuntimeDep,
        report: FromQuery[Report],
        order_id: FromQuery[UUID | None] = None,
        month_from: FromQuery[date | None] = None,
        month_to: FromQuery[date | None] = None,
        as_of: FromQuery[date | None] = None,
        format: FromQuery[Literal["csv", "xlsx"]] = "csv",
    ) -> Response[bytes]:
        """Any revenue report as CSV (UTF-8 with BOM) or XLSX, with the same filters."""
        filters = Filters(order_id=order_id, month_from=month_from, month_to=month_to,
                          as_of=as_of)  # fmt: skip
        rows = _report(runtime, report, filters)
        header = list(rows[0]) if rows else ["month", "currency", "amount"]
        table = [[_cell(k, r[k]) for k in header] for r in rows]
        return table_file(format, f"revenue-{report}", header, table, sheet=f"revenue {report}")

    @post("/contracts/{order_id:uuid}/fulfilments", sync_to_thread=True, status_code=200)
    def fulfil(
        self, request: Req, order_id: OrderId, data: JSONBody[FulfilmentIn], runtime: RuntimeDep
    ) -> Booked:
        """Record a fact that earns revenue: a licence made available, training delivered,
        a service started, costs to date with the latest estimate, a milestone, completion.
        Dated on or after the signing, and not after today in the company's time zone."""
        _state(runtime, order_id)
        _not_ahead(runtime, data.on)
        return _execute(runtime, order_id, data.to_command(), command_meta(request, None), data.on)

    @post("/contracts/{order_id:uuid}/variable-consideration", sync_to_thread=True,
          status_code=200)  # fmt: skip
    def reestimate(
        self, request: Req, order_id: OrderId, data: JSONBody[VariableIn], runtime: RuntimeDep
    ) -> Booked:
        """Estimate (or re-estimate) a variable part of the price, with its constraint."""
        state = _state(runtime, order_id)
        _not_ahead(runtime, data.on)
        command = data.to_command(state.currency)
        return _execute(runtime, order_id, command, command_meta(request, None), data.on)

    @get("/patterns", sync_to_thread=True)
    def patterns(self, runtime: RuntimeDep) -> PatternsOut:
        """How each product kind earns revenue unless an order line says otherwise."""
        by_kind, version = runtime.service.load(REVENUE_PERIODS, PERIODS_ID).by_kind()
        return PatternsOut(version=version, by_kind=by_kind)

    @post("/patterns", sync_to_thread=True, status_code=200)
    def publish_patterns(
        self, request: Req, data: JSONBody[PatternsIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish the satisfaction pattern of product kinds (kinds left out keep the
        default); contracts identified from then on use them."""
        command = PublishPatterns(by_kind=data.by_kind)
        meta = command_meta(request, None)
        return run_command(runtime, REVENUE_PERIODS, PERIODS_ID, command, meta)


class Filters(NamedTuple):
    order_id: UUID | None = None
    month_from: date | None = None
    month_to: date | None = None
    as_of: date | None = None

    def checked(self) -> Filters:
        """The filters, or 422 naming a date outside the window or a range backwards."""
        in_order(("month_from", self.month_from), ("month_to", self.month_to))
        in_window(as_of=self.as_of)
        return self


def _cell(column: str, value: Any) -> Any:
    if column in AMOUNTS:
        return Decimal(value)
    return " ".join(map(str, value)) if isinstance(value, list) else value


def _report(runtime: Runtime, report: Report, f: Filters) -> list[dict[str, Any]]:
    f = f.checked()
    copy = runtime.projections[revenue.NAME].copy
    today = runtime.clock().date()
    order_id = None if f.order_id is None else str(f.order_id)
    with runtime.storage.read_store.transaction(commit=False) as tx:
        match report:
            case "schedule":
                rows = revenue_queries.bookings(tx, copy, order_id=order_id, first=f.month_from,
                                                last=f.month_to)  # fmt: skip
                for row in rows:
                    row["versions"] = msgspec.json.decode(row["versions"])
                return rows
            case "waterfall":
                return revenue_queries.waterfall(tx, copy, f.month_from or today)
            case "remaining-obligations":
                return revenue_queries.remaining_obligations(tx, copy, f.as_of or today)
            case "disaggregation":
                first = f.month_from or today
                return revenue_disclosures.disaggregation(tx, copy, first, f.month_to or first)
            case "rpo-bands":
                return revenue_disclosures.rpo_bands(tx, copy, f.as_of or today)
            case "balances":
                first = month_of(f.month_from or today)
                last = month_of(f.month_to or f.month_from or today)
                if last < first or len(months_between(first, last)) > 240:
                    raise ValidationException(
                        "month_to must not be before month_from, at most 20 years on",
                        extra=[{"key": "month_to", "message": "out of range"}],
                    )
                return revenue_queries.balances(tx, copy, months_between(first, last), order_id)
