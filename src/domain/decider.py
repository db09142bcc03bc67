"""What an aggregate type is to the rest of the system: a decider.

Each aggregate package exports one (`DECIDER`): its name, its empty state, its
pure `decide` and `evolve`, and the union of the events it records. The
application service runs any decider; `domain.deciders` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, get_args

import msgspec

C = TypeVar("C")
S = TypeVar("S", bound=msgspec.Struct)
E = TypeVar("E")


@dataclass(frozen=True)
class Decider(Generic[C, S, E]):
    """An aggregate type: its name, empty state, pure decide/evolve and its events."""

    name: str
    initial: S
    decide: Callable[[C, S], list[E]]
    evolve: Callable[[S, E], S]
    events: Any  # the union of its event types (or the one type)
    commands: Any  # the union of its command types: how a queued command is read back
    snapshot_schema: int = 1  # bump when evolve changes meaning: old snapshots are skipped

    def event_types(self) -> tuple[type[Any], ...]:
        return get_args(self.events) or (self.events,)


def topic_of(event_type: type[Any]) -> str:
    """The stored name of an event type: its stable msgspec tag, never a module path,
    so code can move without breaking the log."""
    tag = event_type.__struct_config__.tag
    if not isinstance(tag, str):
        raise TypeError(f"{event_type.__name__} needs a string tag to be stored")
    return tag
