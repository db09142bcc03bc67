"""Importing spreadsheets of each kind, against checking the same file, in one run.

    python bench/imports.py [--kind all|orders|customers|products|stock] [--rows 10000]
                            [--format csv|xlsx]

For each kind, generates a file of `--rows` rows and, on a fresh SQLite store,
measures in rows per second:
  (a) check:  the same file with one bad row appended - read, parse and check
              every item (cells, request, rules in force, the aggregate's own
              rules), refused whole, nothing written: the baseline;
  (b) import: the clean file, checked and then written through the application
              service (orders two lines each, products two currencies each).
The issue's target: a 10,000-row file imports in seconds.

    python bench/imports.py --memory [--kind orders] [--rows 100000]

measures memory instead: the file is written to disk once, then child processes
each open a fresh store and read the file, and either stop there (the baseline:
interpreter, runtime and the file's bytes) or import it; the figure is each
child's peak RSS, and the import's cost is the difference.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from api.exports import csv_bytes, xlsx_bytes
from api.imports import import_context
from api.runtime import Runtime
from api.settings import Settings
from application.imports import SHEETS, Sheet, Upload, import_file


def _order(n: int) -> dict[str, str]:
    order, line = divmod(n, 2)
    return {
        "channel": "direct", "external_ref": f"BENCH-{order:06d}", "order_type": "equipment",
        "customer_id": f"C-{order % 500:03d}", "customer_name": f"客户 {order % 500}",
        "region": "江苏", "salesperson": "wang.fang", "currency": "CNY",
        "placed_at": "2025-06-01T09:00:00+08:00", "promised_delivery": "2025-08-15",
        "line_id": f"L{line + 1}", "product_code": "CONV-800" if line == 0 else "TRAIN-OPS",
        "kind": "hardware" if line == 0 else "training", "quantity": "2",
        "unit_price": "30000.00" if line == 0 else "5000",
    }  # fmt: skip


def _customer(n: int) -> dict[str, str]:
    return {
        "customer_id": f"C-{n:06d}", "name": f"客户 {n} 有限公司", "region": "江苏",
        "industry": "机械", "salesperson": "wang.fang", "payment_days": "60",
        "contact_name": f"联系人 {n}", "contact_phone": f"+86 512 {n:08d}",
    }  # fmt: skip


def _product(n: int) -> dict[str, str]:
    product, currency = divmod(n, 2)
    return {
        "code": f"P-{product:06d}", "name": f"产品 {product}", "kind": "hardware",
        "currency": ("CNY", "USD")[currency], "list_price": ("1000", "140")[currency],
        "ssp": ("900", "125")[currency], "ssp_method": "observed",
        "attributes": "hardware_generation=G5", "effective_from": "2026-01-01",
    }  # fmt: skip


def _stock(n: int) -> dict[str, str]:
    return {
        "part": f"PART-{n:06d}", "name": f"零件 {n}", "unit": "pcs", "on_hand": str(n % 97),
        "safety_level": "10", "counted_at": "2026-01-05T08:00:00+08:00",
    }  # fmt: skip


ROWS: dict[str, Callable[[int], dict[str, str]]] = {
    "orders": _order, "customers": _customer, "products": _product, "stock": _stock,
}  # fmt: skip


def _file(sheet: Sheet, rows: list[dict[str, str]], fmt: str) -> Upload:
    header = [c.name for c in sheet.columns]
    table = [[r.get(h, "") for h in header] for r in rows]
    if fmt == "xlsx":
        return Upload(xlsx_bytes(sheet.name, header, table), f"{sheet.name}.xlsx")
    return Upload(csv_bytes(header, table), f"{sheet.name}.csv")


def run(kind: str, count: int, fmt: str) -> None:
    sheet = SHEETS[kind]
    rows = [ROWS[kind](n) for n in range(count)]
    bad = {**rows[-1], sheet.key[0]: "", "name": ""}  # a row with problems: refused whole
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(sqlite_path=f"{tmp}/bench.db", data_dir=tmp,
                                   run_projections=False, run_clock=False))  # fmt: skip
        runtime.bootstrap()
        try:
            started = time.perf_counter()
            checked = import_file(import_context(runtime), sheet, _file(sheet, [*rows, bad], fmt),
                                  valid_only=False, actor="bench")  # fmt: skip
            check = time.perf_counter() - started
            assert checked.problems
            assert not checked.imported
            started = time.perf_counter()
            report = import_file(import_context(runtime), sheet, _file(sheet, rows, fmt),
                                 valid_only=False, actor="bench")  # fmt: skip
            imported = time.perf_counter() - started
            assert not report.problems, report.problems[:3]
            assert report.imported == report.items
        finally:
            runtime.stop()
    print(f"{kind:9} {count:7,} rows {report.items:7,} items  check {check:6.2f} s "
          f"{count / check:9,.0f} rows/s   import {imported:6.2f} s {count / imported:9,.0f} "
          f"rows/s   import/check {imported / check:5.2f}", flush=True)  # fmt: skip


def _child(kind: str, path: str, mode: str) -> None:
    """In a fresh process: open a store, read the file, and (mode "import") import it;
    prints the peak RSS in MiB and the seconds the import took."""
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(sqlite_path=f"{tmp}/bench.db", data_dir=tmp,
                                   run_projections=False, run_clock=False,
                                   import_row_limit=0))  # fmt: skip
        runtime.bootstrap()
        try:
            content = Path(path).read_bytes()
            started = time.perf_counter()
            if mode == "import":
                # As the API hands over an upload: the file (a build before streaming
                # imports takes the bytes only).
                streams = hasattr(Upload, "open")
                upload = Upload(open(path, "rb") if streams else content, Path(path).name)  # noqa: SIM115
                report = import_file(import_context(runtime), SHEETS[kind], upload,
                                     valid_only=False, actor="bench")  # fmt: skip
                assert not report.problems, report.problems[:3]
                assert report.imported == report.items
            seconds = time.perf_counter() - started
        finally:
            runtime.stop()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, seconds)


def memory(kind: str, count: int, fmt: str) -> None:
    sheet = SHEETS[kind]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{kind}.{fmt}"
        upload = _file(sheet, [ROWS[kind](n) for n in range(count)], fmt)
        path.write_bytes(upload.open().read() if hasattr(upload, "open") else upload.content)
        figures = {}
        for mode in ("read", "import"):
            out = subprocess.run([sys.executable, __file__, "--child", mode, "--kind", kind,
                                  "--file", str(path)], capture_output=True, text=True,
                                 check=True).stdout.split()  # fmt: skip
            figures[mode] = (float(out[0]), float(out[1]))
    (base, _), (peak, seconds) = figures["read"], figures["import"]
    size = path.stat().st_size if path.exists() else 0
    print(f"{kind:9} {count:7,} rows ({fmt}{f', {size / 2**20:.0f} MiB' if size else ''}): "
          f"peak RSS reading the file {base:6.0f} MiB, importing it {peak:6.0f} MiB: the "
          f"import's own {peak - base:6.0f} MiB ({peak / base:4.2f}x); import {seconds:5.1f} s",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["all", *SHEETS], default="all")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--memory", action="store_true", help="peak RSS instead of speed")
    parser.add_argument("--child", choices=["read", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.kind, args.file, args.child)
        return
    if args.memory:
        print("SQLite, peak RSS of a child process per figure:")
        for kind in SHEETS if args.kind == "all" else [args.kind]:
            memory(kind, args.rows, args.format)
        return
    print(f"SQLite, {args.format}:")
    for kind in SHEETS if args.kind == "all" else [args.kind]:
        run(kind, args.rows, args.format)


if __name__ == "__main__":
    main()
