"""The latest known state of recently used aggregates, kept in memory."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from domain.decider import Decider

S = TypeVar("S", bound=msgspec.Struct)

CACHED_AGGREGATES = 2000


class StateCache:
    """The latest known state of recently used aggregates, in memory (least recently
    used first out).

    A cached state is where loading starts, not its answer: the events recorded
    after it are still read, so what other processes wrote is never missed. States
    are immutable, so one cached state may be shared by every thread.

    A state is *current* until the log is known to hold a later version of its
    aggregate (`moved`, told by whoever watches the log for appends made
    elsewhere); a command is decided on a current state without reading, while a
    stale one is only where loading starts. Either way the append's version check
    has the last word: this only spares deciding on what is known to be old.
    """

    def __init__(self, size: int = CACHED_AGGREGATES) -> None:
        self.size = size
        # aggregate id -> (decider name, state, the latest version known to be in the log)
        self._states: OrderedDict[UUID, tuple[str, Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def kept(self, decider: Decider[Any, S, Any], aggregate_id: UUID) -> tuple[S, bool] | None:
        """The kept state and whether it is current; None if none is kept."""
        with self._lock:
            kept = self._states.get(aggregate_id)
            if kept is None or kept[0] != decider.name:
                return None
            self._states.move_to_end(aggregate_id)
        _name, state, head = kept
        return state, state.version >= head

    def get(self, decider: Decider[Any, S, Any], aggregate_id: UUID) -> S | None:
        """The kept state, if it is current."""
        kept = self.kept(decider, aggregate_id)
        return kept[0] if kept is not None and kept[1] else None

    def start(self, decider: Decider[Any, S, Any], aggregate_id: UUID) -> S | None:
        """The kept state, current or not: where loading starts."""
        kept = self.kept(decider, aggregate_id)
        return kept[0] if kept is not None else None

    def put(self, decider: Decider[Any, S, Any], aggregate_id: UUID, state: S) -> None:
        """Keep `state` unless a later one of the same aggregate is kept already."""
        if self.size <= 0:
            return
        version: int = state.version  # type: ignore[attr-defined]
        with self._lock:
            kept = self._states.get(aggregate_id)
            if kept is None or kept[0] != decider.name or kept[1].version <= version:
                head = kept[2] if kept is not None and kept[0] == decider.name else 0
                self._states[aggregate_id] = (decider.name, state, max(head, version))
                self._states.move_to_end(aggregate_id)
            while len(self._states) > self.size:
                self._states.popitem(last=False)

    def moved(self, heads: Mapping[UUID, int]) -> None:
        """The log holds these aggregates up to these versions: a kept state behind
        them is no longer current."""
        with self._lock:
            for aggregate_id, version in heads.items():
                kept = self._states.get(aggregate_id)
                if kept is not None and kept[2] < version:
                    self._states[aggregate_id] = (kept[0], kept[1], version)

    def forget(self) -> None:
        """Keep nothing as current (what moved is not known, e.g. after missing news)."""
        with self._lock:
            self._states.clear()
