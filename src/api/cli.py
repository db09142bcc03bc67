"""`orderhub`: run the service, load demo data, look after projections."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from api.runtime import Runtime
from api.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app

    runtime = Runtime(settings)
    if args.demo:
        _load_demo(runtime, args.demo_orders)
    uvicorn.run(
        create_app(runtime), host=args.host or settings.host, port=args.port or settings.port
    )
    return 0


def _load_demo(runtime: Runtime, orders: int) -> None:
    from api.demo import load_demo

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


def _projections(args: argparse.Namespace, settings: Settings) -> int:
    from api.projections import projection_report
    from projections import parking

    runtime = Runtime(settings)
    try:
        if args.action == "retry":
            if args.name not in runtime.projections:
                print(f"no projection {args.name!r}; known: {', '.join(runtime.projections)}")
                return 2
            released = parking.release(runtime.storage.read_store, args.name)
            print(f"{args.name}: " + ("parked event released" if released else "was not parked"))
            runtime.projections[args.name].catch_up()
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
    serve.set_defaults(handler=_serve)

    demo = sub.add_parser("demo", help="load a realistic demo data set (idempotent)")
    demo.add_argument("--orders", type=int, default=300, help="number of orders (default 300)")
    demo.set_defaults(handler=_demo)

    projections = sub.add_parser("projections", help="show, advance or retry read models")
    projections.add_argument(
        "action",
        choices=["status", "catch-up", "retry"],
        help="status; catch-up (project everything now); retry NAME (re-apply a parked event)",
    )
    projections.add_argument("name", nargs="?", default="", help="the projection, for retry")
    projections.set_defaults(handler=_projections)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    handler = args.handler
    result: int = handler(args, settings)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
