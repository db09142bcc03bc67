"""A policy's own table of rows by one key, read and written inside its transaction."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from infrastructure.read_store import Row, Tx


class KeyedRows:
    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.key = self.columns[0]

    def load(self, tx: Tx, key: str) -> Row | None:
        tx.execute(f"SELECT * FROM {self.table} WHERE {self.key} = ?", (key,))  # noqa: S608
        return tx.fetchone()

    def save(self, tx: Tx, row: Row) -> None:
        tx.upsert(self.table, self.columns, self.key, [tuple(row[c] for c in self.columns)])


def encode(value: object) -> str:
    """JSON text of a msgspec value, as stored in a policy's rows."""
    return msgspec.json.encode(value).decode()
