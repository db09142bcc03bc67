"""Order alert events: an alert raised (or moved between levels), responded to, closed."""

from __future__ import annotations

from uuid import UUID

import msgspec

from domain.shared import AwareDatetime


class AlertRaised(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """An alert is now at `level` (raised, re-assessed or escalated, as `why` says)."""

    order_id: UUID
    level: str
    previous: str  # "" when newly raised
    why: str  # raised | reassessed | escalated | incident
    reason: str
    owners: tuple[str, ...]
    action: str
    respond_by: AwareDatetime
    report_to: tuple[str, ...]
    at: AwareDatetime


class AlertResponded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: str
    note: str
    at: AwareDatetime


class AlertClosed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: str
    resolution: str
    at: AwareDatetime


AlertEvent = AlertRaised | AlertResponded | AlertClosed
