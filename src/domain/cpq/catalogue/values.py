"""The catalogue's value types: codes, prices, percentages and unit counts, and their bounds."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec

Code = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")]
Price = Annotated[Decimal, msgspec.Meta(description="decimal string, 0 to 10^12")]
Percent = Annotated[Decimal, msgspec.Meta(description="decimal string, 0 to 100")]
Units = Annotated[Decimal, msgspec.Meta(description="decimal string, above 0, at most 10^9")]
HUNDRED, MOST_UNITS = Decimal(100), Decimal(1_000_000_000)
