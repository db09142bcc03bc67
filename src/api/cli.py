"""`orderhub`: run the service, load demo data, look after projections, audit the log."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from api import audit_cli
from api.runtime import Runtime
from api.settings import Settings
from infrastructure.daemon.live import LiveProjection


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app

    host, port = args.host or settings.host, args.port or settings.port
    runtime = Runtime(settings)
    if args.demo:
        _load_demo(runtime, args.demo_orders)
    from api.logs import log_config

    logs = {"access_log": args.access_log, "log_config": log_config()}
    if args.workers == 1:
        uvicorn.run(create_app(runtime), host=host, port=port, **logs)
        return 0
    # Several processes: each builds its own runtime from the environment (projections
    # and clock policies run under leases, so each still runs once at a time).
    runtime.stop()
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=args.workers,
                **logs)  # fmt: skip
    return 0


def _load_demo(runtime: Runtime, orders: int) -> None:
    from application.demo import load_demo

    runtime.bootstrap()
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            print(f"\rdemo data: {done}/{total} orders", end="", file=sys.stderr, flush=True)

    summary = load_demo(runtime.service, orders=orders, progress=progress)
    print(
        f"\ndemo data: {summary.orders} orders, {summary.events} events "
        f"in {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    runtime = Runtime(settings)
    try:
        _load_demo(runtime, args.orders)
        for runner in runtime.projections.values():
            runner.catch_up()
    finally:
        runtime.stop()
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from api.imports import import_context
    from application.imports import SHEETS, Upload, import_file

    path = Path(args.file)
    runtime = Runtime(settings)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done == total or done % 100 == 0:
            print(f"\rimporting: {done}/{total} {args.kind}", end="", file=sys.stderr, flush=True)

    try:
        runtime.bootstrap()
        with path.open("rb") as stream:
            report = import_file(import_context(runtime), SHEETS[args.kind],
                                 Upload(stream, path.name), valid_only=args.valid_only,
                                 actor=args.actor, progress=progress)  # fmt: skip
    finally:
        runtime.stop()
    for problem in report.problems:
        print(f"row {problem.row}, {problem.column}: {problem.message}", file=sys.stderr)
    print(f"\n{report.rows} rows, {report.items} {args.kind}: {report.imported} imported, "
          f"{report.existing} already there, {report.skipped} not imported "
          f"({time.perf_counter() - started:.1f}s)", file=sys.stderr)  # fmt: skip
    return 1 if report.problems and not args.valid_only else 0


def _projections(args: argparse.Namespace, settings: Settings) -> int:
    from api.projections import projection_report

    runtime = Runtime(settings)
    try:
        if args.action in ("retry", "rebuild"):
            if args.name not in runtime.projections:
                print(f"no projection {args.name!r}; known: {', '.join(runtime.projections)}")
                return 2
            live = runtime.projections[args.name]
            if args.action == "rebuild":
                return _rebuild(live, compare=args.compare)
            from infrastructure.daemon.rebuild import retry

            held = len(live.held())
            rebuilt = retry(live)
            print(f"{args.name}: " + (f"rebuilt; {held} held aggregate(s) applied in order"
                                      if rebuilt else "holds nothing back"))  # fmt: skip
            live.catch_up()
        elif args.action == "catch-up":
            for runner in runtime.projections.values():
                runner.catch_up()
        for item in projection_report(runtime):
            print(
                f"{item.name}\tposition={item.position}\thead={item.head}\tlag={item.lag}"
                f"\tstatus={item.status}"
            )
            if item.parked:
                print(f"  parked at {item.parked['position']}: {item.parked['error']}")
        return 1 if any(item.status != "running" for item in projection_report(runtime)) else 0
    finally:
        runtime.stop()


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import signal

    runtime = Runtime(settings)
    names = set(args.projection or runtime.projections)
    unknown = names - set(runtime.projections)
    if unknown:
        print(
            f"no projection {', '.join(sorted(unknown))}; known: {', '.join(runtime.projections)}"
        )
        runtime.stop()
        return 2
    runtime.bootstrap()
    runtime.watch_appends()
    runtime.run_projections(names)
    # Policies' commands and the clock run wherever projections run; both act once
    # however many processes run them (idempotent command ids).
    runtime.run_dispatcher()
    if settings.run_clock:
        runtime.schedule.start()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: runtime.request_stop())
    print(f"worker: {', '.join(sorted(names))} (standing by while another worker holds one)")
    runtime.wait()
    runtime.stop()
    return 0


def _progress(position: int, target: int) -> None:
    print(f"\r  {position}/{target} events", end="", file=sys.stderr, flush=True)


def _rebuild(live: LiveProjection, *, compare: bool) -> int:
    from infrastructure.daemon.rebuild import compare as compare_copies
    from infrastructure.daemon.rebuild import rebuild

    if compare:
        differences = compare_copies(live, progress=_progress)
        print(file=sys.stderr)
        for d in differences:
            print(f"{d.table}: {d.only_live} rows only live, {d.only_rebuilt} only rebuilt")
            for example in d.examples:
                print(f"  {example}")
        print(
            f"{live.name}: "
            + ("differs from a rebuild" if differences else "identical to a rebuild")
        )
        return 1 if differences else 0
    copy = rebuild(live, progress=_progress)
    print(f"\n{live.name}: readers now use {copy}")
    return 0


def _token(args: argparse.Namespace, settings: Settings) -> int:
    from api.auth import Role, issue_token
    from infrastructure.signing import load_secret

    try:
        role = Role(args.role)
    except ValueError:
        print(f"no role {args.role!r}; roles: {', '.join(Role)}")
        return 2
    key = load_secret(settings.token_key, settings.token_key_file)
    try:
        token = issue_token(key, args.user, role, days=args.days, max_days=settings.token_max_days)
    except ValueError as refused:
        print(f"no token issued: {refused}")
        return 2
    print(token)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orderhub",
        description="OrderHub: event-sourced order-to-cash backend. "
        "Storage: SQLite at ORDERHUB_SQLITE_PATH (default var/orderhub.db), or PostgreSQL "
        "when ORDERHUB_DATABASE_URL=postgresql://... is set.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve", help="run the HTTP API (default 127.0.0.1:8000) and its projections"
    )
    serve.add_argument("--host", default="", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default 8000)")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo data set first (idempotent)"
    )
    serve.add_argument("--demo-orders", type=int, default=300, help="orders in the demo data set")
    serve.add_argument(
        "--workers", type=int, default=1, help="API processes sharing the port (default 1)"
    )
    serve.add_argument(
        "--access-log", action="store_true",
        help="log a line per request (off: it costs a tenth of a read; a proxy in front logs them)",
    )  # fmt: skip
    serve.set_defaults(handler=_serve)

    demo = sub.add_parser("demo", help="load a realistic demo data set (idempotent)")
    demo.add_argument("--orders", type=int, default=300, help="number of orders (default 300)")
    demo.set_defaults(handler=_demo)

    importer = sub.add_parser(
        "import",
        help="import orders, customers, products or stock from XLSX or CSV (see the "
        "templates at /imports/<kind>/template)",
    )
    importer.add_argument("kind", choices=["orders", "customers", "products", "stock"],
                          help="what the file holds")  # fmt: skip
    importer.add_argument("file", help="the .xlsx or .csv file")
    importer.add_argument(
        "--valid-only", action="store_true", help="import the good items of a file with problems"
    )
    importer.add_argument("--actor", default="import", help="recorded as who imported them")
    importer.set_defaults(handler=_import)

    worker = sub.add_parser(
        "worker", help="keep projections up to date in this process (one worker per projection)"
    )
    worker.add_argument(
        "--projection", action="append", help="a projection to run (repeatable; default all)"
    )
    worker.set_defaults(handler=_worker)

    projections = sub.add_parser("projections", help="show, advance or retry read models")
    projections.add_argument(
        "action",
        choices=["status", "catch-up", "retry", "rebuild"],
        help="status; catch-up (project everything now); retry NAME (re-apply a parked "
        "event); rebuild NAME (a fresh copy from position 0, then readers switch to it)",
    )
    projections.add_argument(
        "name", nargs="?", default="", help="the projection, for retry/rebuild"
    )
    projections.add_argument(
        "--compare",
        action="store_true",
        help="with rebuild: build a scratch copy, report any difference from the live one, "
        "switch nothing",
    )
    projections.set_defaults(handler=_projections)

    audit_cli.add_parser(sub)

    token = sub.add_parser("token", help="issue a bearer token for local use")
    token.add_argument("action", choices=["issue"])
    token.add_argument("--user", required=True, help="who acts (recorded on every event)")
    token.add_argument("--role", required=True, help="admin, sales, engineer, production, "
                       "purchasing, finance, auditor or reader")  # fmt: skip
    token.add_argument("--days", type=int, default=None,
                       help="valid this many days (default 30; at most ORDERHUB_TOKEN_MAX_DAYS, "
                            "90 unless set; a dashboard token at most 7)")  # fmt: skip
    token.set_defaults(handler=_token)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    handler = args.handler
    result: int = handler(args, settings)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
