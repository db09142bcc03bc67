"""Blue/green copies of a read model, and which one readers see.

A projection's first copy is named after it (`order_list`); a rebuild builds
`order_list_g1`, `order_list_g2`... beside it. One row per projection here
names the copy in service; switching it is a single-row update, so readers
move from the old copy to the new one at once and never see a half-built model.
"""

from __future__ import annotations

import re

from infrastructure.read_store import ReadStore, Tx

TABLE = "projection_active"
SCHEMA = f"CREATE TABLE IF NOT EXISTS {TABLE} (projection TEXT PRIMARY KEY, copy TEXT NOT NULL)"


def ensure_table(store: ReadStore) -> None:
    store.create([SCHEMA])


def active(store: ReadStore, projection: str) -> str:
    with store.transaction(commit=False) as tx:
        tx.execute(f"SELECT copy FROM {TABLE} WHERE projection = ?", (projection,))  # noqa: S608
        row = tx.fetchone()
    return projection if row is None else str(row["copy"])


def generation(copy: str, projection: str) -> int:
    found = re.fullmatch(rf"{re.escape(projection)}_g(\d+)", copy)
    return int(found.group(1)) if found else 0


def copy_name(projection: str, generation: int) -> str:
    return f"{projection}_g{generation}" if generation else projection


def next_copy(current: str, projection: str) -> str:
    return copy_name(projection, generation(current, projection) + 1)


def projection_of(copy: str) -> str:
    """The projection `copy` is a copy of: `order_list_g2` -> `order_list`."""
    return re.sub(r"_g\d+$", "", copy)


def activate(store: ReadStore, tx: Tx, projection: str, copy: str) -> None:
    """Switch readers to `copy` when `tx` commits; listening processes hear of it."""
    tx.execute(
        f"INSERT INTO {TABLE} (projection, copy) VALUES (?, ?) "  # noqa: S608
        "ON CONFLICT (projection) DO UPDATE SET copy = excluded.copy",
        (projection, copy),
    )
    store.announce(tx, copy)
