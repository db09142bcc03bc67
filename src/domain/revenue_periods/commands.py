"""The revenue periods' commands: close a month, publish the patterns of each product kind."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from domain.contract_terms import Satisfaction
from domain.order.events import LineKind
from domain.shared import AwareDatetime

# One stream holds the books' periods and the accounting policy.
PERIODS_ID = UUID("6f1c1f0e-0000-4000-8000-000000000606")


class ClosePeriod(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    month: date  # any day of the month to close
    at: AwareDatetime
    note: str = ""


class PublishPatterns(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by_kind: dict[LineKind, Satisfaction]


PeriodCommand = ClosePeriod | PublishPatterns
