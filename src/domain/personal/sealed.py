"""Personal data in the clear and sealed.

A customer's contact people (names, phones, e-mails) never enter an event in
the clear. The API seals them with the customer's own key before a command is
built, so events, snapshots and read models hold only `Sealed` values; reading
one back needs the key. An erasure destroys the key (crypto-shredding): the log
is not rewritten, every hash in the audit chain still matches, history replays
and every figure stays the same, but the sealed fields read as erased.

The domain never looks inside a `Sealed` value: no decision may depend on
personal data, which is what makes erasing it safe.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from domain.shared import Email, Name

Phone = Annotated[str, msgspec.Meta(pattern=r"^$|^\+?[0-9][0-9 ()\-]{2,30}$")]


class ContactPerson(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A customer's contact, in the clear: only ever held in memory, never stored."""

    name: Name
    phone: Phone = ""
    email: Email = ""


class Sealed(msgspec.Struct, frozen=True, kw_only=True):
    """Personal data encrypted under one key of `subject` (deterministic AEAD)."""

    subject: str
    key_id: str
    ciphertext: str  # base64
