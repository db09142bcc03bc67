"""Projection routes: where each read model stands, and retrying a parked one."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from api.runtime import Runtime, RuntimeDep
from infrastructure.daemon.rebuild import retry
from policies import outbox


class ProjectionOut(msgspec.Struct, kw_only=True):
    name: str
    position: int
    head: int
    lag: int
    status: str
    last_error: str | None
    parked: dict[str, Any] | None  # the first held aggregate
    held: int  # how many aggregates this read model holds back


def projection_report(runtime: Runtime) -> list[ProjectionOut]:
    head = runtime.storage.read_store.head()
    report = []
    for name, runner in sorted(runtime.projections.items()):
        position = runner.position()
        held = runner.held()
        found = held[0] if held else None
        report.append(
            ProjectionOut(
                name=name,
                position=position,
                head=head,
                lag=head - position,
                status=runner.status(),
                last_error=runner.last_error,
                parked=None if found is None else msgspec.to_builtins(found),
                held=len(held),
            )
        )
    return report


class ProjectionController(Controller):
    path = "/projections"
    tags = ["projections"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_projections(self, runtime: RuntimeDep) -> list[ProjectionOut]:
        """Each read model with its position, the head of the log, lag and status.

        `degraded` means the read model holds aggregates back whose events it could not
        apply (`held`, the first also as `parked`); everything else carries on.
        `failing` means the database could not be reached on the last attempt.
        """
        return projection_report(runtime)

    @post("/{name:str}/retry", sync_to_thread=True, status_code=200)
    def retry(self, name: FromPath[str], runtime: RuntimeDep) -> ProjectionOut:
        """After a fix: rebuild a read model that holds aggregates back, so their events
        are applied in log order; answers once the new copy serves."""
        if name not in runtime.projections:
            raise NotFoundException(f"no projection {name!r}")
        retry(runtime.projections[name])
        return next(p for p in projection_report(runtime) if p.name == name)


def metrics(runtime: Runtime) -> Response[bytes]:
    """Prometheus exposition of the log head and each projection's position, lag and health."""
    registry = CollectorRegistry()
    head = Gauge("orderhub_log_head", "Position of the last event in the log", registry=registry)
    labels = ["projection"]
    position = Gauge(
        "orderhub_projection_position", "Last projected position", labels, registry=registry
    )
    lag = Gauge(
        "orderhub_projection_lag", "Head minus projected position", labels, registry=registry
    )
    degraded = Gauge(
        "orderhub_projection_degraded",
        "1 while aggregates are held back",
        labels,
        registry=registry,
    )
    held = Gauge(
        "orderhub_projection_held_aggregates",
        "Aggregates whose events the read model could not apply",
        labels,
        registry=registry,
    )
    for item in projection_report(runtime):
        head.set(item.head)
        position.labels(item.name).set(item.position)
        lag.labels(item.name).set(item.lag)
        degraded.labels(item.name).set(1 if item.status == "degraded" else 0)
        held.labels(item.name).set(item.held)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


@get("/policies/commands", sync_to_thread=True, tags=["projections"])
def policy_commands(
    runtime: RuntimeDep,
    status: FromQuery[Literal["pending", "done", "refused"] | None] = None,
    policy: FromQuery[str | None] = None,
) -> list[dict[str, Any]]:
    """The commands policies decided, and how each ended (done, refused with the rule)."""
    return outbox.commands(runtime.storage.read_store, status=status, policy=policy)
