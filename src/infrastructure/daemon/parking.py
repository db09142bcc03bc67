"""Held aggregates: an event a projection cannot apply holds back that aggregate only.

One bad order must not stop everyone's reports. When an event fails to apply
(bad data the command layer let through, or a bug), the projection holds that
event's aggregate: the event, its position and the error are kept here, the
projection's position moves past it in the same transaction, and the aggregate's
later events are passed over by this copy of the read model, while every other
aggregate carries on. The projection reports itself degraded (on `/projections`,
as `orderhub_projection_held_aggregates` on `/metrics`, in the log) until it is
rebuilt after a fix: a fresh copy applies the whole log in order, so the held
aggregates are applied where they belong, never out of order. The same log and
the same code hold the same aggregates, so a rebuild stays deterministic.
"""

from __future__ import annotations

import msgspec
from eventsourcing.persistence import Notification

from infrastructure.read_store import ReadStore, Row, Tx

TABLE = "projection_held"
SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "projection TEXT NOT NULL, originator_id TEXT NOT NULL, position BIGINT NOT NULL, "
    "topic TEXT NOT NULL, originator_version BIGINT NOT NULL, error TEXT NOT NULL, "
    "PRIMARY KEY (projection, originator_id))"
)


class Parked(msgspec.Struct, frozen=True, kw_only=True):
    """The first event of an aggregate that a copy of a read model could not apply."""

    projection: str
    position: int
    topic: str
    originator_id: str
    originator_version: int
    error: str


def ensure_table(store: ReadStore) -> None:
    store.create([SCHEMA])


def hold(tx: Tx, projection: str, notification: Notification, error: BaseException) -> Parked:
    """Hold `notification`'s aggregate for `projection` (in the caller's transaction)."""
    parked = Parked(
        projection=projection,
        position=notification.id,
        topic=notification.topic,
        originator_id=str(notification.originator_id),
        originator_version=notification.originator_version,
        error=f"{type(error).__name__}: {error}"[:4000],
    )
    tx.execute(
        f"INSERT INTO {TABLE} (projection, position, topic, originator_id, "  # noqa: S608
        "originator_version, error) VALUES (?, ?, ?, ?, ?, ?)",
        msgspec.structs.astuple(parked),
    )
    return parked


def parked(store: ReadStore, projection: str | None = None) -> list[Parked]:
    """The held aggregates, of one copy or of all, in the order they were held."""
    if projection is None:
        rows: list[Row] = store.query(
            f"SELECT * FROM {TABLE} ORDER BY projection, position"  # noqa: S608
        )
    else:
        rows = store.query(
            f"SELECT * FROM {TABLE} WHERE projection = ? ORDER BY position",  # noqa: S608
            (projection,),
        )
    return [msgspec.convert(r, Parked) for r in rows]


def held_ids(store: ReadStore, projection: str) -> frozenset[str]:
    rows = store.query(
        f"SELECT originator_id FROM {TABLE} WHERE projection = ?",  # noqa: S608
        (projection,),
    )
    return frozenset(str(r["originator_id"]) for r in rows)


def release(tx: Tx, projection: str) -> None:
    """Forget the holds of a copy (when it is dropped or rebuilt from scratch)."""
    tx.execute(f"DELETE FROM {TABLE} WHERE projection = ?", (projection,))  # noqa: S608
