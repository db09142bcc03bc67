"""Rebuild a read model beside the live one, compare, and switch readers at once."""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from infrastructure.daemon import copies, parking
from infrastructure.daemon.live import LiveProjection
from infrastructure.daemon.runner import Projection, ProjectionRunner

Progress = Callable[[int, int], None]


class Difference(msgspec.Struct, frozen=True, kw_only=True):
    table: str
    only_live: int
    only_rebuilt: int
    examples: list[str]


def _drop(live: LiveProjection, projection: Projection) -> None:
    with live.store.transaction(commit=True) as tx:
        for table in projection.tables():
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        live.store.forget(tx, projection.name)
        parking.release(tx, projection.name)


def _fresh(live: LiveProjection, copy: str) -> ProjectionRunner:
    _drop(live, live.make(copy))  # leftovers of an interrupted rebuild
    return live.runner_for(copy)


def rebuild(live: LiveProjection, progress: Progress | None = None) -> str:
    """Build the next copy from position 0, switch readers to it, drop the one before last.

    The live copy keeps serving (and being updated) meanwhile; the switch is one
    row. The copy it replaces is kept until the next rebuild, for comparison.
    """
    previous = live.copy
    copy = copies.next_copy(previous, live.name)
    runner = _fresh(live, copy)
    runner.catch_up(progress=progress)
    with live.store.transaction(commit=True) as tx:
        copies.activate(live.store, tx, live.name, copy)
    live.follow()
    generation = copies.generation(copy, live.name)
    if generation >= 2:
        _drop(live, live.make(copies.copy_name(live.name, generation - 2)))
    return copy


def retry(live: LiveProjection, progress: Progress | None = None) -> bool:
    """After a fix: rebuild a read model whose copy holds aggregates back, so their
    events are applied in log order with everyone else's; False if none was held."""
    if live.parked() is None:
        return False
    rebuild(live, progress)
    return True


def compare(
    live: LiveProjection, progress: Progress | None = None, attempts: int = 5
) -> list[Difference]:
    """Rebuild into a scratch copy up to the live copy's position and diff every table."""
    scratch = _fresh(live, f"{live.name}_compare")
    try:
        for _ in range(attempts):
            position = live.position()
            scratch.catch_up(stop=position, progress=progress)
            differences = _diff(live, scratch.projection)
            if live.position() == position:  # nobody moved the live copy meanwhile
                return differences
        raise RuntimeError("the live copy kept moving; compare when writes are quieter")
    finally:
        _drop(live, scratch.projection)


def _diff(live: LiveProjection, scratch: Projection) -> list[Difference]:
    differences = []
    live_tables = live.make(live.copy).tables()
    for live_table, scratch_table in zip(live_tables, scratch.tables(), strict=True):
        a, b = _rows(live, live_table), _rows(live, scratch_table)
        only_live, only_rebuilt = a - b, b - a
        if only_live or only_rebuilt:
            differences.append(
                Difference(
                    table=live_table,
                    only_live=len(only_live),
                    only_rebuilt=len(only_rebuilt),
                    examples=sorted(only_live | only_rebuilt)[:5],
                )
            )
    return differences


def _rows(live: LiveProjection, table: str) -> set[str]:
    with live.store.transaction(commit=False) as tx:
        tx.execute(f"SELECT * FROM {table}")  # noqa: S608
        return {msgspec.json.encode(row).decode() for row in tx.fetchall()}
