"""Dashboard routes for managers: each filterable by period, region, product line,
customer, channel and salesperson (`placed_from`/`placed_to` select the period),
and able to wait for a log position like every read (`wait_for_position`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, TypeVar

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, Parameter

from api.reading import Month, WaitFor, WaitTimeout, kept_answer, waited
from api.runtime import Runtime, RuntimeDep
from domain.deciders import RULEBOOK
from domain.order_alert import DEFAULT_EXCEPTION_RULES
from domain.rulebook import DEFAULT_STAGE_DAYS, RULEBOOK_ID, HealthWeights
from infrastructure.read_store import Tx
from projections import dashboards as board
from projections import kpis, order_alerts
from projections import order_progress as progress
from projections.order_list import NAME

T = TypeVar("T")
Req = Request[Any, Any, Any]
Answer = Response[bytes]  # JSON, kept until the order list moves on


@dataclass(frozen=True, slots=True)
class Board:
    """What a dashboard request asks of the order list: which orders, and how far the
    read model must have come first (read-your-writes)."""

    runtime: Runtime
    filters: board.Filters
    wait_for_position: int | None
    wait_timeout: float

    def waited(self) -> None:
        waited(self.runtime, NAME, self.wait_for_position, self.wait_timeout)

    def read(self, board_of: Callable[..., T], *args: Any) -> T:
        """`board_of(tx, table, filters, *args)` over the order list in service. Its
        statements each read the read model as it stands when they run: an answer
        kept under a position shows at least that position (see api.read_cache)."""
        with self.runtime.storage.read_store.reading() as tx:
            return board_of(tx, self.runtime.projections[NAME].copy, self.filters, *args)

    async def answer(self, request: Req, compute: Callable[[], Any]) -> Answer:
        """Boards that are a function of the order list and the query alone: computed
        once per change of the read model (see api.read_cache)."""
        return await kept_answer(
            self.runtime, request, NAME, lambda _position: compute(),
            self.wait_for_position, self.wait_timeout,
        )  # fmt: skip


def _board(  # noqa: PLR0913, PLR0917 - one query parameter each
    runtime: RuntimeDep,
    placed_from: FromQuery[date | None] = None,
    placed_to: FromQuery[date | None] = None,
    region: FromQuery[str | None] = None,
    customer_id: FromQuery[str | None] = None,
    channel: FromQuery[str | None] = None,
    salesperson: FromQuery[str | None] = None,
    order_type: FromQuery[str | None] = None,
    product_line: FromQuery[str | None] = None,
    wait_for_position: WaitFor = None,
    wait_timeout: WaitTimeout = 5.0,
) -> Board:
    filters = board.Filters(
        placed_from=placed_from,
        placed_to=placed_to,
        region=region,
        customer_id=customer_id,
        channel=channel,
        salesperson=salesperson,
        order_type=order_type,
        product_line=product_line,
    )
    return Board(runtime, filters, wait_for_position, wait_timeout)


# One dependency (itself on the runtime's): Litestar resolves sibling dependencies in
# a task group of their own, a fifth of a kept board's time when there were three.
BoardDep = NamedDependency[Board]


class DashboardController(Controller):
    path = "/dashboards"
    tags = ["dashboards"]  # noqa: RUF012
    dependencies = {"asked": Provide(_board, sync_to_thread=False)}  # noqa: RUF012

    @get("/in-progress")
    async def in_progress(self, request: Req, asked: BoardDep) -> Answer:
        """Orders in progress by region (for the map) and by stage."""
        return await asked.answer(request, lambda: asked.read(board.in_progress))

    @get("/delivery-cycle")
    async def delivery_cycle(
        self,
        request: Req,
        asked: BoardDep,
        granularity: FromQuery[Literal["week", "month"]] = "month",
    ) -> Answer:
        """Average delivery cycle (signed to completed) as a trend by week or month."""
        return await asked.answer(request, lambda: asked.read(board.delivery_cycle, granularity))

    @get("/margins")
    async def margins(
        self,
        request: Req,
        asked: BoardDep,
        by: FromQuery[Literal["customer_id", "product_line"]] = "customer_id",
    ) -> Answer:
        """Gross margin ranking by customer or product line, estimated and actual."""
        return await asked.answer(request, lambda: asked.read(board.margin_ranking, by))

    @get("/bottlenecks")
    async def bottlenecks(self, request: Req, asked: BoardDep) -> Answer:
        """Production bottleneck heat map: time spent in each stage, by week."""
        return await asked.answer(request, lambda: asked.read(board.bottlenecks))

    @get("/operation-bottlenecks")
    async def operation_bottlenecks(self, request: Req, asked: BoardDep) -> Answer:
        """Bottleneck heat map per production operation (生产瓶颈工序热力图): the time each
        operation took, by the week it started (finished operations)."""
        return await asked.answer(request, lambda: asked.read(progress.operation_heat))

    @get("/production", sync_to_thread=True)
    def production(self, asked: BoardDep) -> dict[str, Any]:
        """The operations board: each order in progress with its predicted completion, how
        it was derived (plan, stock or a date entered, and by whom), how many days past
        the promise that is and the exception level it reaches, and the operation under
        way; latest first, with a count per level."""
        asked.waited()
        book = asked.runtime.service.load(RULEBOOK, RULEBOOK_ID)
        rules = book.exception_rules.rules if book.exception_rules else DEFAULT_EXCEPTION_RULES
        return asked.read(progress.production_board, rules)

    @get("/operations", sync_to_thread=True)
    def operations(
        self, asked: BoardDep, as_of: FromQuery[datetime | None] = None
    ) -> dict[str, Any]:
        """Average time per stage, orders past their stage deadline, approvals waiting."""
        asked.waited()
        moment = as_of or datetime.now(UTC)
        book = asked.runtime.service.load(RULEBOOK, RULEBOOK_ID)
        deadlines = book.deadlines.days if book.deadlines else DEFAULT_STAGE_DAYS
        return asked.read(board.operations, deadlines, moment)

    @get("/kpis")
    async def kpis(
        self,
        request: Req,
        asked: BoardDep,
        month: FromQuery[Month],
        staff: Annotated[int | None, Parameter(ge=1, description="order-management staff")] = None,
    ) -> Answer:
        """On-time delivery rate, orders per staff per month, profit-margin deviation."""
        return await asked.answer(request, lambda: asked.read(kpis.kpis, month, staff))

    @get("/health", sync_to_thread=True)
    def health(
        self, asked: BoardDep, as_of: FromQuery[datetime | None] = None
    ) -> list[dict[str, Any]]:
        """Red/yellow/green health of each order in progress, worst first."""
        asked.waited()
        moment = as_of or datetime.now(UTC)
        book = asked.runtime.service.load(RULEBOOK, RULEBOOK_ID)
        weights = book.health.weights if book.health else HealthWeights()
        alerts = asked.runtime.projections[order_alerts.NAME].copy

        def with_levels(tx: Tx, table: str, filters: Any) -> list[dict[str, Any]]:
            levels = order_alerts.open_levels(tx, alerts)
            return kpis.health(tx, table, filters, moment, weights, levels)

        return asked.read(with_levels)

    @get("/subscriptions", sync_to_thread=True)
    def subscriptions(
        self, asked: BoardDep, as_of: FromQuery[datetime | None] = None
    ) -> dict[str, Any]:
        """Renewal and upsell rates of subscription customers."""
        asked.waited()
        return asked.read(kpis.subscriptions, as_of or datetime.now(UTC))

    @get("/sales", sync_to_thread=True)
    def sales(
        self,
        asked: BoardDep,
        by: FromQuery[Literal["product_line", "region", "channel", "customer_id"]] = "product_line",
    ) -> list[dict[str, Any]]:
        """Revenue and orders by product line, region, channel or customer."""
        asked.waited()
        return asked.read(kpis.sales, by)
