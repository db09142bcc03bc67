"""`decide`: checks a directory command against the entries and returns the new facts."""

from __future__ import annotations

from typing import assert_never

from domain.directory import rules
from domain.directory.commands import DirectoryCommand, RemoveContact, SetContact
from domain.directory.events import ContactRemoved, ContactSet, DirectoryEvent
from domain.directory.state import DirectoryState


def decide(command: DirectoryCommand, state: DirectoryState) -> list[DirectoryEvent]:
    match command:
        case SetContact(key=key, contact=contact):
            rules.must_be_reachable(key, contact)
            if state.contacts.get(key) == contact:
                return []
            return [ContactSet(key=key, contact=contact)]
        case RemoveContact(key=key):
            rules.must_be_listed(state, key)
            return [ContactRemoved(key=key)]
        case _:
            assert_never(command)
