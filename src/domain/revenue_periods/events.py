"""The revenue periods' events: a month soft-closed, closed, asked to reopen and reopened;
the patterns in force published."""

from __future__ import annotations

from datetime import date

import msgspec

from domain.contract_terms import Satisfaction
from domain.order.events import LineKind
from domain.shared import AwareDatetime


class PeriodClosed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    month: date  # its first day
    closed_at: AwareDatetime
    note: str = ""


class PeriodSoftClosed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    month: date  # its first day
    soft_closed_at: AwareDatetime
    note: str = ""


class PeriodReopenRequested(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    request_id: int  # the periods' version this event has: the request's number
    month: date  # its first day
    reason: str
    requested_by: str
    requested_at: AwareDatetime


class PeriodReopened(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    request_id: int
    month: date  # its first day
    reason: str
    requested_by: str
    approved_by: str
    reopened_at: AwareDatetime
    closed_through: date | None  # the last closed month from now on


class PatternsPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    by_kind: dict[LineKind, Satisfaction]


PeriodEvent = (
    PeriodClosed | PatternsPublished | PeriodSoftClosed | PeriodReopenRequested | PeriodReopened
)
