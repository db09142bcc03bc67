"""The dunning lists index: one row a week, summed over the list's revisions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
import pytest

from api.runtime import service_over
from application.service import CommandMeta
from domain.deciders import DUNNING
from domain.dunning import CompileDunningList, DunningLine, dunning_list_id
from domain.shared import Money
from infrastructure.daemon.live import LiveProjection
from infrastructure.daemon.rebuild import compare
from infrastructure.storage import Storage, open_storage
from projections.dunning_lists import DunningListsProjection, recent_lists

MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
WEDNESDAY = date(2026, 3, 4)


def owed(person: str, invoice: str) -> DunningLine:
    zero = Money.of("0", "CNY")
    return DunningLine(salesperson=person, customer_id="C-1", customer_name="客户",
                       contract_number="HT-1", order_id=UUID(int=1), receivable_id=UUID(int=2),
                       invoice_number=invoice, milestone="m1", due_on=date(2026, 1, 1),
                       days_overdue=60, outstanding=Money.of("100.00", "CNY"), level=2,
                       level_name="正式催告", fee=zero, interest=zero)  # fmt: skip


@pytest.fixture
def storage(store_settings: tuple[str, str]) -> Iterator[Storage]:
    store = open_storage(*store_settings)
    service, n = service_over(store), iter(range(100))
    a, b, c = owed("li.na", "A"), owed("li.na", "B"), owed("zhao", "C")
    next_monday = MONDAY + timedelta(weeks=1)
    for scheduled, as_of, lines in ((MONDAY, MONDAY.date(), (a, c)), (MONDAY, WEDNESDAY, (a, b, c)),
                                    (next_monday, next_monday.date(), ())):  # fmt: skip
        run = CompileDunningList(scheduled_for=scheduled, as_of=as_of, lines=lines)
        meta = CommandMeta(command_id=f"dun-{next(n)}", actor="clock")
        service.execute(DUNNING, dunning_list_id(scheduled), run, meta)
    yield store
    store.close()


def built(storage: Storage, name: str, batch_size: int) -> LiveProjection:
    live = LiveProjection(name, DunningListsProjection, storage.log, storage.mapper,
                          storage.read_store)  # fmt: skip
    live.runner.batch_size = batch_size
    live.catch_up()
    return live


def rows(storage: Storage, table: str) -> list[dict[str, Any]]:
    with storage.read_store.transaction(commit=False) as tx:
        return recent_lists(tx, table)


def test_a_week_is_one_row_with_all_its_revisions_lines(storage: Storage) -> None:
    built(storage, "dunning_lists", batch_size=1)
    second_week, first_week = rows(storage, "dunning_lists")
    assert (first_week["revision"], first_week["as_of"], first_week["lines"]) == (
        2, "2026-03-04", 3)  # fmt: skip
    assert msgspec.json.decode(first_week["by_salesperson"]) == {"li.na": 2, "zhao": 1}
    assert first_week["compiled_at"] < first_week["revised_at"]
    assert (second_week["revision"], second_week["lines"]) == (1, 0)


def test_the_rows_are_the_same_however_the_log_is_batched(storage: Storage) -> None:
    live = built(storage, "dunning_lists", batch_size=1)
    assert compare(live) == []
    built(storage, "dunning_lists_in_one_batch", batch_size=1000)
    assert rows(storage, "dunning_lists") == rows(storage, "dunning_lists_in_one_batch")


def test_a_table_made_before_revisions_existed_takes_them_without_a_rebuild(
    storage: Storage,
) -> None:
    """An installation upgraded with its index as it was: the table keeps its columns
    (CREATE TABLE IF NOT EXISTS would not add any), and revisions still show."""
    with storage.read_store.transaction(commit=True) as tx:
        tx.execute("CREATE TABLE dunning_lists_old (list_id TEXT PRIMARY KEY, "
                   "scheduled_for TEXT NOT NULL, as_of TEXT NOT NULL, lines BIGINT NOT NULL, "
                   "by_salesperson TEXT NOT NULL, compiled_at TEXT NOT NULL)")  # fmt: skip
    built(storage, "dunning_lists_old", batch_size=1)
    built(storage, "dunning_lists", batch_size=1000)
    assert rows(storage, "dunning_lists_old") == rows(storage, "dunning_lists")
    assert rows(storage, "dunning_lists_old")[1]["revision"] == 2
