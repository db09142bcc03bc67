"""Step 2 and 5: how far each obligation is satisfied on any day.

Every satisfaction pattern (`domain.contract_terms.Satisfaction`) comes down to
one function: the fraction of the obligation satisfied at the end of a day,
between 0 and 1.

* point in time (606-10-25-30): the day control passes — shipment (in part, by
  quantity), acceptance, the licence made available, the training delivered;
* milestones: the agreed share of each milestone reached;
* input method (606-10-55-20): costs incurred to date over the latest estimate
  of total costs;
* ratable (606-10-55-18, a series of distinct days of service): by day over
  the service term. A later change of term carries on from the fraction reached,
  so no day already past is re-spread.

Facts are dated; a fact never changes the fraction before its own date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import msgspec

ONE = Decimal(1)
ZERO = Decimal(0)


class Steps(msgspec.Struct, frozen=True, kw_only=True):
    """Progress that moves on dated facts: (day, fraction from that day on), by day."""

    points: tuple[tuple[date, Decimal], ...] = ()

    def at(self, day: date) -> Decimal:
        reached = ZERO
        for when, fraction in self.points:
            if when > day:
                break
            reached = fraction
        return reached


def steps(points: Sequence[tuple[date, Decimal]]) -> Steps:
    """Steps from facts in any order; a later fact on the same day wins."""
    ordered: dict[date, Decimal] = {}
    for when, fraction in sorted(points, key=lambda p: p[0]):
        ordered[when] = min(max(fraction, ZERO), ONE)
    return Steps(points=tuple(ordered.items()))


def cost_progress(reports: Sequence[tuple[date, Decimal, Decimal]]) -> Steps:
    """Input method: (day, costs incurred to date, estimated total costs) reports."""
    return steps([(d, incurred / est if est > 0 else ONE) for d, incurred, est in reports])


class Term(msgspec.Struct, frozen=True, kw_only=True):
    """A service term [start, end), as known from `known_from` on."""

    known_from: date
    start: date
    end: date  # exclusive


class Ratable(msgspec.Struct, frozen=True, kw_only=True):
    terms: tuple[Term, ...]  # by known_from; the first is the term as sold

    def at(self, day: date) -> Decimal:
        base, anchor_day, end = ZERO, self.terms[0].start, self.terms[0].end
        for term in self.terms[1:]:
            if term.known_from > day:
                break
            switch = max(term.known_from, term.start)
            base = _linear(base, anchor_day, end, _previous(switch))
            anchor_day, end = switch, term.end
        return _linear(base, anchor_day, end, day)


def _previous(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def _linear(base: Decimal, start: date, end: date, day: date) -> Decimal:
    """`base` plus the rest spread evenly over the days [start, end), at the end of `day`."""
    days = (end - start).days
    if days <= 0:  # an empty term is served the day it starts
        return ONE if day >= start else base
    elapsed = min(max((day - start).days + 1, 0), days)
    if elapsed == days:
        return ONE  # exactly: a term served in full leaves nothing to earn
    return base + (ONE - base) * Decimal(elapsed) / Decimal(days)


Progress = Steps | Ratable
