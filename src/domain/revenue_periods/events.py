"""The revenue periods' events: a month closed, the patterns in force published."""

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


class PatternsPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    by_kind: dict[LineKind, Satisfaction]


PeriodEvent = PeriodClosed | PatternsPublished
