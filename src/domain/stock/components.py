"""Which key components a product takes: rulebook data, published as a rule set."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from domain.shared import Name
from domain.stock.commands import PartNo, Quantity


class ComponentNeed(msgspec.Struct, frozen=True, kw_only=True):
    part: PartNo
    per_unit: Quantity


class KeyComponents(msgspec.Struct, frozen=True, kw_only=True):
    by_product: dict[Name, tuple[ComponentNeed, ...]]


DEFAULT_KEY_COMPONENTS = KeyComponents(
    by_product={
        "SV-AS2-750W": (ComponentNeed(part="SERVO-750W", per_unit=Decimal(1)),),
        "SV-AS2-2KW": (ComponentNeed(part="SERVO-2KW", per_unit=Decimal(1)),),
        "PLC-CAB-1500": (ComponentNeed(part="PLC-S7-1500", per_unit=Decimal(1)),),
        "PLC-CAB-MINI": (ComponentNeed(part="PLC-S7-1200", per_unit=Decimal(1)),),
        "RB-WS-SCARA": (
            ComponentNeed(part="ROBOT-SCARA", per_unit=Decimal(1)),
            ComponentNeed(part="PLC-S7-1200", per_unit=Decimal(1)),
        ),
    }
)
