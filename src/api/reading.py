"""The read path: how every route reads a read model.

A route names the read model and how far it must have come (`wait_for_position`,
read-your-writes, bounded by `wait_timeout`; 503 with Retry-After if it is not
there in time). It then reads the live copy in one read-only transaction
(`read_model`), or has the answer kept until the read model moves on
(`kept_answer`, see api.read_cache), or - for reads that are no transaction of
their own - learns the live copy once it is far enough (`waited`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from litestar import Request, Response
from litestar.exceptions import ValidationException
from litestar.params import Parameter

from domain.shared import OutOfWindow, check_day
from infrastructure.daemon.live import FOLLOW_EVERY, LiveProjection
from infrastructure.read_store import Tx

if TYPE_CHECKING:
    from api.runtime import Runtime

Month = Annotated[str, Parameter(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


def in_window(**days: date | None) -> None:
    """Each date given (a query's `as_of`, `start`, ...) within the business window,
    else 422 naming it: 9999-12-31 is a typing error, not a report date."""
    for name, day in days.items():
        if day is not None:
            check_day(day, name)


def in_order(first: tuple[str, date | None], last: tuple[str, date | None]) -> None:
    """A range's start not after its end, else 422 naming the end."""
    (first_name, first_day), (last_name, last_day) = first, last
    in_window(**{first_name: first_day, last_name: last_day})
    if first_day is not None and last_day is not None and last_day < first_day:
        raise OutOfWindow(
            f"{last_name} {last_day.isoformat()} is before {first_name} {first_day.isoformat()}",
            field=last_name,
        )


class ProjectionBehind(Exception):
    """A read asked to wait for a log position that was not projected in time."""

    def __init__(self, position: int, wanted: int) -> None:
        super().__init__(
            f"the read model is at position {position}, not yet {wanted}; retry shortly"
        )
        self.position = position
        self.wanted = wanted


WaitFor = Annotated[
    int | None,
    Parameter(ge=0, description="Wait (bounded) until this log position is projected"),
]
WaitTimeout = Annotated[float, Parameter(gt=0, le=30, description="Seconds to wait at most")]
# Bounded so a database never sees an integer wider than 64 bits.
Offset = Annotated[int, Parameter(ge=0, le=2**62, description="Rows to skip")]


def read_after(live: LiveProjection, position: int | None, timeout: float) -> None:
    """Read-your-writes: wait until `live` covers `position`, else 503 with Retry-After.

    A position past the end of the log was never handed out by a write: waiting
    for it could only time out, so it is refused at once as bad input.
    """
    if position is None or live.position() >= position:
        return
    end = live.log.max_notification_id() or 0
    if position > end:
        message = f"position {position} is past the end of the log ({end})"
        raise ValidationException(message, extra=[{"key": "wait_for_position", "message": message}])
    if not live.wait_for(position, timeout):
        raise ProjectionBehind(live.position(), position)


_NOT_PART_OF_THE_QUESTION = frozenset({"wait_for_position", "wait_timeout"})


def question(request: Request[Any, Any, Any]) -> Hashable:
    """What a request asks: its path and query, less how long it is willing to wait."""
    params = sorted((k, v) for k, v in request.query_params.multi_items()
                    if k not in _NOT_PART_OF_THE_QUESTION)  # fmt: skip
    return (request.url.path, tuple(params))


def waited(
    runtime: Runtime, name: str, wait_for_position: int | None = None, wait_timeout: float = 5.0
) -> LiveProjection:
    """The read model `name` once it covers `wait_for_position`: its live copy is
    `.copy`, its position `.position()`."""
    live = runtime.projections[name]
    live.follow(max_age=FOLLOW_EVERY)
    read_after(live, wait_for_position, wait_timeout)
    return live


@contextmanager
def read_model(
    runtime: Runtime, name: str, wait_for_position: int | None = None, wait_timeout: float = 5.0
) -> Iterator[tuple[Tx, str]]:
    """A read of one read model: once it covers `wait_for_position`, a read-only
    transaction and the table name of its live copy."""
    live = waited(runtime, name, wait_for_position, wait_timeout)
    with runtime.storage.read_store.transaction(commit=False) as tx:
        yield tx, live.copy


async def kept_answer(  # noqa: PLR0913, PLR0917 - the question and how long it may wait
    runtime: Runtime,
    request: Request[Any, Any, Any],
    name: str,
    compute: Callable[[int], Any],
    wait_for_position: int | None = None,
    wait_timeout: float = 5.0,
) -> Response[bytes]:
    """The JSON answer of `compute(position)` over read model `name`, computed once per
    change of the read model and kept meanwhile (only for answers that are a function
    of the read model and the query alone)."""
    live = runtime.projections[name]
    return await runtime.read_cache.answer(
        live, question(request), compute, wait_for_position, wait_timeout
    )
