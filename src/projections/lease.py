"""One worker per projection at a time: a lease that dies with its holder.

On PostgreSQL the lease is a session advisory lock on a connection of its own:
if the worker process dies, the server drops the connection and the lock, and a
standby worker takes over on its next try. On SQLite (one machine) it is an
exclusive `flock` on a file beside the database, which the kernel releases when
the process exits. Correctness does not rest on the lease (positions are
recorded with a unique key, so a second writer's batch is refused and rolled
back); the lease saves the duplicated work.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
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


class AdvisoryLease:
    def __init__(self, conninfo: str, name: str) -> None:
        self.conninfo = conninfo
        self.key = _key(name)
        self.conn: psycopg.Connection[tuple[object, ...]] | None = None

    def try_acquire(self) -> bool:
        if self.conn is not None and not self.conn.closed:
            return True
        conn = psycopg.connect(self.conninfo, autocommit=True)
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        if row is not None and row[0]:
            self.conn = conn
            return True
        conn.close()
        return False

    def release(self) -> None:
        if self.conn is not None:
            self.conn.close()  # the session ends, and its advisory locks with it
            self.conn = None


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
