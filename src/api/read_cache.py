"""Answers to read-model queries, kept until the read model moves on.

A read model changes only when its projection applies events, and its tracked
position moves in the same transaction. So the answer to a query computed at
position P is the answer for as long as the position is P: an answer is kept
under the query and the read model's copy, reused while the position has not
moved, and computed afresh once it has. The wall screens that all poll the same
dashboards, and the people paging the same order list, cost one computation per
change of the log instead of one per request.

While commands flow the read model moves with every batch, and every batch
would cost each question a computation - with every request for it waiting in a
worker thread meanwhile. So an answer may trail its read model (`trail`,
ORDERHUB_READ_CACHE_TRAIL, default 0.1 s): once moved on, it is still given for
that long after it was computed; for as long again, a request has one worker
thread compute the answer afresh and is given the last one meanwhile, so under
load nobody waits behind the computation. An answer shows the read model as it
stood at most twice `trail` ago, as a read a moment earlier would have; an
older one is never given (a reader after a pause waits for a fresh answer), nor
one behind the position a request waits for (`wait_for_position`):
read-your-writes holds. With `trail` 0 every move of the read model is waited for.

Only answers that are a function of the read model and the query alone belong
here - not those that depend on the time of asking or on the rulebook.

A kept answer is served on the event loop, without a thread or a query, when the
read model's position is known (`LiveProjection.recent_position`): a projection
run by this process notes its position after every batch, and on PostgreSQL an
API process hears each batch of one run elsewhere as it commits
(`infrastructure.daemon.live.Hearing`), so its readers see each batch at once. Otherwise
the position is known for `position_max_age` seconds (50 ms) after it was read:
a read model projected by another process may be seen up to that long after its
batch lands - beside its polling, a small part of its lag. Once the position
seen is half that old, the next request has a worker thread ask the store
again, and is answered meanwhile, so under load every answer comes from the
event loop; requests finding it older than 50 ms wait for one thread to read
it, together. A request waiting for a position not yet seen, or
for an answer not kept, goes to a worker thread; an answer computed there is
computed at the position seen (the thread reads it again only when the position
asked for was not seen yet).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import anyio.to_thread
from litestar import Response
from litestar.serialization import encode_json

from api.reading import read_after
from infrastructure.daemon.live import LiveProjection

log = logging.getLogger(__name__)


class ReadCache:
    def __init__(
        self, size: int = 1024, position_max_age: float = 0.05, trail: float = 0.0
    ) -> None:
        self.size = size
        self.position_max_age = position_max_age
        self.trail = trail
        # question -> (position computed at, answer, when computed: monotonic seconds)
        self._answers: OrderedDict[Hashable, tuple[int, bytes, float]] = OrderedDict()
        self._gates: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self._reading: dict[Hashable, asyncio.Future[Any]] = {}  # positions a thread reads
        self._refreshing: dict[Hashable, asyncio.Future[Any]] = {}  # answers a thread computes

    async def answer(
        self,
        live: LiveProjection,
        asked: Hashable,
        compute: Callable[[int], Any],
        wait_for_position: int | None = None,
        wait_timeout: float = 5.0,
    ) -> Response[bytes]:
        """The JSON answer to `asked` of `live`'s read model once it covers
        `wait_for_position`; `compute(position)` makes it, in a worker thread."""
        position: int | None = live.recent_position(self.position_max_age)
        if position is None:
            position = await asyncio.shield(self._read_position(live))
        elif live.recent_position(self.position_max_age / 2) is None:
            self._read_position(live)  # a head start; answered meanwhile
        if position < (wait_for_position or 0):
            position = None  # not there yet: the thread waits for it
        elif self.size > 0:
            kept = self._kept((live.copy, asked), position, trailing=wait_for_position or 0)
            if kept is not None:
                answer, age = kept
                if age <= self.trail:
                    return _json(answer)
                if age <= 2 * self.trail:  # its trail is over: one thread computes the next
                    self._refresh(live, asked, compute, position)
                    return _json(answer)
        work = functools.partial(
            self._answer, live, asked, compute, position=position,
            wait_for_position=wait_for_position, wait_timeout=wait_timeout,
        )  # fmt: skip
        return await anyio.to_thread.run_sync(work)

    def _read_position(self, live: LiveProjection) -> asyncio.Future[int]:
        """`live`'s position, read by one worker thread however many requests need it:
        under load, a read per request would queue them all on the threads, the
        connection pool and the lock each thread needs to run Python."""
        return self._once(self._reading, live.copy, live.position)

    def _refresh(
        self, live: LiveProjection, asked: Hashable, compute: Callable[[int], Any], position: int
    ) -> None:
        """The answer at `position`, computed by one worker thread while the last one
        is given: requests do not wait in threads, one computation at a time."""
        work = functools.partial(self._answer, live, asked, compute, position=position,
                                 wait_for_position=None, wait_timeout=0.0)  # fmt: skip
        self._once(self._refreshing, (live.copy, asked), work)

    def _once(
        self, running: dict[Hashable, asyncio.Future[Any]], key: Hashable, work: Callable[[], Any]
    ) -> asyncio.Future[Any]:
        """`work` in a worker thread, unless it runs for `key` already on this loop."""
        loop = asyncio.get_running_loop()
        future = running.get(key)
        if future is None or future.get_loop() is not loop:
            future = loop.run_in_executor(None, work)
            running[key] = future
            future.add_done_callback(functools.partial(self._done, running, key))
        return future

    def _done(
        self,
        running: dict[Hashable, asyncio.Future[Any]],
        key: Hashable,
        future: asyncio.Future[Any],
    ) -> None:
        if running.get(key) is future:
            del running[key]
        if not future.cancelled() and future.exception() is not None:
            log.debug("a worker thread's work for %s failed", key, exc_info=future.exception())

    def _answer(  # noqa: PLR0913 - a question and where the read model stands
        self,
        live: LiveProjection,
        asked: Hashable,
        compute: Callable[[int], Any],
        *,
        position: int | None,
        wait_for_position: int | None,
        wait_timeout: float,
    ) -> Response[bytes]:
        """The position (seen by the loop, or read here after waiting for the one
        asked for) is read before the rows `compute` reads, so an answer is only
        ever kept under a position no newer than what it shows."""
        if position is None:
            read_after(live, wait_for_position, wait_timeout)
            position = live.position()
        key = (live.copy, asked)
        if self.size <= 0:
            return _json(encode_json(compute(position)))
        kept = self._kept(key, position)
        if kept is not None:
            return _json(kept[0])
        with self._lock:
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:  # one computation per question; who asks meanwhile waits for it
            kept = self._kept(key, position)
            if kept is None:
                answer = encode_json(compute(position))
                with self._lock:
                    self._answers[key] = (position, answer, time.monotonic())
                    self._answers.move_to_end(key)
                    while len(self._answers) > self.size:
                        self._answers.popitem(last=False)
            else:
                answer = kept[0]
        with self._lock:
            self._gates.pop(key, None)
        return _json(answer)

    def _kept(
        self, key: Hashable, position: int, trailing: int | None = None
    ) -> tuple[bytes, float] | None:
        """The answer kept for `key` if computed at `position` (its age then counts as
        0) - or, given `trailing`, one computed at or after that position, with the
        seconds since it was computed."""
        with self._lock:
            kept = self._answers.get(key)
            if kept is None:
                return None
            at, answer, when = kept
            if at == position:
                age = 0.0
            elif trailing is not None and at >= trailing:
                age = time.monotonic() - when
            else:
                return None
            self._answers.move_to_end(key)
            return answer, age


def _json(body: bytes) -> Response[bytes]:
    return Response(body, media_type="application/json")
