"""Revenue rules the business sets: how each product kind is satisfied, by default."""

from __future__ import annotations

from domain.order.events import LineKind
from domain.revenue.progress import Pattern, Satisfaction, Trigger

# What a product kind does unless the rulebook or the order says otherwise.
DEFAULT_SATISFACTION: dict[LineKind, Satisfaction] = {
    LineKind.HARDWARE: Satisfaction(pattern=Pattern.POINT_IN_TIME, trigger=Trigger.SHIPMENT),
    LineKind.SPARE_PART: Satisfaction(pattern=Pattern.POINT_IN_TIME, trigger=Trigger.SHIPMENT),
    LineKind.SOFTWARE_LICENCE: Satisfaction(
        pattern=Pattern.POINT_IN_TIME, trigger=Trigger.LICENCE_AVAILABLE
    ),
    LineKind.TRAINING: Satisfaction(
        pattern=Pattern.POINT_IN_TIME, trigger=Trigger.TRAINING_DELIVERED
    ),
    LineKind.IMPLEMENTATION: Satisfaction(pattern=Pattern.INPUT_METHOD),
    LineKind.MAINTENANCE: Satisfaction(pattern=Pattern.RATABLE),
    LineKind.SUBSCRIPTION: Satisfaction(pattern=Pattern.RATABLE),
    LineKind.OTHER: Satisfaction(pattern=Pattern.POINT_IN_TIME, trigger=Trigger.ACCEPTANCE),
}
