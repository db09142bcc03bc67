"""Importing historical orders from a spreadsheet, against checking the same file, in one run.

    python bench/import_orders.py [--rows 10000] [--format csv|xlsx]

Generates a file of `--rows` rows (two lines per order) and, on a fresh SQLite
store, measures in rows per second:
  (a) check:  read, parse and check every order (cells, request, rulebook, the
              order's rules) - what a file with problems costs, nothing written;
  (b) import: the same, then every order captured through the application service.
The issue's target: a 10,000-row file imports in seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from api.exports import csv_bytes, xlsx_bytes
from api.imports import ORDER_COLUMNS, Upload, check_orders, import_orders, parse_orders, read_rows
from api.runtime import Runtime
from api.settings import Settings

HEADER = [c.name for c in ORDER_COLUMNS]


def _rows(count: int) -> list[list[str]]:
    rows = []
    for n in range(count):
        order, line = divmod(n, 2)
        cells = {
            "channel": "direct", "external_ref": f"BENCH-{order:06d}", "order_type": "equipment",
            "customer_id": f"C-{order % 500:03d}", "customer_name": f"客户 {order % 500}",
            "region": "江苏", "salesperson": "wang.fang", "currency": "CNY",
            "placed_at": "2025-06-01T09:00:00+08:00", "promised_delivery": "2025-08-15",
            "line_id": f"L{line + 1}", "product_code": "CONV-800" if line == 0 else "TRAIN-OPS",
            "kind": "hardware" if line == 0 else "training", "quantity": "2",
            "unit_price": "30000.00" if line == 0 else "5000", "discount": "",
        }  # fmt: skip
        rows.append([cells[h] for h in HEADER])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()
    rows = _rows(args.rows)
    name = f"history.{args.format}"
    content = (xlsx_bytes("orders", HEADER, rows) if args.format == "xlsx"
               else csv_bytes(HEADER, rows))  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(sqlite_path=f"{tmp}/bench.db", data_dir=tmp,
                                   run_projections=False, run_clock=False))  # fmt: skip
        runtime.bootstrap()
        started = time.perf_counter()
        header, read = read_rows(content, name)
        parsed, problems = parse_orders(header, read)
        checked = check_orders(runtime, parsed, problems, read)
        check = time.perf_counter() - started
        assert not problems, problems[:3]
        started = time.perf_counter()
        report = import_orders(runtime, Upload(content, name), valid_only=False, actor="bench")
        imported = time.perf_counter() - started
        runtime.stop()
    print(f"{args.rows} rows ({len(checked)} orders, {args.format}) on SQLite:")
    print(f"  (a) check:  {check:6.2f} s  {args.rows / check:10,.0f} rows/s")
    print(
        f"  (b) import: {imported:6.2f} s  {args.rows / imported:10,.0f} rows/s  "
        f"({report.imported} orders written)  ratio (b)/(a) = {check / imported:.2f}"
    )


if __name__ == "__main__":
    main()
