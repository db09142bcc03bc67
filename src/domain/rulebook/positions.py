"""Positions: who holds which position (sales director, VP, ...), where it matters by
region and product line - the authority an approval is given with."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from domain.rulebook.routes import NonEmpty


class PositionHolder(msgspec.Struct, frozen=True, kw_only=True):
    """`user` holds `position`; for the orders of these regions and product lines only,
    if any are named (none: all)."""

    position: NonEmpty  # e.g. sales_director, vp, general_manager, production_supervisor
    user: NonEmpty  # the user id their token carries
    name: str = ""  # as people know them, e.g. 黄振华
    regions: tuple[NonEmpty, ...] = ()
    product_lines: tuple[NonEmpty, ...] = ()

    def covers(self, region: str, product_lines: Iterable[str]) -> bool:
        """Does this holding reach an order of `region` with lines of `product_lines`?"""
        if self.regions and region not in self.regions:
            return False
        lines = {p for p in product_lines if p}
        return not self.product_lines or lines <= set(self.product_lines)


class Positions(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    holders: tuple[PositionHolder, ...]

    def holding(self, user: str, position: str) -> tuple[PositionHolder, ...]:
        return tuple(h for h in self.holders if h.user == user and h.position == position)

    def holders_of(self, position: str) -> tuple[PositionHolder, ...]:
        return tuple(h for h in self.holders if h.position == position)


class Authority(msgspec.Struct, frozen=True, kw_only=True):
    """What an approval is given with: the holdings of the approver for the position
    awaited, as the rulebook's positions (version) had them when they approved."""

    positions_version: int
    holdings: tuple[PositionHolder, ...]
