"""Directory: who is reached how - a role or a person, by e-mail and/or a chat webhook.

Notifications are addressed to a role (`purchasing_manager`) or a person (a
salesperson's id); the directory says where each goes. It is data the business
changes, so every change is an event; messages are addressed with the entry in
force when they were decided.
"""

from domain.decider import Decider
from domain.directory.commands import (
    DIRECTORY_ID,
    DirectoryCommand,
    RemoveContact,
    SetContact,
)
from domain.directory.decide import decide
from domain.directory.events import (
    Contact,
    ContactRemoved,
    ContactSet,
    DirectoryEvent,
    Url,
    WebhookFormat,
)
from domain.directory.rules import UnknownContact, UnreachableContact
from domain.directory.state import INITIAL, DirectoryState, evolve

__all__ = [
    "DECIDER",
    "DIRECTORY_ID",
    "INITIAL",
    "Contact",
    "ContactRemoved",
    "ContactSet",
    "DirectoryCommand",
    "DirectoryEvent",
    "DirectoryState",
    "RemoveContact",
    "SetContact",
    "UnknownContact",
    "UnreachableContact",
    "Url",
    "WebhookFormat",
    "decide",
    "evolve",
]

DECIDER: Decider[DirectoryCommand, DirectoryState, DirectoryEvent] = Decider(
    name="Directory",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=DirectoryEvent,
    commands=DirectoryCommand,
)
