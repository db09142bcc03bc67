"""Order-list rows written straight into the read model's table: the boards' queries
tested on each backend without composing the events that would lead to each row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from infrastructure.storage import Storage
from projections.order_list import COLUMNS, OrderListProjection, OrderRow

TABLE = "order_list"
_DEFAULTS = {f.name: 0 if f.type is int else "" for f in msgspec.structs.fields(OrderRow)}


def order_list(storage: Storage) -> str:
    """The order list's tables, created empty."""
    storage.read_store.create(OrderListProjection(TABLE).schema())
    return TABLE


def replace_rows(storage: Storage, rows: Iterable[dict[str, Any]]) -> None:
    """The order list holds exactly `rows` (every column not given empty or 0)."""
    with storage.read_store.transaction(commit=True) as tx:
        tx.execute(f"DELETE FROM {TABLE}")
        tx.upsert(TABLE, COLUMNS, "order_id",
                  [[{**_DEFAULTS, **row}[c] for c in COLUMNS] for row in rows])  # fmt: skip
