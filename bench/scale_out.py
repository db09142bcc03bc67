"""Scale-out: two API processes and two projection workers on one PostgreSQL database -
nothing lost, nothing duplicated, and more commands per second than one API process.

    python bench/scale_out.py [--seconds 10] [--connections 8] [--orders 100]

Needs wrk. Loads the demo into a fresh database and starts two `orderhub worker`
processes (every projection and policy; each projection runs in one of them at
a time, under its lease). Then customer feedback is posted (no idempotency key:
each request is a new fact) for `--seconds`:

  (a) through one API process, `--connections` connections;
  (b) through two API processes at once, half the connections each.

Afterwards, once the workers report every read model at the head of the log:
  - the log holds one feedback event per answered request (a request still in
    flight when wrk stopped may have landed too: at most one per connection),
    each with its own command id - none lost, none twice;
  - the order list's feedback counts add up to the feedback events in the log;
  - the audit trail has one row per event, and `audit verify` finds the chain
    intact - every event projected once, by whichever worker held the lease.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_load import Wrk, feedback_script, prepare, serving, worker, wrk
from generate import bench_database

from api.runtime import Runtime
from api.settings import Settings
from projections import audit_chain


def _answered(run: Wrk) -> int:
    requests = int(run.output.split(" requests in ", 1)[0].split()[-1])
    return requests - run.failed


def settle(runtime: Runtime, timeout: float = 180) -> int:
    """Wait until every read model is at the head of the log; the head."""
    deadline = time.monotonic() + timeout
    store = runtime.storage.read_store
    while True:
        head = store.head()
        behind = [n for n, p in runtime.projections.items() if p.position() < head]
        if not behind:
            return head
        if time.monotonic() > deadline:
            raise SystemExit(f"read models still behind after {timeout:.0f} s: {behind}")
        time.sleep(0.5)


def check(url: str, data: str, since: int, answered: int, connections: int) -> None:
    runtime = Runtime(Settings(database_url=url, data_dir=data, run_projections=False,
                               run_clock=False))  # fmt: skip
    try:
        head = settle(runtime)
        log = runtime.storage.log
        feedback = log.select_notifications(start=since, limit=10**8, inclusive_of_start=False,
                                            topics=["CustomerFeedbackRecorded"])  # fmt: skip
        commands = {runtime.storage.mapper.to_domain_event(n).command_id for n in feedback}
        events = log.select_notifications(start=1, limit=10**8)
        non_records = sum(n.topic != "CommandHandled" for n in events)
        with runtime.storage.read_store.transaction(commit=False) as tx:
            tx.execute(
                f"SELECT SUM(feedback_count) AS n FROM {runtime.projections['order_list'].copy}"
            )
            counted = int((tx.fetchone() or {"n": 0})["n"] or 0)
            tx.execute(f"SELECT COUNT(*) AS n FROM {runtime.projections['audit_trail'].copy}")
            trail = int((tx.fetchone() or {"n": 0})["n"])
            tx.execute(f"SELECT COUNT(*) AS n FROM {runtime.projections['order_list'].copy}")
            orders = int((tx.fetchone() or {"n": 0})["n"])
        every = log.select_notifications(start=1, limit=10**8, topics=["CustomerFeedbackRecorded"])
        every_feedback = len(every)
        report = audit_chain.verify(log, runtime.storage.read_store)
    finally:
        runtime.stop()
    checks = [
        (f"feedback events since the start: {len(feedback)}, answered requests: {answered} "
         f"(+ at most {connections} in flight)",
         answered <= len(feedback) <= answered + connections),
        (f"distinct command ids among them: {len(commands)}", len(commands) == len(feedback)),
        (f"order list feedback counts: {counted} = feedback events in the log: {every_feedback}",
         counted == every_feedback),
        (f"audit trail rows: {trail} = events in the log: {non_records}", trail == non_records),
        (f"audit verify over {head} records: {'intact' if report.intact else report.findings[:3]}",
         report.intact),
        (f"orders listed: {orders}", orders > 0),
    ]  # fmt: skip
    for said, ok in checks:
        print(f"  {'ok ' if ok else 'BAD'} {said}")
    if not all(ok for _, ok in checks):
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--orders", type=int, default=100)
    args = parser.parse_args()
    c, seconds = args.connections, args.seconds
    with tempfile.TemporaryDirectory() as data, bench_database() as url, ExitStack() as stack:
        orders, token = prepare(url, data, args.orders)
        script = feedback_script(orders, token)
        for _ in range(2):
            stack.enter_context(worker(url, data))
        runtime = Runtime(Settings(database_url=url, data_dir=data, run_projections=False))
        since = runtime.storage.read_store.head()
        runtime.stop()
        first = stack.enter_context(serving(url, data, 1))
        one = wrk(first, c, seconds, script)
        print(f"PostgreSQL, two projection workers, {c} connections, {seconds} s a run")
        print(f"  (a) one API process:   {one.rate:8,.0f} commands/s  p99 {one.p99:6.2f} ms")
        second = stack.enter_context(serving(url, data, 1))
        with ThreadPoolExecutor(2) as pool:
            both = list(pool.map(lambda base: wrk(base, c // 2, seconds, script),
                                 (first, second)))  # fmt: skip
        rate = sum(r.rate for r in both)
        print(f"  (b) two API processes: {rate:8,.0f} commands/s  ratio (b)/(a) "
              f"{rate / one.rate:5.2f}  p99 {max(r.p99 for r in both):6.2f} ms")  # fmt: skip
        failed = sum(r.failed for r in (one, *both))
        if failed:
            print(f"  {failed} requests were not answered 2xx")
        answered = sum(_answered(r) for r in (one, *both))
        check(url, data, since, answered, c * 2)


if __name__ == "__main__":
    main()
