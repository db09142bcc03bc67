"""Dunning lines: which overdue items to chase, at which level, with what charges.

`dunning_line` applies the rulebook's levels, fees and interest to one item.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import msgspec

from domain.dunning.escalation import DunningLevel, DunningRules
from domain.shared import Money


class OverdueItem(msgspec.Struct, frozen=True, kw_only=True):
    """An invoice with money still owed, as the receivables read model knows it."""

    receivable_id: UUID
    order_id: UUID
    customer_id: str
    customer_name: str
    salesperson: str
    contract_number: str
    invoice_number: str
    milestone: str
    due_on: date
    outstanding: Money


class DunningLine(msgspec.Struct, frozen=True, kw_only=True):
    """One item to chase: who owes what, since when, at which level, with what charges."""

    salesperson: str
    customer_id: str
    customer_name: str
    contract_number: str
    order_id: UUID
    receivable_id: UUID
    invoice_number: str
    milestone: str
    due_on: date
    days_overdue: int
    outstanding: Money
    level: int
    level_name: str
    fee: Money
    interest: Money

    @property
    def total(self) -> Money:
        return (self.outstanding + self.fee + self.interest).rounded()


def line_key(line: DunningLine) -> tuple[UUID, str]:
    """What a line chases: one invoice of one receivable, on a week's list once."""
    return (line.receivable_id, line.invoice_number)


def level_for(days_overdue: int, rules: DunningRules) -> DunningLevel | None:
    reached = [lv for lv in rules.levels if days_overdue >= lv.from_days]
    return reached[-1] if reached else None


def dunning_line(item: OverdueItem, as_of: date, rules: DunningRules) -> DunningLine | None:
    """The line for `item` on `as_of`, or None if it is not overdue yet.

    Interest is simple interest on the outstanding amount for the days overdue
    (actual/365), rounded to the currency's minor unit.
    """
    days = (as_of - item.due_on).days
    level = level_for(days, rules)
    if level is None or item.outstanding.amount <= 0:
        return None
    currency = item.outstanding.currency
    interest = item.outstanding.times(rules.annual_interest_rate * days / 365).rounded()
    return DunningLine(
        salesperson=item.salesperson,
        customer_id=item.customer_id,
        customer_name=item.customer_name,
        contract_number=item.contract_number,
        order_id=item.order_id,
        receivable_id=item.receivable_id,
        invoice_number=item.invoice_number,
        milestone=item.milestone,
        due_on=item.due_on,
        days_overdue=days,
        outstanding=item.outstanding,
        level=level.level,
        level_name=level.name,
        fee=Money.of(level.fee, currency).rounded(),
        interest=interest,
    )


def compile_lines(
    items: Sequence[OverdueItem], as_of: date, rules: DunningRules
) -> tuple[DunningLine, ...]:
    """The list's lines, by salesperson, then most overdue first, then invoice number."""
    lines = [line for item in items if (line := dunning_line(item, as_of, rules))]
    lines.sort(key=lambda ln: (ln.salesperson, -ln.days_overdue, ln.invoice_number))
    return tuple(lines)
