"""The directory: who is reached how — a role or a person, by e-mail and/or a chat webhook.

Notifications are addressed to a role (`purchasing_manager`) or a person (a
salesperson's id); the directory says where each goes. It is data the business
changes, so every change is an event; messages are addressed with the entry in
force when they were decided.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.shared import DomainError, Email, Name

DIRECTORY_ID = UUID("6f1c1f0e-0000-4000-8000-000000000002")

Url = Annotated[str, msgspec.Meta(pattern=r"^$|^https?://\S+$", max_length=2000)]


class WebhookFormat(StrEnum):
    JSON = "json"  # our own generic message
    WECOM = "wecom"  # 企业微信 group robot
    DINGTALK = "dingtalk"  # 钉钉 group robot


class Contact(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    email: Email = ""
    webhook_url: Url = ""
    webhook_format: WebhookFormat = WebhookFormat.JSON


class SetContact(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    key: Name  # a role or a person's id
    contact: Contact


class RemoveContact(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    key: Name


DirectoryCommand = SetContact | RemoveContact


class ContactSet(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    key: str
    contact: Contact


class ContactRemoved(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    key: str


DirectoryEvent = ContactSet | ContactRemoved


class DirectoryState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    contacts: dict[str, Contact] = msgspec.field(default_factory=dict)


INITIAL = DirectoryState()


class UnreachableContact(DomainError):
    rule = "unreachable_contact"


class UnknownContact(DomainError):
    rule = "unknown_contact"


def decide(command: DirectoryCommand, state: DirectoryState) -> list[DirectoryEvent]:
    match command:
        case SetContact(key=key, contact=contact):
            if not contact.email and not contact.webhook_url:
                raise UnreachableContact(
                    f"{key!r} needs an e-mail address or a webhook URL", field="contact"
                )
            if state.contacts.get(key) == contact:
                return []
            return [ContactSet(key=key, contact=contact)]
        case RemoveContact(key=key):
            if key not in state.contacts:
                raise UnknownContact(f"no contact {key!r}", field="key")
            return [ContactRemoved(key=key)]
        case _:
            assert_never(command)


def evolve(state: DirectoryState, event: DirectoryEvent) -> DirectoryState:
    match event:
        case ContactSet(key=key, contact=contact):
            contacts = {**state.contacts, key: contact}
        case ContactRemoved(key=key):
            contacts = {k: c for k, c in state.contacts.items() if k != key}
        case _:
            assert_never(event)
    return replace(state, version=state.version + 1, contacts=contacts)
