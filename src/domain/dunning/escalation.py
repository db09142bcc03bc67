"""The dunning ladder the business publishes: levels, fees, interest, and when the scan runs."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec

from domain.shared import Name


class DunningLevel(msgspec.Struct, frozen=True, kw_only=True):
    """Items at least `from_days` overdue are chased at this level, with this fee."""

    level: Annotated[int, msgspec.Meta(ge=1)]
    from_days: Annotated[int, msgspec.Meta(ge=1)]
    name: Name
    fee: Decimal = Decimal(0)  # in the invoice currency, not negative


class DunningRules(msgspec.Struct, frozen=True, kw_only=True):
    """When the scan runs (company time zone) and how overdue items are escalated."""

    levels: tuple[DunningLevel, ...]
    annual_interest_rate: Decimal = Decimal(0)  # a fraction: 0.06 is 6% a year
    timezone: Name = "Asia/Shanghai"
    day_of_week: Annotated[str, msgspec.Meta(pattern=r"^(mon|tue|wed|thu|fri|sat|sun)$")] = "mon"
    hour: Annotated[int, msgspec.Meta(ge=0, le=23)] = 9
    minute: Annotated[int, msgspec.Meta(ge=0, le=59)] = 0


DEFAULT_DUNNING_RULES = DunningRules(
    levels=(
        DunningLevel(level=1, from_days=1, name="提醒 reminder"),
        DunningLevel(level=2, from_days=31, name="正式催告 formal notice"),
        DunningLevel(level=3, from_days=61, name="最后催告 final demand"),
        DunningLevel(level=4, from_days=91, name="法务处理 legal action"),
    )
)
