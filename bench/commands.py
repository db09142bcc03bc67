"""Commands per second through the application service, against raw single-row inserts,
measured in one run.

    python bench/commands.py [--backend postgres|sqlite|both] [--commands 3000]
                             [--clients 1,4,8] [--orders 100] [--profile FILE]

Baseline (the issue's): a raw single-row INSERT + durable COMMIT on one connection
(psycopg on PostgreSQL, sqlite3 in WAL mode as the library opens it on SQLite),
into a table shaped like the event log, rows the size of our events.

Measured: realistic commands (feedback, actual costs, cost estimates) on demo
orders that hold 5 to 50 events each, through `ApplicationService.execute` -
load, decide, append the events and the command's record - from 1 and from
several client threads sharing the service, as the API's worker threads do.
Projections and the clock are off: this is the write path alone.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import ADMIN_URL, bench_database

from api.runtime import Runtime
from api.settings import Settings
from application.demo import load_demo
from application.service import CommandMeta
from domain.deciders import ORDER
from domain.order import OrderState
from domain.order import commands as cmd
from domain.shared import Money

TODAY = date(2025, 12, 20)
PAYLOAD = os.urandom(360)  # about one stored event of ours (JSON of a feedback, an envelope)
_AT = datetime(2025, 12, 20, 9, tzinfo=UTC)
INSERT = ("INSERT INTO raw_events (originator_id, originator_version, topic, state) "
          "VALUES (%s, %s, %s, %s)")  # fmt: skip


# --- baselines ---------------------------------------------------------------------


def raw_postgres(url: str, count: int) -> float:
    """Inserts + commits per second on one connection."""
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE raw_events (originator_id uuid NOT NULL, originator_version "
                     "int NOT NULL, topic text NOT NULL, state bytea, notification_id bigserial, "
                     "PRIMARY KEY (originator_id, originator_version))")  # fmt: skip
        conn.commit()
        stream = uuid.uuid4()
        started = time.perf_counter()
        for version in range(1, count + 1):
            row = (stream, version, "CustomerFeedbackRecorded", PAYLOAD)
            conn.execute(INSERT, row, prepare=True)
            conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE raw_events")
        conn.commit()
    return count / elapsed


def raw_sqlite(path: str, count: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE raw_events (originator_id TEXT, originator_version INTEGER, "
        "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    stream = str(uuid.uuid4())
    started = time.perf_counter()
    for version in range(1, count + 1):
        conn.execute("BEGIN")
        conn.execute("INSERT INTO raw_events VALUES (?, ?, ?, ?)",
                     (stream, version, "CustomerFeedbackRecorded", PAYLOAD))  # fmt: skip
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.execute("DROP TABLE raw_events")
    conn.close()
    return count / elapsed


# --- the service -------------------------------------------------------------------


def command_for(n: int, state: OrderState) -> Any:
    at = _AT + timedelta(seconds=n)
    match n % 3:
        case 0:
            return cmd.RecordFeedback(rating=1 + n % 5, comment=f"第 {n} 次回访, 交付顺利", at=at)
        case 1:
            amount = Money(amount=Decimal(100 + n % 900), currency=state.currency)
            return cmd.RecordActualCost(amount=amount, category="material", incurred_at=at,
                                        note=f"领料单 {n}")  # fmt: skip
        case _:
            estimate = Money(amount=Decimal(50_000 + n), currency=state.currency)
            return cmd.EstimateCost(estimated_cost=estimate, note=f"第 {n} 版估算")


def run_service(
    runtime: Runtime, orders: list[UUID], count: int, clients: int
) -> tuple[float, list[float]]:
    """Commands per second and each command's latency (seconds)."""
    states = {o: runtime.service.load(ORDER, o) for o in orders}
    run = uuid.uuid4().hex[:8]
    latencies: list[float] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        mine = []
        for i in range(c, count, clients):
            order = orders[(i * 7919) % len(orders)]
            command = command_for(i, states[order])
            meta = CommandMeta(command_id=f"bench-{run}-{i}", actor="bench")
            started = time.perf_counter()
            runtime.service.execute(ORDER, order, command, meta)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(1, clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    client(0)  # in this thread: what a profiler sees
    for t in threads:
        t.join()
    return count / (time.perf_counter() - started), latencies


@contextmanager
def demo_runtime(backend: str, orders: int) -> Iterator[tuple[Runtime, list[UUID], str]]:
    """A runtime over a fresh store holding the demo's orders; the URL or path of the store."""
    with tempfile.TemporaryDirectory() as tmp, (bench_database() if backend == "postgres"
                                               else _nothing()) as url:  # fmt: skip
        settings = Settings(database_url=url or "", sqlite_path=f"{tmp}/bench.db", data_dir=tmp,
                            run_projections=False, run_clock=False)  # fmt: skip
        runtime = Runtime(settings)
        runtime.bootstrap()
        try:
            load_demo(runtime.service, orders=orders, today=TODAY)
            log = runtime.storage.log
            notifications = log.select_notifications(start=1, limit=10**7, topics=["OrderPlaced"])
            ids = [UUID(str(n.originator_id)) for n in notifications]
            ids = [o for o in ids if 5 <= runtime.service.load(ORDER, o).version <= 50]
            yield runtime, ids, url or f"{tmp}/raw.db"
        finally:
            runtime.stop()
            runtime.storage.close()


@contextmanager
def _nothing() -> Iterator[str]:
    yield ""


def _ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--commands", type=int, default=3000)
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--profile", help="write a pyinstrument profile of 1 client to FILE")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    print(f"{args.commands} commands per run; baseline: raw INSERT + COMMIT, one connection "
          f"(PostgreSQL at {ADMIN_URL.rsplit('/', 1)[0]})")  # fmt: skip
    for backend in backends:
        with demo_runtime(backend, args.orders) as (runtime, orders, url):
            raw = (raw_postgres(url, args.commands) if backend == "postgres"
                   else raw_sqlite(url, args.commands))  # fmt: skip
            print(f"\n{backend}: {len(orders)} orders of 5-50 events; raw {raw:8,.0f}/s")
            if args.profile:
                from pyinstrument import Profiler  # noqa: PLC0415 - only when profiling

                with Profiler() as profiler:
                    run_service(runtime, orders, args.commands, 1)
                Path(f"{args.profile}.{backend}.txt").write_text(
                    profiler.output_text(show_all=True)
                )
            for n in clients:
                rate, latencies = run_service(runtime, orders, args.commands, n)
                print(f"  {n:2} client(s): {rate:8,.0f} commands/s  ratio {rate / raw:5.2f}  "
                      f"p50 {_ms(latencies, 50):6.2f} ms  p99 {_ms(latencies, 99):6.2f} ms",
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
