"""Named directory rules: each a small check that raises a DomainError naming itself."""

from __future__ import annotations

from domain.directory.events import Contact
from domain.directory.state import DirectoryState
from domain.shared import DomainError


class UnreachableContact(DomainError):
    rule = "unreachable_contact"


class UnknownContact(DomainError):
    rule = "unknown_contact"


def must_be_reachable(key: str, contact: Contact) -> None:
    """An entry says where messages go: an e-mail address, a webhook, or both."""
    if not contact.email and not contact.webhook_url:
        raise UnreachableContact(
            f"{key!r} needs an e-mail address or a webhook URL", field="contact"
        )


def must_be_listed(state: DirectoryState, key: str) -> None:
    if key not in state.contacts:
        raise UnknownContact(f"no contact {key!r}", field="key")
