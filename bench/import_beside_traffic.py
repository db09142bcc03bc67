"""A large import beside clients posting orders: neither may starve the other.

    python bench/import_beside_traffic.py [--rows 20000] [--clients 3] [--backend sqlite|postgres]

Runs `orderhub serve` (projections on, as a single-process installation runs) and
three clients posting orders as fast as they are answered. The baseline is the
clients alone for `--warmup` seconds; then an orders import of `--rows` rows is
uploaded beside them. Measured, in the same run: the clients' orders per second
and p99 latency alone and while the import runs, the longest any client waited
for an answer, the import's orders written per second (sampled from the log
every half second) and its longest stretch without writing anything after its
check, while the clients post.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from itertools import pairwise
from pathlib import Path

import httpx
from api_load import serving

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from imports import _order  # the bench's order rows

from api.auth import Role, issue_token
from api.exports import csv_bytes
from application.imports import ORDERS
from infrastructure.signing import load_secret
from infrastructure.storage import open_storage

ORDER = {
    "order_type": "standard_parts", "channel": "direct", "customer_id": "C-LIVE",
    "customer_name": "嘉兴恒力", "region": "浙江", "salesperson": "wang.fang",
    "currency": "CNY", "promised_delivery": "2026-03-01",
    "placed_at": "2026-01-05T09:30:00+08:00",
    "lines": [{"line_id": "L1", "product_code": "CONV-800", "kind": "hardware",
               "quantity": "1", "unit_price": "30000"}],
}  # fmt: skip


class Client(threading.Thread):
    def __init__(self, base: str, token: str, n: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.n, self.stop = base, token, n, stop
        self.answers: list[tuple[float, float]] = []  # (answered at, seconds taken)

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base, headers=headers, timeout=120) as http:
            i = 0
            while not self.stop.is_set():
                body = {**ORDER, "external_ref": f"LIVE-{self.n}-{i}"}
                started = time.perf_counter()
                answer = http.post("/orders", json=body,
                                   headers={"Idempotency-Key": f"live-{self.n}-{i}"})  # fmt: skip
                assert answer.status_code == 201, answer.text
                self.answers.append((time.perf_counter(), time.perf_counter() - started))
                i += 1


def figures(answers: list[tuple[float, float]], start: float, end: float) -> tuple[float, float]:
    took = sorted(t for at, t in answers if start <= at < end)
    if not took:
        return 0.0, 0.0
    p99 = took[min(len(took) - 1, int(len(took) * 0.99))]
    return len(took) / (end - start), p99 * 1000


def main() -> None:  # noqa: PLR0915 - one measurement, told in order
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=15.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        rows = [_order(n) for n in range(args.rows)]
        header = [c.name for c in ORDERS.columns]
        content = csv_bytes(header, [[r.get(h, "") for h in header] for r in rows])
        with serving("", data, 1) as base:
            key = load_secret("", Path(data) / "token.key")
            token = issue_token(key, "wang.fang", Role.SALES)
            storage = open_storage("", f"{data}/orderhub.db")
            stop = threading.Event()
            clients = [Client(base, token, n, stop) for n in range(args.clients)]
            for c in clients:
                c.start()
            time.sleep(args.warmup)
            alone_end = time.perf_counter()
            samples: list[tuple[float, int]] = []
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    found = storage.read_store.query(  # the import's orders: BENCH-... refs
                        "SELECT COUNT(*) AS n FROM stored_events WHERE topic = 'OrderPlaced' "
                        "AND CAST(state AS TEXT) LIKE '%\"BENCH-%'")
                    samples.append((time.perf_counter(), int(found[0]["n"])))
                    time.sleep(0.5)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            started = time.perf_counter()
            with httpx.Client(base_url=base, timeout=3600,
                              headers={"Authorization": f"Bearer {token}"}) as http:  # fmt: skip
                report = http.post("/imports/orders",
                                   files={"file": ("orders.csv", content)}).json()  # fmt: skip
            ended = time.perf_counter()
            done.set()
            stop.set()
            for c in clients:
                c.join(timeout=120)
            storage.close()
    assert report["imported"] == report["items"], report
    answers = [a for c in clients for a in c.answers]
    first = min(at for at, _ in answers)
    alone = figures(answers, first + 2, alone_end)
    beside = figures(answers, started, ended)
    longest = max((t for at, t in answers if started <= at < ended), default=0.0)
    writing = [(at, n) for at, n in samples if n > 0]  # from the import's first write on
    gaps = [b for a, b in pairwise(writing) if b[1] == a[1]]
    stall = 0.0
    run = 0.0
    for (a, na), (b, nb) in pairwise(writing):
        run = run + (b - a) if nb == na else 0.0
        stall = max(stall, run)
    wrote = (writing[-1][1] - writing[0][1]) / (writing[-1][0] - writing[0][0]) if len(
        writing) > 1 else 0.0  # fmt: skip
    check = (writing[0][0] - started) if writing else ended - started
    print(f"{args.clients} clients posting orders, then an import of {args.rows:,} rows "
          f"({report['items']:,} orders) beside them, SQLite, one server process:")
    print(f"  clients alone:       {alone[0]:7.1f} orders/s, p99 {alone[1]:6.0f} ms")
    print(f"  beside the import:   {beside[0]:7.1f} orders/s, p99 {beside[1]:6.0f} ms "
          f"({beside[0] / alone[0]:.2f}x), longest wait {longest * 1000:.0f} ms")
    print(f"  the import:          {ended - started:6.1f} s in all, checking {check:5.1f} s, "
          f"then {wrote:6.1f} orders/s; once writing, its longest stretch writing nothing "
          f"{stall:4.1f} s ({len(gaps)} half-second samples without progress)")
    print(f"  median client answer beside it: "
          f"{statistics.median(t for at, t in answers if started <= at < ended) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
