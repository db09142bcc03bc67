"""The revenue periods' commands: soft-close, close and reopen a month; publish the
patterns of each product kind."""

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


class SoftClosePeriod(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Mark a month as closing: facts still book in it, with a warning."""

    month: date  # any day of the month
    at: AwareDatetime
    note: str = ""


class RequestReopen(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Ask to reopen the last closed month: the first of the two people it needs."""

    month: date  # any day of the month
    reason: str
    by: str  # the user asking
    at: AwareDatetime


class ApproveReopen(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Approve a request to reopen: the second person, never the one who asked."""

    request_id: int
    by: str  # the user approving
    at: AwareDatetime


class PublishPatterns(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by_kind: dict[LineKind, Satisfaction]


PeriodCommand = ClosePeriod | SoftClosePeriod | RequestReopen | ApproveReopen | PublishPatterns
