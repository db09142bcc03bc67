"""Order exception routes: the open L1-L4 alerts, and the owners' response and closing."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.exports import Format, FormatParam, exported, listed
from api.order_dto import Accepted
from api.reading import WaitFor, WaitTimeout, read_model
from api.runtime import RuntimeDep
from application.intake import Aware, In, Name, Text
from domain.deciders import ORDER_ALERT
from domain.order_alert import CloseAlert, RespondToAlert, order_alert_id
from projections import order_alerts

Req = Request[Any, Any, Any]
OrderId = Annotated[UUID, Parameter(description="The order the exception is about")]


class RespondIn(In, kw_only=True, forbid_unknown_fields=True):
    by: Name
    note: Text
    at: Aware


class CloseIn(In, kw_only=True, forbid_unknown_fields=True):
    by: Name
    resolution: Text
    at: Aware


class AlertController(Controller):
    path = "/exceptions"
    tags = ["exceptions"]  # noqa: RUF012

    @get("/", sync_to_thread=True, responses=listed(list[dict[str, Any]]))
    def list_alerts(  # noqa: PLR0913 - the list's filters
        self,
        *,
        runtime: RuntimeDep,
        open_only: FromQuery[bool] = True,
        level: FromQuery[Annotated[str, msgspec.Meta(pattern=r"^L[1-4]$")] | None] = None,
        order_id: FromQuery[UUID | None] = None,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
        fmt: FormatParam = Format.JSON,
    ) -> list[dict[str, Any]] | Response[bytes]:
        """Order exceptions, highest level and earliest deadline first: level, reason, owners,
        the action the level asks for, the response deadline, response and closing.
        Filters: `open_only` (default true), `level` (L1-L4), `order_id` (one order's)."""
        with read_model(runtime, order_alerts.NAME, wait_for_position, wait_timeout) as (tx, table):
            found = order_alerts.alerts(tx, table, open_only=open_only, level=level,
                                        order_id=str(order_id) if order_id else None)  # fmt: skip
        return exported(found, fmt, "exceptions")

    @post("/{order_id:uuid}/respond", sync_to_thread=True, status_code=200)
    def respond(
        self, request: Req, order_id: OrderId, data: JSONBody[RespondIn], runtime: RuntimeDep
    ) -> Accepted:
        """An owner responds (what is being done): the alert no longer escalates."""
        command = RespondToAlert(by=data.by, note=data.note, at=data.at)
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, ORDER_ALERT, order_alert_id(order_id), command, meta)

    @post("/{order_id:uuid}/close", sync_to_thread=True, status_code=200)
    def close(
        self, request: Req, order_id: OrderId, data: JSONBody[CloseIn], runtime: RuntimeDep
    ) -> Accepted:
        """Close the exception with its resolution (an L4 is only ever closed this way)."""
        command = CloseAlert(by=data.by, resolution=data.resolution, at=data.at)
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, ORDER_ALERT, order_alert_id(order_id), command, meta)
