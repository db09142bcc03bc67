"""Parked events: an event a projection cannot apply stops it, visibly.

The projection halts at the failing event instead of skipping it: skipping
would make the read model depend on when the bug was fixed, and a rebuild would
then differ from the live copy. The event, its position and the error are kept
here; the projection reports itself degraded until someone retries it (after a
fix), when it re-applies that event and carries on.
"""

from __future__ import annotations

import msgspec
from eventsourcing.persistence import Notification

from infrastructure.read_store import ReadStore, Row

TABLE = "projection_parked"
SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "projection TEXT PRIMARY KEY, position BIGINT NOT NULL, topic TEXT NOT NULL, "
    "originator_id TEXT NOT NULL, originator_version BIGINT NOT NULL, error TEXT NOT NULL)"
)


class Parked(msgspec.Struct, frozen=True, kw_only=True):
    projection: str
    position: int
    topic: str
    originator_id: str
    originator_version: int
    error: str


def ensure_table(store: ReadStore) -> None:
    store.create([SCHEMA])


def park(
    store: ReadStore, projection: str, notification: Notification, error: BaseException
) -> Parked:
    parked = Parked(
        projection=projection,
        position=notification.id,
        topic=notification.topic,
        originator_id=str(notification.originator_id),
        originator_version=notification.originator_version,
        error=f"{type(error).__name__}: {error}"[:4000],
    )
    with store.transaction(commit=True) as tx:
        tx.execute(f"DELETE FROM {TABLE} WHERE projection = ?", (projection,))  # noqa: S608
        tx.execute(
            f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
            msgspec.structs.astuple(parked),
        )
    return parked


def parked(store: ReadStore, projection: str | None = None) -> list[Parked]:
    if projection is None:
        rows: list[Row] = store.query(f"SELECT * FROM {TABLE} ORDER BY projection")  # noqa: S608
    else:
        rows = store.query(f"SELECT * FROM {TABLE} WHERE projection = ?", (projection,))  # noqa: S608
    return [msgspec.convert(r, Parked) for r in rows]


def release(store: ReadStore, projection: str) -> bool:
    """Let a parked projection try its event again; False if it was not parked."""
    was_parked = bool(parked(store, projection))
    with store.transaction(commit=True) as tx:
        tx.execute(f"DELETE FROM {TABLE} WHERE projection = ?", (projection,))  # noqa: S608
    return was_parked
