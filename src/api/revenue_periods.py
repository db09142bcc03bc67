"""Revenue periods: soft-close and close months, and reopen the last closed one when
finance asks with a reason and an admin, another person, approves."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody, Parameter

from api.commanding import acting_user, command_meta, run_command
from api.order_dto import Accepted
from api.revenue_dto import CloseIn, PeriodsOut, ReopenIn, ReopenRequested
from api.runtime import Runtime, RuntimeDep
from domain.deciders import REVENUE_PERIODS
from domain.revenue_periods import (
    PERIODS_ID,
    ApproveReopen,
    ClosePeriod,
    PeriodCommand,
    RequestReopen,
    SoftClosePeriod,
)

Req = Request[Any, Any, Any]
RequestId = Annotated[int, Parameter(description="The request's number, as its answer gave")]


def _run(request: Req, runtime: Runtime, command: PeriodCommand) -> Accepted:
    return run_command(runtime, REVENUE_PERIODS, PERIODS_ID, command, command_meta(request, None))


class RevenuePeriodsController(Controller):
    path = "/revenue/periods"
    tags = ["revenue"]  # noqa: RUF012

    @get("", sync_to_thread=True)
    def periods(self, runtime: RuntimeDep) -> PeriodsOut:
        """The last closed month, the last soft-closed one past it, and a warning for each
        soft-closed month."""
        state = runtime.service.load(REVENUE_PERIODS, PERIODS_ID)
        last, soft = state.closed_through, state.soft_closed_through
        return PeriodsOut(
            closed_through=None if last is None else f"{last:%Y-%m}",
            soft_closed_through=f"{soft:%Y-%m}" if soft and state.soft_closed(soft) else None,
            warnings=state.warnings(),
        )

    @post("/close", sync_to_thread=True, status_code=200)
    def close(self, request: Req, data: JSONBody[CloseIn], runtime: RuntimeDep) -> Accepted:
        """Close a month (months close in order, once ended): from then on nothing in it
        changes; later facts are booked in the first open month as adjustments."""
        at = data.at or runtime.clock()
        return _run(request, runtime, ClosePeriod(month=data.first_day(), at=at, note=data.note))

    @post("/soft-close", sync_to_thread=True, status_code=200)
    def soft_close(self, request: Req, data: JSONBody[CloseIn], runtime: RuntimeDep) -> Accepted:
        """Soft-close a month (in order, once ended; optional before the close): facts
        dated in it still book in it, and every answer that books there warns."""
        at = data.at or runtime.clock()
        command = SoftClosePeriod(month=data.first_day(), at=at, note=data.note)
        return _run(request, runtime, command)

    @post("/reopen-requests", sync_to_thread=True, status_code=200)
    def request_reopen(
        self, request: Req, data: JSONBody[ReopenIn], runtime: RuntimeDep
    ) -> ReopenRequested:
        """Ask to reopen the last closed month, saying why. It reopens once an admin,
        not the person who asked, approves."""
        command = RequestReopen(month=data.first_day(), reason=data.reason,
                                by=acting_user(request), at=runtime.clock())  # fmt: skip
        accepted = _run(request, runtime, command)
        # The request's number is the periods' version its event has.
        return ReopenRequested(**msgspec.structs.asdict(accepted), request_id=accepted.version)

    @post("/reopen-requests/{request_id:int}/approve", sync_to_thread=True, status_code=200)
    def approve_reopen(self, request: Req, request_id: RequestId, runtime: RuntimeDep) -> Accepted:
        """Approve a request to reopen: the month opens again, and facts dated in it book
        in it; adjustments booked in later months while it was closed stay there."""
        command = ApproveReopen(request_id=request_id, by=acting_user(request), at=runtime.clock())
        return _run(request, runtime, command)
