"""Order alert commands: assessing a delay, reporting an incident, responding, closing.

The exception rules in force arrive on the command, so `decide` stays pure.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.order_alert.levels import ExceptionRules
from domain.shared import AwareDatetime, Name, Text

_ALERTS = uuid5(NAMESPACE_URL, "urn:orderhub:order-alerts")


def order_alert_id(order_id: UUID) -> UUID:
    return uuid5(_ALERTS, str(order_id))


class AssessDelay(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    delay_days: int  # predicted completion minus the contract date
    at: AwareDatetime
    rules: ExceptionRules


class ReportIncident(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    description: Text
    at: AwareDatetime
    rules: ExceptionRules


class RespondToAlert(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: Name
    note: Text
    at: AwareDatetime


class CloseAlert(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: Name
    resolution: Text
    at: AwareDatetime


class CheckResponse(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The clock's turn: an alert nobody responded to in time goes one level up."""

    as_of: AwareDatetime
    rules: ExceptionRules


AlertCommand = AssessDelay | ReportIncident | RespondToAlert | CloseAlert | CheckResponse
