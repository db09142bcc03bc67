"""Where an import keeps a file's rows while it checks them: a scratch SQLite file.

A file is checked whole before anything is written, and the rows of one item (an
order's lines) need not be next to each other; holding every row as a dict took
the server past 2.8 GB on a two-million-row file. So the first pass writes each
row to a scratch database on disk beside its item's number, and the later passes
read the items back one at a time: memory stays bounded by the item index, not
by the file. The scratch file lives in the system's temporary directory and is
gone when the import ends.
"""

from __future__ import annotations

import itertools
import sqlite3
import tempfile
from collections.abc import Container, Iterator
from pathlib import Path
from types import TracebackType

import msgspec

from application.imports.sheet import Rows

_BATCH = 5_000
_cells = msgspec.json.Decoder(dict[str, str])


class Staging:
    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="orderhub-import-")
        self._db = sqlite3.connect(Path(self._dir.name) / "rows.db", isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")  # scratch: nothing to recover
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE rows (item INTEGER NOT NULL, n INTEGER NOT NULL, "
                         "cells BLOB NOT NULL)")  # fmt: skip
        self._pending: list[tuple[int, int, bytes]] = []
        self._encode = msgspec.json.Encoder().encode

    def add(self, item: int, n: int, cells: dict[str, str]) -> None:
        self._pending.append((item, n, self._encode(cells)))
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            with self._db:
                self._db.executemany("INSERT INTO rows VALUES (?, ?, ?)", self._pending)
            self._pending.clear()

    def sealed(self) -> None:
        """All rows are in: index them by item for the passes that read items back."""
        self._flush()
        self._db.execute("CREATE INDEX rows_by_item ON rows (item, n)")

    def items(self, wanted: Container[int]) -> Iterator[tuple[int, Rows]]:
        """The `wanted` items in item order, each with its rows in sheet order."""
        found = self._db.execute("SELECT item, n, cells FROM rows ORDER BY item, n")
        for item, rows in itertools.groupby(found, key=lambda r: int(r[0])):
            if item in wanted:
                yield item, [(int(n), _cells.decode(cells)) for _i, n, cells in rows]

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
