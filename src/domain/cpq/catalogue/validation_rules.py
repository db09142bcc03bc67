"""Which combinations may be sold: the configuration rules a quote's lines must keep.

`domain.cpq.validation` checks a quote's lines against them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec

from domain.cpq.catalogue.values import Units
from domain.order.events import LineKind
from domain.shared import Name


class Selector(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Lines of a product (by code) or of a kind; at least one of the two."""

    product_code: str = ""
    kind: LineKind | None = None

    def describe(self) -> str:
        return self.product_code or f"a {self.kind.value if self.kind else '?'} line"


class Requires(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag=True):
    """A quote with a line matching `line` must also have one matching `needs`."""

    name: Name
    line: Selector
    needs: Selector


class Excludes(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag=True):
    """No quote has both a line matching `line` and one matching `other`."""

    name: Name
    line: Selector
    other: Selector


class Matches(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag=True):
    """Every line matching `line` has `attribute` equal to `other_attribute` of some line
    matching `other` (a licence's hardware_generation and the hardware's generation)."""

    name: Name
    line: Selector
    attribute: Name
    other: Selector
    other_attribute: Name


class QuantityLimit(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag=True
):
    """Lines matching `line` order between `minimum` and `maximum` units (inclusive)."""

    name: Name
    line: Selector
    minimum: Decimal = Decimal(0)
    maximum: Units | None = None


ValidationRule = Requires | Excludes | Matches | QuantityLimit


class ValidationRules(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    rules: Annotated[tuple[ValidationRule, ...], msgspec.Meta(max_length=10_000)] = ()
