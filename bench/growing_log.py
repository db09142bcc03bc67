"""Command latency and projection lag on a log of 10,000,000 events against an almost
empty one, in one run.

    python bench/growing_log.py [--backend sqlite|postgres|both] [--events 10000000]
                                [--small 20000] [--samples 300] [--db PATH_OR_URL]

Two logs of the same realistic order lives (bench/generate.py, bulk inserts):
`--small` events and `--events` events. On each, the order list is caught up to
the head, then `--samples` commands (feedback, costs, estimates) go to orders
spread over the whole log, one at a time:

  command latency - `ApplicationService.execute`, from a new process's first
                    look at each order (nothing in memory: its events are read);
  projection lag  - from the command's return until the order list shows it
                    (the runner reads the log after its position, applies, and
                    records its new position).

Target: both within 1.2x on the big log of the small one. `--db` reuses a big
log made before (an SQLite path or a PostgreSQL URL; generated into if empty).
Before the commands, the store is checkpointed (see `server_io`). On
PostgreSQL it also prints, per command (and its projection), the write-ahead
log written - full-page images and bytes - and the reads the shared buffers
missed (pg_stat_wal, pg_stat_database), which show where a big log's cost is.
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
from projection_catchup import fresh_runner

from api.storage import Storage
from domain.service import ORDER, CommandMeta


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
    rng = random.Random(7)
    found: list[UUID] = []
    while len(found) < count:
        start = rng.randrange(0, max(head - 10_000, 1))
        placed = storage.log.select_notifications(start=start, limit=1, topics=["OrderPlaced"])
        found += [UUID(str(n.originator_id)) for n in placed]
    return found


_SERVER_IO = """SELECT w.wal_fpi, w.wal_bytes, d.blks_read, d.blks_hit
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
        conn.execute("CHECKPOINT")
        time.sleep(_STATS_FLUSHED)  # what the catch-up did is counted before, not during
        before = conn.execute(_SERVER_IO).fetchone()
        yield
        time.sleep(_STATS_FLUSHED)
        after = conn.execute(_SERVER_IO).fetchone()
    assert before is not None
    assert after is not None
    fpi, wal, missed, hit = (float(a - b) / commands for a, b in zip(after, before, strict=True))
    print(f"  per command: {fpi:.1f} full-page images, {wal / 1024:.1f} kB of WAL; "
          f"{missed:.1f} of {missed + hit:.0f} buffer reads missed", flush=True)  # fmt: skip


def measure(storage: Storage, samples: int, where: str) -> tuple[float, float, int]:
    """Median command latency and projection lag (seconds), and the log's size."""
    runner = fresh_runner(storage, "order_list_growing", 1000)
    started = time.perf_counter()
    runner.catch_up()
    head = storage.log.max_notification_id() or 0
    print(f"  {head:,} records; order list caught up in {time.perf_counter() - started:.0f} s",
          flush=True)  # fmt: skip
    orders = _orders(storage, samples)
    commands, lags = [], []
    with server_io(where, len(orders)):
        for n, order in enumerate(orders):
            service = storage.service()  # a new process: nothing in memory
            state = service.load(ORDER, order)
            meta = CommandMeta(command_id=f"growing-{head}-{n}", actor="bench")
            command = command_for(3 * n, state)  # feedback: any order takes it
            service.cache = type(service.cache)()  # the load above must not help the command
            began = time.perf_counter()
            outcome = service.execute(ORDER, order, command, meta)
            done = time.perf_counter()
            while runner.position() < outcome.position:
                runner.run_once()
            lags.append(time.perf_counter() - done)
            commands.append(done - began)
    return statistics.median(commands), statistics.median(lags), head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--db", default="", help="reuse this big log (SQLite path or URL)")
    args = parser.parse_args()
    for backend in ["sqlite", "postgres"] if args.backend == "both" else [args.backend]:
        print(f"\n{backend}:")
        figures = []
        for events, db in ((args.small, ""), (args.events, args.db)):
            with log_of(backend, events, db) as (storage, where):
                figures.append(measure(storage, args.samples, where))
        (c1, l1, h1), (c2, l2, h2) = figures
        print(f"  command latency: {c1 * 1000:6.2f} ms at {h1:,} records, {c2 * 1000:6.2f} ms at "
              f"{h2:,}  ratio {c2 / c1:5.2f}  (target <= 1.2)")  # fmt: skip
        print(f"  projection lag:  {l1 * 1000:6.2f} ms at {h1:,} records, {l2 * 1000:6.2f} ms at "
              f"{h2:,}  ratio {l2 / l1:5.2f}  (target <= 1.2)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
