"""The revenue read model is the same however its events are batched (live equals rebuilt),
and books what the pure replay of the log books."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.envelope import Recorded
from domain.revenue import contract_id_for
from domain.revenue.calendar import add_months
from domain.revenue.ledger import replay
from domain.revenue_periods import PERIODS_ID, PeriodClosed, PeriodReopened
from domain.testing.revenue import RevenueHistory, revenue_histories
from infrastructure.read_store import ReadStore
from infrastructure.storage import Storage, open_storage
from projections.revenue import RevenueProjection


@pytest.fixture(scope="module")
def storage() -> Iterator[Storage]:
    opened = open_storage(sqlite_path=":memory:")
    yield opened
    opened.close()


def recorded(
    history: RevenueHistory, closes: list[bool], reopens: Sequence[bool] = ()
) -> list[Recorded[Any]]:
    """The history's events as the log would hand them out, with month closes between
    (and, where `reopens` says, the last closed month reopened instead)."""
    order_id = UUID(int=1)
    first = history.first.replace(day=1)
    stream, out, closed = contract_id_for(order_id), [], first
    at = datetime(2025, 1, 1, tzinfo=UTC)
    for n, (event, close) in enumerate(zip(history.events, closes, strict=False)):
        period: PeriodClosed | PeriodReopened | None = None
        if close:
            period = PeriodClosed(month=closed, closed_at=at)
            closed = add_months(closed, 1)
        elif n < len(reopens) and reopens[n] and closed > first:
            closed = add_months(closed, -1)  # the next to close is the one reopened
            period = PeriodReopened(request_id=n, month=closed, reason="late", requested_by="f",
                                    approved_by="a", reopened_at=at,
                                    closed_through=None if closed == first
                                    else add_months(closed, -1))  # fmt: skip
        if period is not None:
            out.append(Recorded(originator_id=PERIODS_ID, originator_version=len(out) + 1,
                                timestamp=at, actor="finance", command_id=f"period-{n}",
                                correlation_id="", causation_id="", event=period))  # fmt: skip
        out.append(Recorded(originator_id=stream, originator_version=n + 1, timestamp=at,
                            actor="test", command_id=f"c-{n}", correlation_id="",
                            causation_id="", event=event))  # fmt: skip
    return out


def tables(store: ReadStore, projection: RevenueProjection) -> list[list[tuple[Any, ...]]]:
    with store.transaction(commit=False) as tx:
        contents = []
        for table in projection.tables():
            tx.execute(f"SELECT * FROM {table}")
            contents.append(sorted(tuple(r.values()) for r in tx.fetchall()))
        return contents


@given(revenue_histories(), st.lists(st.booleans(), max_size=30), st.lists(st.integers(1, 4)))
def test_live_in_any_batches_equals_rebuilt_in_one(
    storage: Storage, history: RevenueHistory, closes: list[bool], batches: list[int]
) -> None:
    same_live_rebuilt_and_replayed(storage, recorded(history, closes), batches)


@given(revenue_histories(), st.lists(st.booleans(), max_size=30),
       st.lists(st.booleans(), max_size=30), st.lists(st.integers(1, 4)))  # fmt: skip
def test_with_months_reopened_live_equals_rebuilt_and_the_replay(
    storage: Storage, history: RevenueHistory, closes: list[bool], reopens: list[bool],
    batches: list[int],
) -> None:  # fmt: skip
    same_live_rebuilt_and_replayed(storage, recorded(history, closes, reopens), batches)


def same_live_rebuilt_and_replayed(
    storage: Storage, events: list[Recorded[Any]], batches: list[int]
) -> None:
    store = storage.read_store
    live, rebuilt = RevenueProjection("revenue_live"), RevenueProjection("revenue_rebuilt")
    for projection in (live, rebuilt):
        store.create(projection.schema())
        with store.transaction(commit=True) as tx:
            for table in projection.tables():
                tx.execute(f"DELETE FROM {table}")
    start = 0
    for size in [*batches, len(events)]:
        with store.transaction(commit=True) as tx:
            live.apply(tx, events[start : start + size])
        start += size
    with store.transaction(commit=True) as tx:
        rebuilt.apply(tx, events)
    assert tables(store, live) == tables(store, rebuilt)
    # And both hold what the pure replay of the same events books.
    _, books = replay(r.event for r in events)
    expected = sorted((oid, m.isoformat(), str(b.regular.amount), str(b.adjustment.amount))
                      for oid, rows in books.items() for m, b in rows.items())  # fmt: skip
    with store.transaction(commit=False) as tx:
        tx.execute("SELECT obligation_id, month, regular, adjustment FROM revenue_live_bookings")
        assert sorted(tuple(r.values()) for r in tx.fetchall()) == expected
