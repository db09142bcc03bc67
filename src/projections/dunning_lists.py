"""The weekly dunning lists: one row per list, for finding them; lines stay in the log.

A list's lines are read from its one event (the log is the truth, and a list
never changes), so this read model only indexes the lists by scheduled time and
counts what each holds per salesperson.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import msgspec

from domain.decider import topic_of
from domain.dunning import DunningListCompiled
from domain.envelope import Recorded
from infrastructure.read_store import Row, Tx, utc_text

NAME = "dunning_lists"


class DunningListsProjection:
    topics = frozenset({topic_of(DunningListCompiled)})

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name

    def tables(self) -> list[str]:
        return [self.table]

    def schema(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.table} (list_id TEXT PRIMARY KEY, "
            "scheduled_for TEXT NOT NULL, as_of TEXT NOT NULL, lines BIGINT NOT NULL, "
            "by_salesperson TEXT NOT NULL, compiled_at TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {self.table}_when ON {self.table} (scheduled_for)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        rows = []
        for recorded in events:
            event: DunningListCompiled = recorded.event
            counts = Counter(line.salesperson for line in event.lines)
            rows.append((
                str(recorded.originator_id), utc_text(event.scheduled_for),
                event.as_of.isoformat(), len(event.lines),
                msgspec.json.encode(dict(sorted(counts.items()))).decode(),
                utc_text(recorded.timestamp),
            ))  # fmt: skip
        columns = ("list_id", "scheduled_for", "as_of", "lines", "by_salesperson", "compiled_at")
        tx.upsert(self.table, columns, "list_id", rows)


def recent_lists(tx: Tx, table: str, limit: int = 52, offset: int = 0) -> list[Row]:
    """The lists, latest first."""
    tx.execute(
        f"SELECT * FROM {table} ORDER BY scheduled_for DESC LIMIT ? OFFSET ?",  # noqa: S608
        (limit, offset),
    )
    return tx.fetchall()
