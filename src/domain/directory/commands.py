"""Directory commands: set or remove the entry for a role or a person."""

from __future__ import annotations

from uuid import UUID

import msgspec

from domain.directory.events import Contact
from domain.shared import Name

# There is one directory: every entry lives on this stream.
DIRECTORY_ID = UUID("6f1c1f0e-0000-4000-8000-000000000002")


class SetContact(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    key: Name  # a role or a person's id
    contact: Contact


class RemoveContact(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    key: Name


DirectoryCommand = SetContact | RemoveContact
