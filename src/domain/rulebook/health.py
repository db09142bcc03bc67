"""How an order's health score is weighed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec

Level = Annotated[str, msgspec.Meta(pattern="^L[1-4]$")]  # an exception level, L1-L4


class HealthWeights(msgspec.Struct, frozen=True, kw_only=True):
    """Each indicator (delivery, cost, feedback) is capped at 1, weighted, and summed;
    yellow and red start at the thresholds. An open exception sets a floor: from
    `yellow_at_level` an order is at least yellow, from `red_at_level` red, whatever
    its score (health and exceptions never disagree)."""

    delivery_weight: Decimal = Decimal("0.5")
    cost_weight: Decimal = Decimal("0.3")
    feedback_weight: Decimal = Decimal("0.2")
    feedback_per_30_days_for_full_score: Decimal = Decimal(4)
    yellow_from: Decimal = Decimal("0.15")
    red_from: Decimal = Decimal("0.40")
    yellow_at_level: Level = "L2"
    red_at_level: Level = "L3"


class HealthRules(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    weights: HealthWeights
