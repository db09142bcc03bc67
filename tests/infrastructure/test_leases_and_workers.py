"""One worker per projection at a time, and a standby takes over when the holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from api.runtime import service_over
from infrastructure.daemon.lease import AdvisoryLease, AdvisoryLocks, FileLease, Lease
from infrastructure.storage import Storage
from tests.projections.scenario import write_scenario


def _exclusive(first: Lease, second: Lease) -> None:
    assert first.try_acquire()
    assert first.try_acquire()  # re-entrant for its holder
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


def test_a_file_lease_has_one_holder(tmp_path: Path) -> None:
    _exclusive(FileLease(tmp_path / "x.lease"), FileLease(tmp_path / "x.lease"))


@pytest.mark.postgres
def test_an_advisory_lease_has_one_holder(postgres_url: str) -> None:
    here, there = AdvisoryLocks(postgres_url), AdvisoryLocks(postgres_url)  # two processes'
    try:
        _exclusive(AdvisoryLease(here, "order_list"), AdvisoryLease(there, "order_list"))
        other = AdvisoryLease(here, "another")
        assert other.try_acquire()
        assert not AdvisoryLease(there, "another").try_acquire()
        other.release()
        assert AdvisoryLease(there, "another").try_acquire()
    finally:
        here.close()
        there.close()


@pytest.mark.postgres
def test_a_process_holds_its_leases_on_one_connection(postgres_url: str) -> None:
    locks = AdvisoryLocks(postgres_url)
    try:
        leases = [AdvisoryLease(locks, f"projection_{n}") for n in range(5)]
        assert all(lease.try_acquire() for lease in leases)
        with psycopg.connect(postgres_url) as conn:
            holders = conn.execute(
                "SELECT count(DISTINCT pid), count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ).fetchone()  # this test's database: other tests' locks are the server's too
        assert holders == (1, 5)
    finally:
        locks.close()


@pytest.mark.postgres
def test_leases_are_taken_again_after_their_session_is_lost(postgres_url: str) -> None:
    here, there = AdvisoryLocks(postgres_url), AdvisoryLocks(postgres_url)
    try:
        lease = AdvisoryLease(here, "order_list")
        assert lease.try_acquire()
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks "
                "WHERE locktype = 'advisory' "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )  # not the sessions of tests running beside this one; waits until they are gone
        taken = AdvisoryLease(there, "order_list")
        assert taken.try_acquire()  # the lock died with the session
        with pytest.raises(psycopg.OperationalError):  # here learns it on its next ask
            AdvisoryLease(here, "another").try_acquire()
        assert not lease.try_acquire()  # a new session: the lease is the other's now
        taken.release()
        assert lease.try_acquire()
    finally:
        here.close()
        there.close()


def _worker(store_settings: tuple[str, str], data_dir: Path) -> subprocess.Popen[bytes]:
    database_url, sqlite_path = store_settings
    env = {
        **os.environ,
        "ORDERHUB_DATABASE_URL": database_url,
        "ORDERHUB_SQLITE_PATH": sqlite_path,
        "ORDERHUB_DATA_DIR": str(data_dir),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker", "--projection", "order_list"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _caught_up(storage: Storage, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while storage.read_store.tracked_position("order_list") < storage.read_store.head():
        assert time.monotonic() < deadline, "the projection did not catch up"
        time.sleep(0.1)


def test_a_standby_worker_takes_over_when_the_holder_dies(
    storage: Storage, store_settings: tuple[str, str], tmp_path: Path
) -> None:
    write_scenario(service_over(storage), orders=4)
    holder = _worker(store_settings, tmp_path)
    standby = None
    try:
        _caught_up(storage)
        standby = _worker(store_settings, tmp_path)
        time.sleep(1.0)
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        write_scenario(service_over(storage), orders=8)  # new orders 4..7, after the holder died
        _caught_up(storage)
        assert standby.poll() is None
    finally:
        for process in (holder, standby):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
