"""Answers to read-model queries, kept until the read model moves on.

A read model changes only when its projection applies events, and its tracked
position moves in the same transaction. So the answer to a query computed at
position P is the answer for as long as the position is P: an answer is kept
under the query and the read model's copy, reused while the position has not
moved, and computed afresh the moment it has. It is never stale. The wall
screens that all poll the same dashboards, and the people paging the same order
list, cost one computation per change of the log instead of one per request.

Only answers that are a function of the read model and the query alone belong
here - not those that depend on the time of asking or on the rulebook.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from litestar import Request, Response
from litestar.serialization import encode_json

from projections.live import LiveProjection

_NOT_PART_OF_THE_QUESTION = frozenset({"wait_for_position", "wait_timeout"})


def question(request: Request[Any, Any, Any]) -> Hashable:
    """What a request asks: its path and query, less how long it is willing to wait."""
    params = sorted((k, v) for k, v in request.query_params.multi_items()
                    if k not in _NOT_PART_OF_THE_QUESTION)  # fmt: skip
    return (request.url.path, tuple(params))


class ReadCache:
    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._gates: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def answer(
        self, live: LiveProjection, asked: Hashable, compute: Callable[[int], Any]
    ) -> Response[bytes]:
        """The JSON answer to `asked` of `live`'s read model; `compute(position)` makes it.

        The position is read before the rows `compute` reads, so an answer is only
        ever kept under a position no newer than what it shows."""
        position = live.position()
        key = (live.copy, asked)
        if self.size <= 0:
            return _json(encode_json(compute(position)))
        kept = self._kept(key, position)
        if kept is not None:
            return _json(kept)
        with self._lock:
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:  # one computation per question; who asks meanwhile waits for it
            kept = self._kept(key, position)
            if kept is None:
                kept = encode_json(compute(position))
                with self._lock:
                    self._answers[key] = (position, kept)
                    self._answers.move_to_end(key)
                    while len(self._answers) > self.size:
                        self._answers.popitem(last=False)
        with self._lock:
            self._gates.pop(key, None)
        return _json(kept)

    def _kept(self, key: Hashable, position: int) -> bytes | None:
        with self._lock:
            kept = self._answers.get(key)
            if kept is None or kept[0] != position:
                return None
            self._answers.move_to_end(key)
            return kept[1]


def _json(body: bytes) -> Response[bytes]:
    return Response(body, media_type="application/json")
