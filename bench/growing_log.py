"""Command latency and projection lag on a log of 10,000,000 events against an almost
empty one, in one run.

    python bench/growing_log.py [--backend sqlite|postgres|both] [--events 10000000]
                                [--small 20000] [--samples 300] [--db PATH_OR_URL]

Two logs of the same realistic order lives (bench/generate.py, bulk inserts):
`--small` events and `--events` events, both kept open. On each, the order list
is caught up to the head; then, in `--rounds` rounds that alternate between the
two logs (a shared machine's speed drifts by half within minutes, and one log
is measured half an hour after the other otherwise), `--samples` commands
(feedback, costs, estimates) go to orders spread over the whole log, one at a
time:

  command latency - `ApplicationService.execute`, from a new process's first
                    look at each order (nothing in memory: its events are read);
  projection lag  - from the command's return until the order list shows it
                    (the runner reads the log after its position, applies, and
                    records its new position).

Target: both within 1.2x on the big log of the small one; the figure is the
median of the rounds' ratios. `--db` reuses a big log made before (an SQLite
path or a PostgreSQL URL; generated into if empty) and its order list, brought
up to date. Before each round, the store is checkpointed (see `server_io`).
On PostgreSQL it also prints, per command (and its projection), the write-ahead
log written - full-page images and bytes - and the reads the shared buffers
missed (pg_stat_wal, pg_stat_database; with the time they took, if the server
has `track_io_timing` on), which show where a big log's cost is.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from commands import command_for
from generate import bench_database, generate, open_db
from projection_catchup import fresh_runner, order_list_runner

from api.runtime import service_over
from application.service import CommandMeta
from domain.deciders import ORDER
from infrastructure.storage import Storage


@contextmanager
def log_of(backend: str, events: int, db: str = "") -> Iterator[tuple[Storage, str]]:
    """A store holding a generated log of at least `events` events."""
    with tempfile.TemporaryDirectory() as tmp:
        if db:
            target = db
        elif backend == "postgres":
            target = ""
        else:
            target = f"{tmp}/log.db"
        with bench_database() if backend == "postgres" and not db else _given(target) as where:
            storage = open_db(where)
            try:
                if not storage.log.max_notification_id():
                    started = time.perf_counter()
                    made = generate(storage, events, progress=_progress)
                    print(f"\r  generated {made.events:,} events ({made.orders:,} orders) in "
                          f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
                yield storage, where
            finally:
                storage.close()


@contextmanager
def _given(where: str) -> Iterator[str]:
    yield where


def _progress(n: int) -> None:
    if n % 500_000 < 5000:
        print(f"\r  {n:>12,} events", end="", flush=True)


def _orders(storage: Storage, count: int) -> list[UUID]:
    """Orders spread over the whole log."""
    head = storage.log.max_notification_id() or 0
    rng = random.Random(head)  # a reused log, grown by the last run: other orders
    found: list[UUID] = []
    while len(found) < count:
        start = rng.randrange(0, max(head - 10_000, 1))
        placed = storage.log.select_notifications(start=start, limit=1, topics=["OrderPlaced"])
        found += [UUID(str(n.originator_id)) for n in placed]
    return found


_SERVER_IO = """SELECT w.wal_fpi, w.wal_bytes, d.blks_read, d.blks_hit, d.blk_read_time
                FROM pg_stat_wal w, pg_stat_database d WHERE d.datname = current_database()"""


_STATS_FLUSHED = 11  # seconds: an idle backend reports its statistics within 10 (PostgreSQL 15)


@contextlib.contextmanager
def server_io(where: str, commands: int) -> Iterator[None]:
    """Settle the store first: a checkpoint, so that writing out what the catch-up
    just wrote (gigabytes, on the big log) is not under way while commands are
    timed - it is what a bulk load leaves behind, not what a grown log costs. On
    PostgreSQL, print what the server wrote and missed per command meanwhile."""
    if not where.startswith("postgres"):
        with sqlite3.connect(where) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield
        return
    with psycopg.connect(where, autocommit=True) as conn:
        timed = conn.execute("SELECT current_setting('track_io_timing')").fetchone() == ("on",)
        conn.execute("CHECKPOINT")
        time.sleep(_STATS_FLUSHED)  # what the catch-up did is counted before, not during
        before = conn.execute(_SERVER_IO).fetchone()
        yield
        time.sleep(_STATS_FLUSHED)
        after = conn.execute(_SERVER_IO).fetchone()
    assert before is not None
    assert after is not None
    fpi, wal, missed, hit, reading = (
        float(a - b) / commands for a, b in zip(after, before, strict=True)
    )
    # How long the misses took to read is known only if the server times its reads.
    read = f" (read in {reading:.2f} ms)" if timed else ""
    print(f"  per command: {fpi:.1f} full-page images, {wal / 1024:.1f} kB of WAL; "
          f"{missed:.1f} of {missed + hit:.0f} buffer reads missed{read}", flush=True)  # fmt: skip


class Log:
    """One generated log, its order list caught up, and orders to command."""

    def __init__(self, storage: Storage, where: str, orders: int, *, reused: bool) -> None:
        self.storage, self.where = storage, where
        runner = order_list_runner if reused else fresh_runner  # a reused log's copy is kept
        self.runner = runner(storage, "order_list_growing", 1000)
        started = time.perf_counter()
        self.runner.catch_up()
        self.head = storage.log.max_notification_id() or 0
        print(f"  {self.head:,} records; order list caught up in "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        self.orders = _orders(storage, orders)
        self.done = 0

    def working_set(self, *, prewarm: bool) -> None:
        """On PostgreSQL, print the size of what every command and projection reads
        at random - the log's indexes and the order list - against the buffer
        pool; with `prewarm`, load it into the pool first (pg_prewarm)."""
        if not self.where.startswith("postgres"):
            return
        with psycopg.connect(self.where, autocommit=True) as conn:
            relations = conn.execute(
                "SELECT c.oid, pg_relation_size(c.oid) FROM pg_class c "
                "WHERE c.relname LIKE 'stored_events%' AND c.relkind = 'i' "
                "OR c.relname LIKE 'order_list_growing%' AND c.relkind IN ('r', 'i')"
            ).fetchall()
            if prewarm:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
                for oid, _ in relations:
                    conn.execute("SELECT pg_prewarm(%s)", (oid,))
            pool = conn.execute("SELECT current_setting('shared_buffers')").fetchone()
        size = sum(n for _, n in relations) / 2**20
        warm = ", prewarmed" if prewarm else ""
        print(f"  the log's indexes and the order list: {size:,.0f} MB; shared_buffers "
              f"{pool[0] if pool else '?'}{warm}", flush=True)  # fmt: skip

    def round(self, samples: int) -> tuple[float, float]:
        """Median command latency and projection lag (seconds) over the next `samples` orders."""
        storage, runner = self.storage, self.runner
        commands, lags = [], []
        with server_io(self.where, samples):
            for n in range(self.done, self.done + samples):
                order = self.orders[n]
                service = service_over(storage)  # a new process: nothing in memory
                state = service.load(ORDER, order)
                meta = CommandMeta(command_id=f"growing-{self.head}-{n}", actor="bench")
                command = command_for(3 * n, state)  # feedback: any order takes it
                service.cache = type(service.cache)()  # the load above must not help the command
                began = time.perf_counter()
                outcome = service.execute(ORDER, order, command, meta)
                done = time.perf_counter()
                while runner.position() < outcome.position:
                    runner.run_once()
                lags.append(time.perf_counter() - done)
                commands.append(done - began)
        self.done += samples
        return statistics.median(commands), statistics.median(lags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=300, help="commands per log and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", default="", help="reuse this big log (SQLite path or URL)")
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="PostgreSQL: load each log's indexes and order list into the buffer pool "
        "first (pg_prewarm; shared_buffers must hold them)",
    )
    args = parser.parse_args()
    for backend in ["sqlite", "postgres"] if args.backend == "both" else [args.backend]:
        print(f"\n{backend}:")
        with contextlib.ExitStack() as stack:
            small, big = (
                Log(
                    *stack.enter_context(log_of(backend, events, db)),
                    args.samples * args.rounds,
                    reused=bool(db),
                )
                for events, db in ((args.small, ""), (args.events, args.db))
            )
            for log in (small, big):
                log.working_set(prewarm=args.prewarm)
            command_ratios, lag_ratios = [], []
            for n in range(1, args.rounds + 1):
                (c1, l1), (c2, l2) = small.round(args.samples), big.round(args.samples)
                command_ratios.append(c2 / c1)
                lag_ratios.append(l2 / l1)
                print(f"  round {n}: command {c1 * 1000:6.2f} / {c2 * 1000:6.2f} ms  ratio "
                      f"{c2 / c1:5.2f};  lag {l1 * 1000:6.2f} / {l2 * 1000:6.2f} ms  ratio "
                      f"{l2 / l1:5.2f}", flush=True)  # fmt: skip
        print(f"  command latency at {small.head:,} / {big.head:,} records: median ratio "
              f"{statistics.median(command_ratios):5.2f}  (target <= 1.2)")  # fmt: skip
        print(f"  projection lag at {small.head:,} / {big.head:,} records:  median ratio "
              f"{statistics.median(lag_ratios):5.2f}  (target <= 1.2)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
