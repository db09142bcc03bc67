"""One worker per projection at a time: a lease that dies with its holder.

On PostgreSQL the lease is a session advisory lock. A process holds all its
leases on one connection of its own (`AdvisoryLocks`), whatever the number of
projections: if the process dies, the server drops the connection and its
locks, and a standby process takes over on its next try. On SQLite (one
machine) it is an exclusive `flock` on a file beside the database, which the
kernel releases when the process exits. Correctness does not rest on the lease
(positions are recorded with a unique key, so a second writer's batch is
refused and rolled back); the lease saves the duplicated work.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol

import psycopg


class Lease(Protocol):
    def try_acquire(self) -> bool:
        """True if this process now holds (or already held) the lease."""
        ...

    def release(self) -> None: ...


def _key(name: str) -> int:
    digest = hashlib.sha256(f"orderhub:projection:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLocks:
    """One process's session for its advisory locks: a connection opened on the
    first try and kept, however many leases it holds (a standby asks on it too,
    rather than connecting for every try). Locks are per session and re-entrant
    within it, so each lease is taken at most once here."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._held: set[int] = set()
        self._mutex = threading.Lock()  # the projections' threads share the session

    def try_lock(self, key: int) -> bool:
        with self._mutex:
            if self._conn is None or self._conn.closed:
                self._held.clear()  # a lost session took its locks with it
                self._conn = psycopg.connect(self.conninfo, autocommit=True)
            if key in self._held:
                return True
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            if row is not None and row[0]:
                self._held.add(key)
                return True
            return False

    def unlock(self, key: int) -> None:
        with self._mutex:
            if key not in self._held:
                return
            self._held.discard(key)
            if self._conn is not None and not self._conn.closed:
                with contextlib.suppress(psycopg.OperationalError):  # gone: so is the lock
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def close(self) -> None:
        with self._mutex:
            self._held.clear()
            if self._conn is not None:
                self._conn.close()  # the session ends, and its advisory locks with it
                self._conn = None


class AdvisoryLease:
    def __init__(self, locks: AdvisoryLocks, name: str) -> None:
        self.locks = locks
        self.key = _key(name)

    def try_acquire(self) -> bool:
        return self.locks.try_lock(self.key)

    def release(self) -> None:
        self.locks.unlock(self.key)


class FileLease:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        if self.fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the flock
            self.fd = None
