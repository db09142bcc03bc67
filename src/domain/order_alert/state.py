"""Order alert state and `evolve`: applies facts, never validates, never reads the clock."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.order_alert.events import AlertClosed, AlertEvent, AlertRaised, AlertResponded


class AlertState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    order_id: UUID | None = None
    level: str = ""  # "" when no alert is open
    respond_by: datetime | None = None
    responded: bool = False


INITIAL = AlertState()


def evolve(state: AlertState, event: AlertEvent) -> AlertState:
    match event:
        case AlertRaised(level=level, respond_by=by):
            return replace(state, version=state.version + 1, order_id=event.order_id,
                           level=level, respond_by=by, responded=False)  # fmt: skip
        case AlertResponded():
            return replace(state, version=state.version + 1, responded=True)
        case AlertClosed():
            return replace(state, version=state.version + 1, level="", respond_by=None,
                           responded=False)  # fmt: skip
        case _:
            assert_never(event)
