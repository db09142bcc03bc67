"""Generate a large, realistic event log fast: copies of the demo order book.

The demo (`application.demo.load_demo`) drives a few hundred orders through the real
commands into a scratch SQLite file; that log is the template. Each copy k of a
template order gets the identity the domain would give it
(`order_id_for(channel, f"{ref}~{k}")`) and each command id becomes `f"{id}~{k}"`
(so its CommandHandled record moves to `command_stream(...)` of the new id). Both
are deterministic uuid5s of the copy number and the original. Every copied event
is re-encoded through the mapper and written straight through the library's
recorder, several thousand per call, stopping on a command boundary.

    python bench/generate.py --events 1000000 --db var/bench.db
    python bench/generate.py --backend postgres --keep   # prints the database URL
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from eventsourcing.persistence import StoredEvent
from msgspec.structs import replace

from api.runtime import service_over
from application.demo import load_demo
from domain.envelope import CommandHandled, Recorded, command_stream
from domain.order import order_id_for
from domain.order.events import Channel, OrderPlaced
from infrastructure.mapper import MsgspecMapper
from infrastructure.storage import Storage, open_storage

ADMIN_URL = os.environ.get("ORDERHUB_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
TEMPLATE_TODAY = date(2025, 12, 20)  # a fixed day: the same template, run after run
TEMPLATE_START = datetime(2025, 12, 20, 9, 0, tzinfo=UTC)
READ_BATCH = 10_000


class Generated(msgspec.Struct, frozen=True, kw_only=True):
    events: int
    orders: int
    copies: int
    seconds: float
    template_seconds: float
    mix: dict[str, int]


@contextmanager
def bench_database(*, keep: bool = False, admin_url: str = ADMIN_URL) -> Iterator[str]:
    """A fresh `orderhub_bench_<random>` database on the admin URL's server; dropped unless kept."""
    name = f"orderhub_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{admin_url.rsplit('/', 1)[0]}/{name}"
    try:
        yield url
    finally:
        if keep:
            print(f"kept {url}")
        else:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def open_db(db: str) -> Storage:
    """A PostgreSQL URL or an SQLite file path."""
    if db.startswith(("postgresql://", "postgres://")):
        return open_storage(db)
    return open_storage("", db)


def read_log(storage: Storage) -> list[Recorded[Any]]:
    """The whole log, decoded, in log order."""
    found: list[Recorded[Any]] = []
    position = 0
    while batch := storage.log.select_notifications(
        start=position, limit=READ_BATCH, inclusive_of_start=False
    ):
        found.extend(storage.mapper.to_domain_event(n) for n in batch)
        position = batch[-1].id
    return found


def load_template(orders: int) -> list[Recorded[Any]]:
    """The demo order book (and the rulebook it needs), as the real commands record it."""
    ticks = count()

    def clock() -> datetime:  # recorded-at times 1 s apart, the same on every run
        return TEMPLATE_START + timedelta(seconds=next(ticks))

    with tempfile.TemporaryDirectory(prefix="orderhub-template-") as scratch:
        storage = open_storage("", str(Path(scratch) / "template.db"))
        try:
            load_demo(service_over(storage, clock), orders=orders, today=TEMPLATE_TODAY)
            return read_log(storage)
        finally:
            storage.close()


def split_header(template: list[Recorded[Any]]) -> tuple[list[Recorded[Any]], list[Recorded[Any]]]:
    """(the commands that are not about orders, written once; the order lives, copied)."""
    not_orders = {
        r.command_id
        for r in template
        if isinstance(r.event, CommandHandled) and r.event.aggregate_type != "Order"
    }
    header = [r for r in template if r.command_id in not_orders]
    body = [r for r in template if r.command_id not in not_orders]
    return header, body


class Copier:
    """Makes copy k of the template's order lives, with fresh, consistent identities."""

    def __init__(self, body: list[Recorded[Any]], mapper: MsgspecMapper) -> None:
        self.body = body
        self.mapper = mapper
        self.refs: dict[UUID, tuple[Channel, str]] = {
            r.originator_id: (r.event.channel, r.event.external_ref)
            for r in body
            if isinstance(r.event, OrderPlaced)
        }
        first, last = body[0].timestamp, body[-1].timestamp
        self.span = last - first + timedelta(seconds=1)  # copy k is recorded after copy k-1

    def copy(self, k: int, *, command_records: bool = True) -> Iterator[tuple[StoredEvent, bool]]:
        """(stored event, whether it ends a command's atomic write) for copy k."""
        ids = {old: order_id_for(ch, f"{ref}~{k}") for old, (ch, ref) in self.refs.items()}
        shift = self.span * k
        to_stored = self.mapper.to_stored_event
        for r in self.body:
            event = r.event
            command_id = f"{r.command_id}~{k}"
            if isinstance(event, CommandHandled):
                if not command_records:
                    continue
                stream = command_stream(command_id)
                event = replace(event, command_id=command_id, aggregate_id=ids[event.aggregate_id])
            else:
                stream = ids[r.originator_id]
                if isinstance(event, OrderPlaced):
                    event = replace(event, external_ref=self.refs[r.originator_id][1] + f"~{k}")
            copied = replace(
                r,
                originator_id=stream,
                timestamp=r.timestamp + shift,
                command_id=command_id,
                correlation_id=f"{r.correlation_id}~{k}" if r.correlation_id else "",
                causation_id=f"{r.causation_id}~{k}" if r.causation_id else "",
                event=event,
            )
            # Without command records each event is its own boundary.
            yield to_stored(copied), isinstance(event, CommandHandled) or not command_records


def generate(  # noqa: PLR0913 - a script's knobs
    storage: Storage,
    events: int,
    *,
    template_orders: int = 300,
    batch: int = 5000,
    command_records: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Generated:
    """Append at least `events` events (ending on a command boundary) to an empty log."""
    if storage.log.max_notification_id():
        raise ValueError("the log is not empty; generate into a fresh database")
    started = time.perf_counter()
    header, body = split_header(load_template(template_orders))
    template_seconds = time.perf_counter() - started
    copier = Copier(body, storage.mapper)
    mix: Counter[str] = Counter()
    pending = [storage.mapper.to_stored_event(r) for r in header]
    written, k = 0, 0
    while written + len(pending) < events:
        for stored, boundary in copier.copy(k, command_records=command_records):
            pending.append(stored)
            if boundary and (len(pending) >= batch or written + len(pending) >= events):
                written += _flush(storage, pending, mix)
                if progress is not None:
                    progress(written)
                if written >= events:
                    break
        k += 1
    written += _flush(storage, pending, mix)
    if storage.backend == "postgresql":
        _vacuum(storage)
    return Generated(
        events=written,
        orders=mix["OrderPlaced"],
        copies=k,
        seconds=time.perf_counter() - started,
        template_seconds=template_seconds,
        mix=dict(mix.most_common()),
    )


def _flush(storage: Storage, pending: list[StoredEvent], mix: Counter[str]) -> int:
    n = len(pending)
    if n:
        storage.log.insert_events(pending)
        mix.update(s.topic for s in pending)
        pending.clear()
    return n


def _vacuum(storage: Storage) -> None:
    """Settle the freshly loaded tables so autovacuum does not start mid-measurement."""
    with storage.factory.datastore.get_connection() as conn:  # type: ignore[attr-defined]
        conn.execute("VACUUM ANALYZE")  # the library's pooled connections are autocommit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--db", default="", help="SQLite path or PostgreSQL URL (empty log)")
    parser.add_argument("--keep", action="store_true", help="keep the fresh PostgreSQL database")
    parser.add_argument("--batch", type=int, default=5000, help="events per insert_events call")
    parser.add_argument("--template-orders", type=int, default=300)
    parser.add_argument(
        "--without-command-records", action="store_true", help="skip CommandHandled records"
    )
    args = parser.parse_args()

    def run(db: str) -> None:
        storage = open_db(db)
        try:
            result = generate(
                storage,
                args.events,
                template_orders=args.template_orders,
                batch=args.batch,
                command_records=not args.without_command_records,
                progress=lambda n: print(f"\r{n:>10,} events", end="", flush=True),
            )
        finally:
            storage.close()
        print(f"\n{msgspec.json.format(msgspec.json.encode(result)).decode()}")
        rate = result.events / (result.seconds - result.template_seconds)
        print(f"{result.events:,} events in {result.seconds:.1f} s ({rate:,.0f} events/s copied)")

    if args.db:
        run(args.db)
    elif args.backend == "postgres":
        with bench_database(keep=args.keep) as url:
            run(url)
    else:
        run("var/bench/orderhub_bench.db")


if __name__ == "__main__":
    main()
