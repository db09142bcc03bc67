"""Production operation routes (工序): the shop floor starts and finishes the operations
of an order's plan while it is in production.

The operations are those of the stage plan of the order's kind and product line
(`POST /rulebook/stage-plans`); each is started once, by a team, and finished after
it started. The order's predicted completion follows them, and the bottleneck heat map
(`GET /dashboards/operation-bottlenecks`) shows the time each operation took.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post
from litestar.params import JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.order_dto import Accepted, OrderId
from api.runtime import RuntimeDep
from application.intake import Aware, In
from domain.deciders import ORDER, RULEBOOK
from domain.order.commands import FinishOperation, StartOperation
from domain.rulebook import DEFAULT_STAGE_PLANS, RULEBOOK_ID, StagePlans

Req = Request[Any, Any, Any]
OperationCode = Annotated[
    str, Parameter(description="the operation's code in the stage plan, e.g. machining")
]


class StartOperationIn(In, kw_only=True, forbid_unknown_fields=True):
    at: Aware
    team: Annotated[str, msgspec.Meta(max_length=200)] = ""


class FinishOperationIn(In, kw_only=True, forbid_unknown_fields=True):
    at: Aware
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ProductionController(Controller):
    path = "/orders/{order_id:uuid}/operations"
    tags = ["production"]  # noqa: RUF012

    @post("/{operation:str}/start", sync_to_thread=True, status_code=200)
    def start(
        self,
        request: Req,
        order_id: OrderId,
        operation: OperationCode,
        data: JSONBody[StartOperationIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """Start an operation of the order's plan, by a team (production only, while the
        order is in production; each operation once)."""
        book = runtime.service.load(RULEBOOK, RULEBOOK_ID)
        plans = book.plans or StagePlans(version=0, plans=DEFAULT_STAGE_PLANS)
        command = StartOperation(operation=operation, at=data.at, plans=plans, team=data.team)
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, ORDER, order_id, command, meta)

    @post("/{operation:str}/finish", sync_to_thread=True, status_code=200)
    def finish(
        self,
        request: Req,
        order_id: OrderId,
        operation: OperationCode,
        data: JSONBody[FinishOperationIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """Finish an operation that was started (not before it started)."""
        command = FinishOperation(operation=operation, at=data.at, note=data.note)
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, ORDER, order_id, command, meta)
