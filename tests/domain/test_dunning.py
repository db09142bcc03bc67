"""Dunning: levels by days overdue, fees and interest, one list per scheduled firing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from msgspec.structs import replace

from domain.dunning import (
    DEFAULT_DUNNING_RULES,
    CompileDunningList,
    DunningLevel,
    DunningListExists,
    DunningRules,
    InvalidDunningRules,
    OverdueItem,
    check_rules,
    compile_lines,
    dunning_line,
    dunning_list_id,
)
from domain.shared import Money
from domain.testing import dunning_spec as given

AS_OF = date(2026, 6, 1)
ITEM = OverdueItem(
    receivable_id=UUID(int=1), order_id=UUID(int=2), customer_id="C-001",
    customer_name="苏州精工机械有限公司", salesperson="Li Na", contract_number="HT-2026-001",
    invoice_number="INV-1", milestone="发货款 shipment", due_on=date(2026, 5, 1),
    outstanding=Money.of("60000.00", "CNY"),
)  # fmt: skip


def overdue_by(days: int, **changes: object) -> OverdueItem:
    return replace(ITEM, due_on=date.fromordinal(AS_OF.toordinal() - days), **changes)


def test_levels_rise_with_days_overdue() -> None:
    levels = [
        dunning_line(overdue_by(d), AS_OF, DEFAULT_DUNNING_RULES) for d in (1, 30, 31, 61, 91)
    ]
    assert [line.level if line else None for line in levels] == [1, 1, 2, 3, 4]


def test_an_item_not_yet_overdue_is_not_chased() -> None:
    assert dunning_line(overdue_by(0), AS_OF, DEFAULT_DUNNING_RULES) is None


def test_fees_and_simple_interest_apply_when_configured() -> None:
    rules = DunningRules(
        levels=(DunningLevel(level=1, from_days=1, name="reminder", fee=Decimal("50")),),
        annual_interest_rate=Decimal("0.0365"),
    )
    line = dunning_line(overdue_by(100), AS_OF, rules)
    assert line is not None
    assert (line.fee, line.interest) == (Money.of("50.00", "CNY"), Money.of("600.00", "CNY"))
    assert line.total == Money.of("60650.00", "CNY")


def test_lines_are_grouped_by_salesperson_most_overdue_first() -> None:
    items = [overdue_by(5, invoice_number="A", salesperson="Zhao"),
             overdue_by(40, invoice_number="B", salesperson="Li Na"),
             overdue_by(90, invoice_number="C", salesperson="Zhao")]  # fmt: skip
    lines = compile_lines(items, AS_OF, DEFAULT_DUNNING_RULES)
    assert [ln.invoice_number for ln in lines] == ["B", "C", "A"]


def test_levels_must_rise_strictly() -> None:
    tangled = DunningRules(levels=(DunningLevel(level=1, from_days=30, name="a"),
                                   DunningLevel(level=2, from_days=10, name="b")))  # fmt: skip
    with pytest.raises(InvalidDunningRules) as refused:
        check_rules(tangled)
    assert refused.value.field == "levels"


def test_a_firing_compiles_one_list() -> None:
    at = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
    compile_ = CompileDunningList(scheduled_for=at, as_of=AS_OF, lines=())
    history = given.run(compile_)
    given(*history).when(compile_).raises(DunningListExists)
    assert dunning_list_id(at) == dunning_list_id(datetime(2026, 6, 1, 1, 0, tzinfo=UTC))
