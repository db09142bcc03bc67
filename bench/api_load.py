"""Commands and reads through the running HTTP API, against the service in-process and
against a trivial route of the same server, in one run.

    python bench/api_load.py [--backend postgres|sqlite] [--workers 2] [--seconds 10]
                         [--orders 300] [--command-connections 8] [--read-connections 32]

Needs wrk (`apt-get install wrk`). Loads the demo order book into a fresh store
and brings every read model up to date, then:

  (1) the service: the same commands as bench/commands.py through
      `ApplicationService.execute` in this process (4 client threads);
  (2) commands over HTTP: `POST /orders/{id}/feedback` (a bearer token, a JSON
      body) from wrk against `orderhub serve --workers N` - target >= 0.7x (1).
      (1) and (2) alternate `--rounds` times (a shared machine's speed drifts
      by half within minutes) and the median ratio is the figure;
  (3) reads at `--read-connections` concurrent connections: `GET /orders` (a
      page of 20), the dashboard's in-progress board and its KPIs - p50/p99 and
      requests/s against `GET /health/live`, a route that does nothing, on the
      same server - targets p99 <= 15 ms and >= 0.5x the trivial route. Twice:
      answers kept while the read model stands still (the default), and
      computed for every request (ORDERHUB_READ_CACHE_SIZE=0, a server of its
      own), which is what a read costs the first time after each change - also
      against `GET /health`, one indexed query in a worker thread, the least
      any computed read costs; and while commands flow: the POSTs of (2) run
      throughout, a projection worker (`orderhub worker`) keeps the read models
      moving, and answers are kept for ORDERHUB_READ_CACHE_TRAIL after the
      read model moved - the trivial route measured under the same writes is
      the baseline.

The server runs with projections and clock policies off (the read models were
brought up to date before): it is the API tier alone, as when workers run
elsewhere. wrk (and the worker, while commands flow) share the machine's cores
with the server.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from commands import TODAY, run_service
from generate import bench_database

from api.auth import Role, issue_token
from api.runtime import Runtime
from api.settings import Settings
from application.demo import load_demo
from domain.deciders import ORDER

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _store(backend: str) -> Iterator[tuple[str, str]]:
    """(database URL, data directory) of a fresh store."""
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "postgres":
            with bench_database() as url:
                yield url, tmp
        else:
            yield "", tmp


def _settings(url: str, data: str, *, projections: bool) -> Settings:
    return Settings(database_url=url, sqlite_path=f"{data}/orderhub.db", data_dir=data,
                    run_projections=projections, run_clock=False)  # fmt: skip


def prepare(url: str, data: str, orders: int) -> tuple[list[UUID], str]:
    """Load the demo, catch every read model up; the orders of 5-50 events, a token."""
    runtime = Runtime(_settings(url, data, projections=True))
    try:
        runtime.bootstrap()
        load_demo(runtime.service, orders=orders, today=TODAY)
        for runner in runtime.projections.values():
            runner.catch_up()
        log = runtime.storage.log
        placed = log.select_notifications(start=1, limit=10**7, topics=["OrderPlaced"])
        ids = [UUID(str(n.originator_id)) for n in placed]
        ids = [o for o in ids if 5 <= runtime.service.load(ORDER, o).version <= 50]
        token = issue_token(runtime.token_key, "bench", Role.ADMIN)
    finally:
        runtime.stop()
        runtime.storage.close()
    return ids, token


def service_rate(url: str, data: str, orders: list[UUID], count: int) -> float:
    runtime = Runtime(_settings(url, data, projections=False))
    try:
        return run_service(runtime, orders, count, 4)[0]
    finally:
        runtime.stop()
        runtime.storage.close()


@contextmanager
def worker(url: str, data: str) -> Iterator[subprocess.Popen[bytes]]:
    """`orderhub worker`: every projection and policy, clock policies off."""
    env = {**os.environ, "ORDERHUB_DATABASE_URL": url, "ORDERHUB_DATA_DIR": data,
           "ORDERHUB_RUN_CLOCK": "0", "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "api.cli", "worker"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def serving(url: str, data: str, workers: int, *, cache: bool = True) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "ORDERHUB_DATABASE_URL": url, "ORDERHUB_SQLITE_PATH":
           f"{data}/orderhub.db", "ORDERHUB_DATA_DIR": data, "ORDERHUB_RUN_PROJECTIONS": "0",
           "ORDERHUB_RUN_CLOCK": "0", "PYTHONPATH": str(ROOT / "src"),
           "ORDERHUB_READ_CACHE_SIZE": "1024" if cache else "0"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers",
         str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            said = server.stderr.read() if server.stderr else b""
            raise RuntimeError(f"the server did not start: {said!r}")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


class Wrk:
    """One wrk run: requests/s, p50 and p99 in ms, and how many answers were not 2xx."""

    def __init__(self, output: str) -> None:
        self.output = output
        self.rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
        self.p50 = self._latency("50")
        self.p99 = self._latency("99")
        failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        errors = re.search(r"Socket errors: .*", output)
        self.failed = int(failed[1]) if failed else 0
        self.errors = errors[0] if errors else ""

    def _latency(self, q: str) -> float:
        found = re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)\s*$", self.output, re.MULTILINE)
        if not found:
            return float("nan")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[found[2]]
        return float(found[1]) * scale


def wrk(url: str, connections: int, seconds: int, script: str | None = None) -> Wrk:
    args = ["wrk", "--latency", "-t2", f"-c{connections}", f"-d{seconds}s"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            args += ["-s", lua.name]
        done = subprocess.run([*args, url], capture_output=True, text=True, check=True)
    return Wrk(done.stdout)


def feedback_script(orders: list[UUID], token: str) -> str:
    body = json.dumps({"rating": 4, "comment": "回访: 交付顺利", "at": "2025-12-20T09:00:00+08:00"})
    ids = ", ".join(f'"{o}"' for o in orders)
    return f"""
local ids = {{{ids}}}
local n = 0
local headers = {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer {token}"}}
request = function()
  n = n + 1
  return wrk.format("POST", "/orders/" .. ids[(n % #ids) + 1] .. "/feedback", headers, {body!r})
end
"""


def _read_script(path: str, token: str) -> str:
    return f"""
wrk.headers["Authorization"] = "Bearer {token}"
wrk.path = "{path}"
"""


def _line(name: str, run: Wrk, baseline: float, target: str) -> str:
    broken = f"  ({run.failed} not 2xx) {run.errors}" if run.failed or run.errors else ""
    return (f"  {name:34} {run.rate:9,.0f}/s  ratio {run.rate / baseline:5.2f}  "
            f"p50 {run.p50:7.2f} ms  p99 {run.p99:7.2f} ms  {target}{broken}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--command-connections", type=int, default=8)
    parser.add_argument("--read-connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="(1) then (2), this many times")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/api_load.py needs wrk: apt-get install wrk")
    with _store(args.backend) as (url, data):
        orders, token = prepare(url, data, args.orders)
        print(f"{args.backend}, {len(orders)} orders of 5-50 events, {args.workers} API "
              f"process(es), {args.seconds} s per run")  # fmt: skip
        with serving(url, data, args.workers) as base:
            wrk(f"{base}/health/live", 4, 2)  # warm up
            ratios = []
            for _ in range(args.rounds):
                service = service_rate(url, data, orders, 3000)
                print(f"  (1) service in-process, 4 threads     {service:9,.0f}/s")
                commands = wrk(base, args.command_connections, args.seconds,
                               feedback_script(orders, token))  # fmt: skip
                print(_line(f"(2) POST feedback, {args.command_connections} connections",
                            commands, service, "target >= 0.70"), flush=True)  # fmt: skip
                ratios.append(commands.rate / service)
            print(f"  (2) median ratio of {args.rounds} rounds: {statistics.median(ratios):.2f}")
            n = args.read_connections
            trivial = wrk(f"{base}/health/live", n, args.seconds)
            print(_line(f"(3) GET /health/live, {n} connections", trivial, trivial.rate,
                        "(the trivial route)"))  # fmt: skip
            reads(base, token, n, args.seconds, trivial.rate, "kept")
        with serving(url, data, args.workers, cache=False) as base:
            query = wrk(f"{base}/health", n, args.seconds)
            print(_line(f"(3) GET /health, {n} connections", query, trivial.rate,
                        "(one query in a worker thread)"))  # fmt: skip
            reads(base, token, n, args.seconds, trivial.rate, "computed", query.rate)
        with serving(url, data, args.workers) as base, worker(url, data):
            writes = args.command_connections
            with commanding(base, orders, token, writes, 5 * args.seconds + 5) as posted:
                time.sleep(1)
                loaded = wrk(f"{base}/health/live", n, args.seconds)
                print(_line(f"(3) GET /health/live, {writes} POSTs beside", loaded, loaded.rate,
                            "(the trivial route while commands flow)"))  # fmt: skip
                reads(base, token, n, args.seconds, loaded.rate, "while commands flow")
            print(_line(f"    POST feedback beside, {writes} connections", posted[0],
                        posted[0].rate, ""))  # fmt: skip


@contextmanager
def commanding(
    base: str, orders: list[UUID], token: str, connections: int, seconds: int
) -> Iterator[list[Wrk]]:
    """The POSTs of (2) in the background for up to `seconds`; their run, once done."""
    done: list[Wrk] = []
    run = threading.Thread(target=lambda: done.append(
        wrk(base, connections, seconds, feedback_script(orders, token))))  # fmt: skip
    run.start()
    yield done
    run.join()


def reads(  # noqa: PLR0913, PLR0917
    base: str, token: str, n: int, seconds: int, trivial: float, how: str, query: float = 0.0
) -> None:
    """The three reads; with `query`, the rate of GET /health beside, their ratio to it."""
    for path in ("/orders?limit=20", "/dashboards/in-progress", "/dashboards/kpis?month=2025-12"):
        read = wrk(f"{base}{path}", n, seconds, _read_script(path, token))
        to_query = f", {read.rate / query:.2f}x GET /health" if query else ""
        print(_line(f"    GET {path} ({how})", read, trivial,
                    f"target p99 <= 15 ms, >= 0.50{to_query}"), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
