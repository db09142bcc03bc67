"""Storage wiring: the `eventsourcing` library's recorders, chosen by one setting.

SQLite (a file, zero set-up) unless `ORDERHUB_DATABASE_URL=postgresql://...` is
set. Both use the library's application recorder for the log (on PostgreSQL our
subclass of it, `infrastructure.postgres.recorder.PostgresLogRecorder`, which appends in one round
trip), an aggregate recorder for snapshots, and its tracking recorder for read
models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InfrastructureFactory,
)
from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from eventsourcing.utils import get_topic
from psycopg.conninfo import conninfo_to_dict

from infrastructure.daemon.lease import AdvisoryLease, AdvisoryLocks, FileLease, Lease
from infrastructure.mapper import MsgspecMapper
from infrastructure.postgres.recorder import PostgresLogRecorder
from infrastructure.read_store import PostgresReadStore, ReadStore, SQLiteReadStore


@dataclass
class Storage:
    factory: InfrastructureFactory[Any]
    log: ApplicationRecorder
    snapshots: AggregateRecorder
    read_store: ReadStore
    mapper: MsgspecMapper
    backend: str
    lease_for: Callable[[str], Lease]
    locks: AdvisoryLocks | None = None  # the session holding this process's leases

    def position_of(self, originator_id: UUID, version: int) -> int:
        return self.read_store.position_of(originator_id, version)

    def close(self) -> None:
        if self.locks is not None:
            self.locks.close()
        self.factory.close()


def postgres_env(url: str) -> dict[str, str]:
    info = conninfo_to_dict(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(info.get("dbname") or "orderhub"),
        "POSTGRES_HOST": str(info.get("host") or "127.0.0.1"),
        "POSTGRES_PORT": str(info.get("port") or "5432"),
        "POSTGRES_USER": str(info.get("user") or "postgres"),
        "POSTGRES_PASSWORD": str(info.get("password") or ""),
        "POSTGRES_POOL_SIZE": "10",
        "POSTGRES_MAX_OVERFLOW": "10",
        "APPLICATION_RECORDER_TOPIC": get_topic(PostgresLogRecorder),  # one round trip a write
    }


SQLITE_LOCK_SECONDS = 15


def open_storage(database_url: str = "", sqlite_path: str = "var/orderhub.db") -> Storage:
    if database_url.startswith(("postgresql://", "postgres://")):
        pg_factory = PostgresFactory(postgres_env(database_url))
        read_store: ReadStore = PostgresReadStore(pg_factory.datastore)
        factory: InfrastructureFactory[Any] = pg_factory
        backend = "postgresql"
        session = AdvisoryLocks(database_url)
        locks: AdvisoryLocks | None = session

        def lease_for(name: str) -> Lease:
            return AdvisoryLease(session, name)

    elif database_url:
        raise ValueError(f"ORDERHUB_DATABASE_URL must be postgresql://..., got {database_url!r}")
    else:
        if sqlite_path != ":memory:":
            Path(sqlite_path).parent.mkdir(parents=True, exist_ok=True)
        # A writer waits up to this long for another process's write to finish.
        env = {"SQLITE_DBNAME": sqlite_path, "SQLITE_LOCK_TIMEOUT": str(SQLITE_LOCK_SECONDS)}
        sqlite_factory = SQLiteFactory(env)
        read_store = SQLiteReadStore(sqlite_factory.datastore)
        factory = sqlite_factory
        backend = "sqlite"
        locks = None

        def lease_for(name: str) -> Lease:
            return FileLease(Path(f"{sqlite_path}.{name}.lease"))

    log = factory.application_recorder()
    snapshots = factory.aggregate_recorder("snapshots")
    read_store.create_table()
    return Storage(
        factory=factory,
        log=log,
        snapshots=snapshots,
        read_store=read_store,
        mapper=MsgspecMapper(compressor=factory.compressor(), cipher=factory.cipher()),
        backend=backend,
        lease_for=lease_for,
        locks=locks,
    )
