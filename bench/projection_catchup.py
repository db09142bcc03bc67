"""Projection catch-up from position 0, against reading the same log, in one run.

    python bench/projection_catchup.py [--events 1000000] [--backend sqlite|postgres|both]
                                       [--batch-sizes 500,1000,5000] [--repeat 3]
                                       [--profile] [--db PATH_OR_URL] [--keep]

For each backend it generates the log (or reuses `--db`), reads it once to warm
the caches, then for each batch size measures, in events per second:
  (a) read:         `select_notifications` over the whole log, as the runner pages it
                    (best of `--repeat` passes);
  (b) read+decode:  (a) plus `mapper.to_domain_event` on every notification (best of N);
  (c) catch-up:     `ProjectionRunner(OrderListProjection(...)).catch_up()` from 0,
                    into a fresh copy of the order list, rows + tracking per batch.
The target is (c) >= 0.25 x (a).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec
from generate import bench_database, generate, open_db

from infrastructure.daemon.runner import ProjectionRunner
from infrastructure.storage import Storage
from projections.order_list import OrderListProjection

TARGET = 0.25
RUNNER_DEFAULT_BATCH = 1000  # ProjectionRunner's default, what the live projections use


class Row(msgspec.Struct, frozen=True, kw_only=True):
    backend: str
    batch: int
    events: int
    read: float
    decode: float
    catch_up: float
    catch_up_seconds: float
    rows: int

    @property
    def met(self) -> bool:
        return self.catch_up >= TARGET * self.read


def read_rate(storage: Storage, batch: int, *, decode: bool) -> tuple[int, float]:
    """(events, events/s) reading the whole log the way the runner pages it."""
    to_domain_event = storage.mapper.to_domain_event
    position = done = 0
    started = time.perf_counter()
    while notifications := storage.log.select_notifications(
        start=position, limit=batch, inclusive_of_start=False
    ):
        if decode:
            for notification in notifications:
                to_domain_event(notification)
        done += len(notifications)
        position = notifications[-1].id
    return done, done / (time.perf_counter() - started)


def fresh_runner(storage: Storage, name: str, batch: int) -> ProjectionRunner:
    """A runner for an empty copy of the order list (a previous run's copy is dropped)."""
    drop(storage, OrderListProjection(name))
    return order_list_runner(storage, name, batch)


def order_list_runner(storage: Storage, name: str, batch: int) -> ProjectionRunner:
    """A runner for a copy of the order list, as far as an earlier run took it."""
    return ProjectionRunner(
        OrderListProjection(name), storage.log, storage.mapper, storage.read_store,
        batch_size=batch,
    )  # fmt: skip


def drop(storage: Storage, projection: OrderListProjection) -> None:
    """Remove a copy's tables and position, so a reused database is left as it was."""
    with storage.read_store.transaction(commit=True) as tx:
        for table in projection.tables():
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        storage.read_store.forget(tx, projection.name)


def catch_up_rate(
    storage: Storage, batch: int, *, profile: bool = False
) -> tuple[int, float, float, int]:
    """(events, events/s, seconds, order rows) for a catch-up from position 0."""
    name = f"order_list_bench_{batch}"
    runner = fresh_runner(storage, name, batch)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    done = runner.catch_up()
    seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    assert runner.parked() is None, runner.parked()
    with storage.read_store.transaction(commit=False) as tx:
        tx.execute(f"SELECT COUNT(*) AS n FROM {name}")
        found = tx.fetchone()
    rows = int(found["n"]) if found else 0
    drop(storage, OrderListProjection(name))
    return done, done / seconds, seconds, rows


def best_read_rate(storage: Storage, batch: int, *, decode: bool, repeat: int) -> tuple[int, float]:
    """The fastest of `repeat` reads: the baseline at its best, so the ratios are not flattered."""
    runs = [read_rate(storage, batch, decode=decode) for _ in range(repeat)]
    return max(runs, key=lambda run: run[1])


def measure(storage: Storage, batches: list[int], repeat: int, *, profile: bool) -> list[Row]:
    read_rate(storage, 5000, decode=False)  # warm the page cache / shared buffers
    rows = []
    for batch in batches:
        events, read = best_read_rate(storage, batch, decode=False, repeat=repeat)
        _, decode = best_read_rate(storage, batch, decode=True, repeat=repeat)
        done, catch_up, seconds, orders = catch_up_rate(storage, batch, profile=profile)
        assert done == events, (done, events)
        row = Row(
            backend=storage.backend,
            batch=batch,
            events=events,
            read=read,
            decode=decode,
            catch_up=catch_up,
            catch_up_seconds=seconds,
            rows=orders,
        )
        print(
            f"  batch {batch:>5}: read {read:>9,.0f}/s  read+decode {decode:>9,.0f}/s  "
            f"catch-up {catch_up:>7,.0f}/s ({seconds:.0f} s, {orders:,} orders)",
            flush=True,
        )
        rows.append(row)
    return rows


@contextmanager
def log_for(backend: str, args: argparse.Namespace) -> Iterator[Storage]:
    """The benchmark log: `--db` as given, else a fresh database generated for this run."""
    if args.db:
        storage = open_db(args.db)
        try:
            if not storage.log.max_notification_id():
                _generate(storage, args.events)
            yield storage
        finally:
            storage.close()
        return
    with _fresh(backend, keep=args.keep) as db:
        storage = open_db(db)
        try:
            _generate(storage, args.events)
            yield storage
        finally:
            storage.close()


@contextmanager
def _fresh(backend: str, *, keep: bool) -> Iterator[str]:
    if backend == "postgres":
        with bench_database(keep=keep) as url:
            yield url
        return
    scratch = tempfile.mkdtemp(prefix="orderhub-bench-")
    db = str(Path(scratch) / "log.db")
    try:
        yield db
    finally:
        if keep:
            print(f"kept {db}")
        else:
            for leftover in Path(scratch).iterdir():
                leftover.unlink()
            Path(scratch).rmdir()


def _generate(storage: Storage, events: int) -> None:
    result = generate(storage, events)
    copying = result.seconds - result.template_seconds
    print(
        f"  generated {result.events:,} events ({result.orders:,} orders, "
        f"{result.mix.get('CommandHandled', 0):,} CommandHandled) in {result.seconds:.1f} s: "
        f"template {result.template_seconds:.1f} s, copies {result.events / copying:,.0f} "
        f"events/s",
        flush=True,
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def report(rows: list[Row]) -> None:
    print(
        f"\nmachine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; peak RSS {peak_rss_mib():,.0f} MiB"
    )
    head = (
        f"{'backend':<10} {'batch':>5} {'events':>10} {'(a) read/s':>11} {'(b) +decode/s':>13} "
        f"{'(c) catch-up/s':>14} {'(c)/(a)':>7} {'(c)/(b)':>7}  target >= {TARGET}x (a)"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.backend:<10} {r.batch:>5} {r.events:>10,} {r.read:>11,.0f} {r.decode:>13,.0f} "
            f"{r.catch_up:>14,.0f} {r.catch_up / r.read:>7.3f} {r.catch_up / r.decode:>7.3f}  "
            f"{'met' if r.met else 'MISSED'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--batch-sizes", default=str(RUNNER_DEFAULT_BATCH), help="e.g. 500,2000")
    parser.add_argument("--db", default="", help="reuse this log (SQLite path or PostgreSQL URL)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--repeat", type=int, default=3, help="reads (a), (b): best of N")
    parser.add_argument("--profile", action="store_true", help="cProfile (c); slows it down")
    args = parser.parse_args()
    batches = [int(b) for b in args.batch_sizes.split(",")]
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if args.db and len(backends) > 1:
        parser.error("--db names one database: pick one --backend")
    rows: list[Row] = []
    for backend in backends:
        print(f"{backend}:", flush=True)
        with log_for(backend, args) as storage:
            rows += measure(storage, batches, args.repeat, profile=args.profile)
    report(rows)


if __name__ == "__main__":
    main()
