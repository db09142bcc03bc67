"""Directory state and `evolve`: the entries in force, by role or person."""

from __future__ import annotations

from typing import assert_never

import msgspec
from msgspec.structs import replace

from domain.directory.events import Contact, ContactRemoved, ContactSet, DirectoryEvent


class DirectoryState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    contacts: dict[str, Contact] = msgspec.field(default_factory=dict)


INITIAL = DirectoryState()


def evolve(state: DirectoryState, event: DirectoryEvent) -> DirectoryState:
    match event:
        case ContactSet(key=key, contact=contact):
            contacts = {**state.contacts, key: contact}
        case ContactRemoved(key=key):
            contacts = {k: c for k, c in state.contacts.items() if k != key}
        case _:
            assert_never(event)
    return replace(state, version=state.version + 1, contacts=contacts)
