"""The disclosure pack as of a closed month: disaggregation, balances roll-forward, RPO."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.params import FromQuery

from api.reading import Month, in_order, in_window
from api.runtime import Runtime, RuntimeDep
from domain.deciders import ORDER, REVENUE_PERIODS
from domain.order import OrderState
from domain.revenue.calendar import months_between
from domain.revenue_periods import PERIODS_ID
from domain.shared import DomainError, OutOfWindow
from projections import revenue, revenue_disclosures, revenue_queries


class NotClosed(DomainError):
    rule = "period_not_closed"


class DisclosuresOut(msgspec.Struct, kw_only=True):
    month_from: str
    month_to: str  # a closed month: these figures no longer move
    disaggregation: list[dict[str, Any]]  # revenue by currency, kind, timing of transfer
    by_product_line: list[dict[str, Any]]  # revenue by currency and product line
    by_region: list[dict[str, Any]]  # revenue by currency and the order's region
    balances: list[dict[str, Any]]  # contract balances roll-forward, month by month
    remaining_obligations: list[dict[str, Any]]  # at the end of month_to, by time band


def _first(month: str, field: str) -> date:
    """The month's first day, or 422 naming `field` (0000-01 matches YYYY-MM, yet is no
    month), within the business window."""
    try:
        day = date.fromisoformat(f"{month}-01")
    except ValueError as error:
        raise OutOfWindow(f"{field} {month!r} is not a month: {error}", field=field) from None
    in_window(**{field: day})
    return day


def _what_orders_say(
    runtime: Runtime, rows: list[dict[str, Any]]
) -> tuple[dict[str, str], dict[str, str]]:
    """Each obligation's product line(s) and region, as its order says (read from the
    order, which the revenue read model does not follow)."""
    lines: dict[str, str] = {}
    regions: dict[str, str] = {}
    orders: dict[str, OrderState] = {}
    for r in rows:
        order_id = r["order_id"]
        if order_id not in orders:
            orders[order_id] = runtime.service.load(ORDER, UUID(order_id))
        state = orders[order_id]
        product_lines = {ln.line_id: ln.product_line for ln in state.lines}
        key = f"{order_id}:{r['obligation_id']}"
        named = dict.fromkeys(product_lines.get(i, "") for i in r["line_ids"])
        lines[key] = " + ".join(n for n in named if n)
        regions[key] = state.region
    return lines, regions


class DisclosuresController(Controller):
    path = "/revenue/disclosures"
    tags = ["revenue"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def disclosures(
        self,
        runtime: RuntimeDep,
        month_to: FromQuery[Month | None] = None,
        month_from: FromQuery[Month | None] = None,
    ) -> DisclosuresOut:
        """What a controller hands an auditor for the months `month_from` to `month_to`
        (default: the last closed month alone): revenue disaggregated by product kind and
        timing (point in time, over time), the contract balances roll-forward (opening +
        billed - recognised = closing, liabilities and assets), and the remaining
        performance obligations at the end of `month_to` within 12 months, in 13-24
        months, later, and awaiting a fulfilment. `month_to` must be closed (422
        otherwise), so the figures handed over do not move. As CSV or XLSX:
        `/revenue/export?report=disaggregation|balances|rpo-bands`."""
        closed = runtime.service.load(REVENUE_PERIODS, PERIODS_ID).closed_through
        last = _first(month_to, "month_to") if month_to else closed
        if last is None or closed is None or last > closed:
            shown = "none" if closed is None else f"{closed:%Y-%m}"
            raise NotClosed(
                f"month_to {month_to or '(the last closed)'} is not a closed month; closed "
                f"through {shown}: close it first (POST /revenue/periods/close)",
                field="month_to",
            )
        first = _first(month_from, "month_from") if month_from else last
        in_order(("month_from", first), ("month_to", last))
        if len(months_between(first, last)) > 240:
            raise NotClosed("at most 20 years at a time", field="month_from")
        copy = runtime.projections[revenue.NAME].copy
        with runtime.storage.read_store.transaction(commit=False) as tx:
            rows = revenue_disclosures.recognised_by_obligation(tx, copy, first, last)
            lines, regions = _what_orders_say(runtime, rows)
            return DisclosuresOut(
                month_from=f"{first:%Y-%m}", month_to=f"{last:%Y-%m}",
                disaggregation=revenue_disclosures.disaggregation(tx, copy, first, last),
                by_product_line=revenue_disclosures.grouped(rows, "product_line", lines),
                by_region=revenue_disclosures.grouped(rows, "region", regions),
                balances=revenue_queries.balances(tx, copy, months_between(first, last), None),
                remaining_obligations=revenue_disclosures.rpo_bands(tx, copy, last),
            )  # fmt: skip
