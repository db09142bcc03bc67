"""However often a week's dunning list is run, each overdue invoice is on it once.

Invoices fall due on any day around the week and may be paid on any day of it;
the list is run on any days of the week, as often as anyone likes. After every
sequence of runs:
- no invoice appears twice across the list's revisions, which count up from 1
  and, after the first (the week's list, even if empty), each add something;
- run in time order, the list holds everything that was overdue at any of its
  runs (when nothing is paid, exactly what is overdue at the last run);
- running again at once records nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.dunning import (
    DEFAULT_DUNNING_RULES,
    CompileDunningList,
    DunningListCompiled,
    OverdueItem,
    compile_lines,
)
from domain.shared import Money
from domain.testing import dunning_spec

MONDAY_NINE = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
MONDAY = date(2026, 6, 1)
Key = tuple[UUID, str]


class Invoice:
    """An invoice as the receivables see it: due some day, perhaps paid some day."""

    def __init__(self, n: int, due_in: int, paid_on: int | None, salesperson: str) -> None:
        self.item = OverdueItem(
            receivable_id=UUID(int=n % 3), order_id=UUID(int=n % 3), customer_id=f"C-{n % 3}",
            customer_name="客户", salesperson=salesperson, contract_number=f"HT-{n % 3}",
            invoice_number=f"INV-{n}", milestone="m1", due_on=MONDAY + timedelta(days=due_in),
            outstanding=Money.of("100.00", "CNY"),
        )  # fmt: skip
        self.paid_on = paid_on

    def open_on(self, day: int) -> bool:
        return self.paid_on is None or self.paid_on > day


invoices = st.lists(
    st.builds(
        Invoice,
        n=st.integers(0, 50),
        due_in=st.integers(-40, 6),
        paid_on=st.none() | st.integers(0, 6),
        salesperson=st.sampled_from(["li.na", "zhao"]),
    ),
    max_size=12,
    unique_by=lambda i: (i.item.receivable_id, i.item.invoice_number),
)
run_days = st.lists(st.integers(0, 6), min_size=1, max_size=8)


def run_on(day: int, book: list[Invoice]) -> CompileDunningList:
    as_of = MONDAY + timedelta(days=day)
    items = [i.item for i in book if i.open_on(day)]
    return CompileDunningList(scheduled_for=MONDAY_NINE, as_of=as_of,
                              lines=compile_lines(items, as_of, DEFAULT_DUNNING_RULES))  # fmt: skip


def listed(history: list[DunningListCompiled]) -> list[Key]:
    return [(ln.receivable_id, ln.invoice_number) for event in history for ln in event.lines]


def overdue(command: CompileDunningList) -> set[Key]:
    return {(ln.receivable_id, ln.invoice_number) for ln in command.lines}


@given(invoices, run_days)
def test_each_overdue_invoice_is_listed_once_whatever_the_runs(
    book: list[Invoice], days: list[int]
) -> None:
    history = dunning_spec.run(*(run_on(d, book) for d in days))
    keys = listed(history)
    assert len(keys) == len(set(keys))
    assert [e.revision for e in history] == list(range(1, len(history) + 1))
    assert all(e.lines for e in history[1:])  # the first is the week's list, even if empty
    assert all(e.as_of <= later.as_of for e, later in pairwise(history))


@given(invoices, run_days)
def test_runs_in_time_order_list_everything_overdue_at_any_of_them(
    book: list[Invoice], days: list[int]
) -> None:
    runs = [run_on(d, book) for d in sorted(days)]
    history = dunning_spec.run(*runs)
    assert set(listed(history)) == set().union(*map(overdue, runs))
    if all(i.paid_on is None for i in book):
        assert set(listed(history)) == overdue(runs[-1])
    dunning_spec(*history).when(runs[-1]).then()
