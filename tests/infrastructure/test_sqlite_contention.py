"""SQLite shared by two processes: a writer that read first waits its turn, never fails.

A deferred transaction that reads and then writes cannot wait for the lock in WAL
mode (SQLite answers "database is locked" at once, whatever the busy timeout),
which is how a worker process beside the API stalled. The read store's write
transactions take the write lock when they begin, so the busy timeout applies.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from infrastructure.daemon.runner import transient
from infrastructure.storage import open_storage


def test_a_read_then_write_transaction_waits_for_another_writer(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    ours, theirs = open_storage("", path), open_storage("", path)  # two connections' worth
    try:
        ours.read_store.create(["CREATE TABLE IF NOT EXISTS counter (n INTEGER)"])
        stop = threading.Event()

        def other_process_writes() -> None:
            while not stop.is_set():
                with theirs.read_store.transaction(commit=True) as tx:
                    tx.execute("INSERT INTO counter VALUES (1)")
                time.sleep(0.001)

        writer = threading.Thread(target=other_process_writes)
        writer.start()
        try:
            for _ in range(20):
                with ours.read_store.transaction(commit=True) as tx:
                    tx.execute("SELECT COUNT(*) AS n FROM counter")
                    seen = tx.fetchall()[0]["n"]
                    time.sleep(0.005)  # the other process commits meanwhile
                    tx.execute("INSERT INTO counter VALUES (?)", (seen,))
        finally:
            stop.set()
            writer.join()
    finally:
        ours.close()
        theirs.close()


def test_a_locked_database_is_transient_for_a_projection() -> None:
    """Should the lock outlast the timeout, the projection retries: it never holds an
    aggregate back for it."""
    assert transient(sqlite3.OperationalError("database is locked"))
    assert not transient(sqlite3.OperationalError("no such table: order_list"))
