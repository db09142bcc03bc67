"""Weekly dunning: the list of overdue items each salesperson must chase.

Seed 000 五: every Monday at 09:00 the overdue items are scanned and a dunning
list goes to each salesperson. A list is a fact (what we asked people to chase,
and at what level), so it is an aggregate of its own, one per scheduled firing:
its id derives from the scheduled time, and compiling it twice is refused, so
two schedulers, or a restart that fires again, leave one list.

The levels, fees and interest are rulebook data; `dunning_line` applies them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, assert_never
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.shared import AwareDatetime, DomainError, Money, Name

_LISTS = uuid5(NAMESPACE_URL, "urn:orderhub:dunning-lists")


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


class InvalidDunningRules(DomainError):
    rule = "invalid_dunning_rules"


def check_rules(rules: DunningRules) -> None:
    if not rules.levels:
        raise InvalidDunningRules("dunning needs at least one level", field="levels")
    if any(lv.fee < 0 for lv in rules.levels):
        raise InvalidDunningRules("a dunning fee is not negative", field="fee")
    if not 0 <= rules.annual_interest_rate <= 1:
        raise InvalidDunningRules(
            "the annual interest rate is a fraction between 0 and 1", field="annual_interest_rate"
        )
    starts = [lv.from_days for lv in rules.levels]
    numbers = [lv.level for lv in rules.levels]
    if starts != sorted(set(starts)) or numbers != sorted(set(numbers)):
        raise InvalidDunningRules(
            "levels rise strictly: each starts later and is numbered higher", field="levels"
        )


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


def dunning_list_id(scheduled_for: date | AwareDatetime) -> UUID:
    return uuid5(_LISTS, scheduled_for.isoformat())


# --- the aggregate ----------------------------------------------------------------


class CompileDunningList(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    scheduled_for: AwareDatetime
    as_of: date
    lines: tuple[DunningLine, ...]


class DunningListCompiled(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    scheduled_for: AwareDatetime
    as_of: date
    lines: tuple[DunningLine, ...]


DunningCommand = CompileDunningList
DunningEvent = DunningListCompiled


class DunningState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0


INITIAL = DunningState()


class DunningListExists(DomainError):
    rule = "dunning_list_exists"


def decide(command: DunningCommand, state: DunningState) -> list[DunningEvent]:
    match command:
        case CompileDunningList():
            if state.version:
                raise DunningListExists(
                    f"the dunning list for {command.scheduled_for.isoformat()} exists already"
                )
            return [
                DunningListCompiled(
                    scheduled_for=command.scheduled_for, as_of=command.as_of, lines=command.lines
                )
            ]
        case _:
            assert_never(command)


def evolve(state: DunningState, event: DunningEvent) -> DunningState:
    match event:
        case DunningListCompiled():
            return DunningState(version=state.version + 1)
        case _:
            assert_never(event)
