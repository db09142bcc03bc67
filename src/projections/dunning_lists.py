"""The weekly dunning lists: one row per week's list, for finding them; lines stay in the log.

A list's lines are read from its events (the log is the truth: each revision is
one event holding the lines it added), so this read model only indexes the
lists by scheduled time and sums, over their revisions, what each holds per
salesperson; `as_of` and `revision` are the latest revision's.
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
COLUMNS = ("list_id", "scheduled_for", "as_of", "lines", "by_salesperson", "compiled_at")
# Revisions are kept beside the lists, not as new columns of theirs: an installation
# from before revisions keeps its table as it is (a list without a row here is at
# revision 1), and needs no rebuild.
REVISION_COLUMNS = ("list_id", "revision", "revised_at")
_CHUNK = 500  # list ids per look-up, within every SQLite build's bound parameters
_counts = msgspec.json.Decoder(dict[str, int])


class DunningListsProjection:
    topics = frozenset({topic_of(DunningListCompiled)})

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name

    def tables(self) -> list[str]:
        return [self.table, f"{self.table}_revisions"]

    def schema(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.table} (list_id TEXT PRIMARY KEY, "
            "scheduled_for TEXT NOT NULL, as_of TEXT NOT NULL, lines BIGINT NOT NULL, "
            "by_salesperson TEXT NOT NULL, compiled_at TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {self.table}_when ON {self.table} (scheduled_for)",
            f"CREATE TABLE IF NOT EXISTS {self.table}_revisions (list_id TEXT PRIMARY KEY, "
            "revision BIGINT NOT NULL, revised_at TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        # Only a later revision adds to a row that may be stored already.
        revised = sorted({str(r.originator_id) for r in events if r.event.revision > 1})
        rows = {row["list_id"]: row for row in self._rows(tx, revised)}
        changed: dict[str, Row] = {}
        for recorded in events:
            event: DunningListCompiled = recorded.event
            list_id, at = str(recorded.originator_id), utc_text(recorded.timestamp)
            before = rows.get(list_id) if event.revision > 1 else None
            counts = Counter(_counts.decode(before["by_salesperson"]) if before else {})
            counts.update(line.salesperson for line in event.lines)
            rows[list_id] = changed[list_id] = {
                "list_id": list_id, "scheduled_for": utc_text(event.scheduled_for),
                "as_of": event.as_of.isoformat(),
                "lines": (int(before["lines"]) if before else 0) + len(event.lines),
                "by_salesperson": msgspec.json.encode(dict(sorted(counts.items()))).decode(),
                "compiled_at": before["compiled_at"] if before else at,
                "revision": event.revision, "revised_at": at,
            }  # fmt: skip
        tx.upsert(self.table, COLUMNS, "list_id",
                  [tuple(row[c] for c in COLUMNS) for row in changed.values()])  # fmt: skip
        later = [tuple(row[c] for c in REVISION_COLUMNS) for row in changed.values()
                 if row["revision"] > 1]  # fmt: skip
        if later:
            tx.upsert(f"{self.table}_revisions", REVISION_COLUMNS, "list_id", later)

    def _rows(self, tx: Tx, list_ids: Sequence[str]) -> list[Row]:
        found: list[Row] = []
        for i in range(0, len(list_ids), _CHUNK):
            chunk = list_ids[i : i + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            tx.execute(f"{_SELECT.format(t=self.table)} WHERE l.list_id IN ({marks})", chunk)
            found.extend(tx.fetchall())
        return found


_SELECT = (
    "SELECT l.*, COALESCE(r.revision, 1) AS revision, "
    "COALESCE(r.revised_at, l.compiled_at) AS revised_at "
    "FROM {t} l LEFT JOIN {t}_revisions r ON r.list_id = l.list_id"
)


def recent_lists(tx: Tx, table: str, limit: int = 52, offset: int = 0) -> list[Row]:
    """The lists, latest first, each with its latest revision and when it was made."""
    tx.execute(
        f"{_SELECT.format(t=table)} ORDER BY l.scheduled_for DESC LIMIT ? OFFSET ?",
        (limit, offset),
    )
    return tx.fetchall()
