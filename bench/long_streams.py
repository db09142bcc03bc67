"""Command latency on an order with 10,000 events against one with a handful, in one run.

    python bench/long_streams.py [--backend postgres|sqlite|both] [--events 10000]
                                 [--samples 300]

Two demo orders: one as the demo left it (5-50 events) and one given `--events`
more (customer feedback, the one fact an order takes any number of). Then the
same commands on each, timed one by one:

  warm - the service has the order's state in memory (the usual case: the last
         command on the order went through this process);
  cold - a new process's first command: nothing in memory, the state comes from
         the latest snapshot (every 50 events) and the events after it.

Target: the long order's latency within 2x of the short one's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from commands import command_for, demo_runtime

from api.runtime import Runtime
from application.service import CommandMeta
from application.state_cache import StateCache
from domain.deciders import ORDER


def _grow(runtime: Runtime, order: UUID, events: int) -> None:
    state = runtime.service.load(ORDER, order)
    for n in range(events):
        meta = CommandMeta(command_id=f"grow-{order}-{n}", actor="bench")
        runtime.service.execute(ORDER, order, command_for(3 * n, state), meta)


def _latencies(runtime: Runtime, order: UUID, samples: int, *, cold: bool) -> list[float]:
    state = runtime.service.load(ORDER, order)
    run = uuid.uuid4().hex[:8]
    found = []
    for n in range(samples):
        if cold:
            runtime.service.cache = StateCache()
        meta = CommandMeta(command_id=f"lat-{run}-{n}", actor="bench")
        started = time.perf_counter()
        runtime.service.execute(ORDER, order, command_for(n, state), meta)
        found.append(time.perf_counter() - started)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    for backend in backends:
        with demo_runtime(backend, 20) as (runtime, orders, _):
            short, long = orders[0], orders[1]
            started = time.perf_counter()
            _grow(runtime, long, args.events)
            grown = runtime.service.load(ORDER, long).version
            print(f"\n{backend}: grew an order to {grown} events in "
                  f"{time.perf_counter() - started:.1f} s; the short one has "
                  f"{runtime.service.load(ORDER, short).version}")  # fmt: skip
            for cold in (False, True):
                a = statistics.median(_latencies(runtime, short, args.samples, cold=cold))
                b = statistics.median(_latencies(runtime, long, args.samples, cold=cold))
                print(f"  {'cold' if cold else 'warm'}: short {a * 1000:6.2f} ms  long "
                      f"{b * 1000:6.2f} ms  long/short {b / a:5.2f}  (target <= 2)",
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
