"""Dunning: levels by days overdue, fees and interest, one list a week in revisions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec
import pytest
from msgspec.structs import replace

from domain.dunning import (
    DEFAULT_DUNNING_RULES,
    CompileDunningList,
    DunningLevel,
    DunningLine,
    DunningListCompiled,
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


# A week's list: Monday's run, then runs later that week (2026-06-01 is a Monday).
MONDAY_NINE = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
WEDNESDAY = date(2026, 6, 3)
A = replace(ITEM, invoice_number="A")
B = replace(ITEM, invoice_number="B", due_on=date(2026, 6, 2))  # overdue from Wednesday
C = replace(ITEM, invoice_number="C", receivable_id=UUID(int=3))


def run_on(as_of: date, *items: OverdueItem) -> CompileDunningList:
    """A run of the week's list as of `as_of`, over what the receivables say is open."""
    lines = compile_lines(items, as_of, DEFAULT_DUNNING_RULES)
    return CompileDunningList(scheduled_for=MONDAY_NINE, as_of=as_of, lines=lines)


def line(item: OverdueItem, as_of: date) -> DunningLine:
    found = dunning_line(item, as_of, DEFAULT_DUNNING_RULES)
    assert found is not None
    return found


def test_a_week_is_one_list_named_by_its_firing() -> None:
    assert dunning_list_id(MONDAY_NINE) == dunning_list_id(datetime(2026, 6, 1, 1, tzinfo=UTC))
    assert dunning_list_id(MONDAY_NINE) != dunning_list_id(datetime(2026, 6, 8, 1, tzinfo=UTC))


def test_the_first_run_of_a_week_is_its_first_revision() -> None:
    given().when(run_on(AS_OF, A, B)).then(
        DunningListCompiled(scheduled_for=MONDAY_NINE, as_of=AS_OF, lines=(line(A, AS_OF),))
    )


def test_a_week_with_nothing_overdue_has_its_list_all_the_same() -> None:
    given().when(run_on(AS_OF)).then(
        DunningListCompiled(scheduled_for=MONDAY_NINE, as_of=AS_OF, lines=())
    )
    given(*given.run(run_on(AS_OF))).when(run_on(WEDNESDAY)).then()


def test_a_later_run_adds_what_became_overdue_since_as_the_next_revision() -> None:
    monday = given.run(run_on(AS_OF, A, B))
    given(*monday).when(run_on(WEDNESDAY, A, B)).then(
        DunningListCompiled(
            scheduled_for=MONDAY_NINE, as_of=WEDNESDAY, lines=(line(B, WEDNESDAY),), revision=2
        )
    )


def test_a_run_that_finds_nothing_new_records_nothing() -> None:
    week = given.run(run_on(AS_OF, A, B), run_on(WEDNESDAY, A, B))
    given(*week).when(run_on(WEDNESDAY, A, B)).then()
    given(*week).when(run_on(date(2026, 6, 7), A, B)).then()


def test_a_listed_invoice_is_not_listed_again_when_its_level_rises() -> None:
    thirty_days = replace(A, due_on=date(2026, 5, 2))  # level 1 on Monday, level 2 by Wednesday
    assert line(thirty_days, AS_OF).level < line(thirty_days, WEDNESDAY).level
    given(*given.run(run_on(AS_OF, thirty_days))).when(run_on(WEDNESDAY, thirty_days)).then()


def test_the_same_invoice_number_of_another_receivable_is_another_line() -> None:
    other = replace(A, receivable_id=UUID(int=9))
    [revision] = given(*given.run(run_on(AS_OF, A))).when(run_on(AS_OF, A, other)).events()
    assert [ln.receivable_id for ln in revision.lines] == [UUID(int=9)]


def test_a_run_as_of_a_day_before_the_latest_revision_adds_nothing() -> None:
    """C was overdue on Monday and paid by Wednesday: a late run for Monday does not
    put it on a list that already stands for Wednesday."""
    wednesday = given.run(run_on(WEDNESDAY, A))
    given(*wednesday).when(run_on(AS_OF, A, C)).then()


def test_the_list_knows_its_revisions_and_lines() -> None:
    state = given(*given.run(run_on(AS_OF, A, B))).when(run_on(WEDNESDAY, A, B, C)).state()
    assert (state.revision, state.as_of, len(state.listed)) == (2, WEDNESDAY, 3)


# As the log holds a list compiled before revisions existed, byte for byte.
BEFORE_REVISIONS = (
    '{"type":"DunningListCompiled","scheduled_for":"2026-03-02T09:00:00+08:00",'
    '"as_of":"2026-03-02","lines":[{"salesperson":"wang.fang","customer_id":"C-JX-001",'
    '"customer_name":"嘉兴","contract_number":"HT-1",'
    '"order_id":"00000000-0000-0000-0000-000000000001",'
    '"receivable_id":"00000000-0000-0000-0000-000000000002","invoice_number":"INV-1",'
    '"milestone":"m1","due_on":"2026-01-20","days_overdue":41,'
    '"outstanding":{"amount":"19200.00","currency":"CNY"},"level":2,'
    '"level_name":"正式催告 formal notice","fee":{"amount":"0.00","currency":"CNY"},'
    '"interest":{"amount":"0.00","currency":"CNY"}}]}'
).encode()


def test_a_list_compiled_before_revisions_reads_as_revision_one_and_encodes_as_stored() -> None:
    """Old lists decode; and encode again to the very bytes stored, which is what the
    records' seals are checked against."""
    old = msgspec.json.decode(BEFORE_REVISIONS, type=DunningListCompiled)
    assert old.revision == 1
    assert msgspec.json.Encoder(decimal_format="string").encode(old) == BEFORE_REVISIONS
    state = given.fold([old])
    assert (state.revision, state.listed) == (1, frozenset({(UUID(int=2), "INV-1")}))
