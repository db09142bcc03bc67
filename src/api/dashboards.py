"""Dashboard routes for managers: each filterable by period, region, product line,
customer, channel and salesperson (`placed_from`/`placed_to` select the period),
and able to wait for a log position like every read (`wait_for_position`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, Parameter

from api.problems import WaitFor, WaitTimeout, read_after
from api.read_cache import question
from api.runtime import Runtime, RuntimeDep
from domain.rulebook import DEFAULT_STAGE_DAYS, RULEBOOK_ID, HealthWeights
from domain.service import RULEBOOK
from projections import dashboards as board
from projections import kpis
from projections.order_list import NAME

FiltersDep = NamedDependency[board.Filters]
Req = Request[Any, Any, Any]
Answer = Response[bytes]  # JSON, kept until the order list moves on
Month = Annotated[str, Parameter(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]


def _filters(  # noqa: PLR0913, PLR0917 - one query parameter each
    placed_from: FromQuery[date | None] = None,
    placed_to: FromQuery[date | None] = None,
    region: FromQuery[str | None] = None,
    customer_id: FromQuery[str | None] = None,
    channel: FromQuery[str | None] = None,
    salesperson: FromQuery[str | None] = None,
    order_type: FromQuery[str | None] = None,
    product_line: FromQuery[str | None] = None,
) -> board.Filters:
    return board.Filters(
        placed_from=placed_from,
        placed_to=placed_to,
        region=region,
        customer_id=customer_id,
        channel=channel,
        salesperson=salesperson,
        order_type=order_type,
        product_line=product_line,
    )


class Wait(msgspec.Struct, frozen=True):
    """How far the order list must have come before it is read (read-your-writes)."""

    position: int | None
    timeout: float


def _wait(wait_for_position: WaitFor = None, wait_timeout: WaitTimeout = 5.0) -> Wait:
    return Wait(wait_for_position, wait_timeout)


WaitDep = NamedDependency[Wait]


def _waited(runtime: Runtime, wait: Wait) -> None:
    read_after(runtime.projections[NAME], wait.position, wait.timeout)


def _orders(runtime: Runtime, filters: FiltersDep) -> list[dict[str, Any]]:
    with runtime.storage.read_store.transaction(commit=False) as tx:
        return board.orders(tx, runtime.projections[NAME].copy, filters)


def _visits(runtime: Runtime, filters: FiltersDep) -> list[dict[str, Any]]:
    with runtime.storage.read_store.transaction(commit=False) as tx:
        return board.stage_visits(tx, runtime.projections[NAME].copy, filters)


async def _answer(request: Req, runtime: Runtime, wait: Wait, compute: Callable[[], Any]) -> Answer:
    """Boards that are a function of the order list and the query alone: computed once
    per change of the read model (see api.read_cache)."""
    live = runtime.projections[NAME]
    return await runtime.read_cache.answer(
        live, question(request), lambda _position: compute(), wait.position, wait.timeout
    )


class DashboardController(Controller):
    path = "/dashboards"
    tags = ["dashboards"]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "filters": Provide(_filters, sync_to_thread=False),
        "wait": Provide(_wait, sync_to_thread=False),
    }

    @get("/in-progress")
    async def in_progress(
        self, request: Req, runtime: RuntimeDep, filters: FiltersDep, wait: WaitDep
    ) -> Answer:
        """Orders in progress by region (for the map) and by stage."""
        rows = functools.partial(_orders, runtime, filters)
        return await _answer(request, runtime, wait, lambda: board.in_progress(rows()))

    @get("/delivery-cycle")
    async def delivery_cycle(
        self,
        request: Req,
        runtime: RuntimeDep,
        filters: FiltersDep,
        wait: WaitDep,
        granularity: FromQuery[Literal["week", "month"]] = "month",
    ) -> Answer:
        """Average delivery cycle (signed to completed) as a trend by week or month."""
        rows = functools.partial(_orders, runtime, filters)
        return await _answer(
            request, runtime, wait, lambda: board.delivery_cycle(rows(), granularity)
        )

    @get("/margins")
    async def margins(
        self,
        request: Req,
        runtime: RuntimeDep,
        filters: FiltersDep,
        wait: WaitDep,
        by: FromQuery[Literal["customer_id", "product_line"]] = "customer_id",
    ) -> Answer:
        """Gross margin ranking by customer or product line, estimated and actual."""
        rows = functools.partial(_orders, runtime, filters)
        return await _answer(request, runtime, wait, lambda: board.margin_ranking(rows(), by))

    @get("/bottlenecks")
    async def bottlenecks(
        self, request: Req, runtime: RuntimeDep, filters: FiltersDep, wait: WaitDep
    ) -> Answer:
        """Production bottleneck heat map: time spent in each stage, by week."""
        visits = functools.partial(_visits, runtime, filters)
        return await _answer(request, runtime, wait, lambda: board.bottlenecks(visits()))

    @get("/operations", sync_to_thread=True)
    def operations(
        self,
        runtime: RuntimeDep,
        filters: FiltersDep,
        wait: WaitDep,
        as_of: FromQuery[datetime | None] = None,
    ) -> dict[str, Any]:
        """Average time per stage, orders past their stage deadline, approvals waiting."""
        _waited(runtime, wait)
        moment = as_of or datetime.now(UTC)
        rows = _orders(runtime, filters)
        book = runtime.service.load(RULEBOOK, RULEBOOK_ID)
        deadlines = book.deadlines.days if book.deadlines else DEFAULT_STAGE_DAYS
        return board.operations(rows, _visits(runtime, filters), deadlines, moment)

    @get("/kpis")
    async def kpis(  # noqa: PLR0913, PLR0917
        self,
        request: Req,
        runtime: RuntimeDep,
        filters: FiltersDep,
        wait: WaitDep,
        month: FromQuery[Month],
        staff: Annotated[int | None, Parameter(ge=1, description="order-management staff")] = None,
    ) -> Answer:
        """On-time delivery rate, orders per staff per month, profit-margin deviation."""
        rows = functools.partial(_orders, runtime, filters)
        return await _answer(request, runtime, wait, lambda: kpis.kpis(rows(), month, staff))

    @get("/health", sync_to_thread=True)
    def health(
        self,
        runtime: RuntimeDep,
        filters: FiltersDep,
        wait: WaitDep,
        as_of: FromQuery[datetime | None] = None,
    ) -> list[dict[str, Any]]:
        """Red/yellow/green health of each order in progress, worst first."""
        _waited(runtime, wait)
        moment = as_of or datetime.now(UTC)
        book = runtime.service.load(RULEBOOK, RULEBOOK_ID)
        weights = book.health.weights if book.health else HealthWeights()
        return kpis.health(_orders(runtime, filters), moment, weights)

    @get("/subscriptions", sync_to_thread=True)
    def subscriptions(
        self,
        runtime: RuntimeDep,
        filters: FiltersDep,
        wait: WaitDep,
        as_of: FromQuery[datetime | None] = None,
    ) -> dict[str, Any]:
        """Renewal and upsell rates of subscription customers."""
        _waited(runtime, wait)
        return kpis.subscriptions(_orders(runtime, filters), as_of or datetime.now(UTC))

    @get("/sales", sync_to_thread=True)
    def sales(
        self,
        runtime: RuntimeDep,
        filters: FiltersDep,
        wait: WaitDep,
        by: FromQuery[Literal["product_line", "region", "channel", "customer_id"]] = "product_line",
    ) -> list[dict[str, Any]]:
        """Revenue and orders by product line, region, channel or customer."""
        _waited(runtime, wait)
        return kpis.sales(_orders(runtime, filters), by)
