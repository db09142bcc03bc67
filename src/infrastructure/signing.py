"""Electronic signatures over document files: HMAC-SHA256 with the installation's key.

A confirmation signs what the signer saw and who they are: the document, the
version label, the file's SHA-256, the signer (and whether a salesperson signed
for the customer) and the signing time. Changing any of them, or the stored
file, breaks the signature. The key comes from `ORDERHUB_SIGNING_KEY` or, if
unset, from a key file made once beside the data (readable by its owner only).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from uuid import UUID

import msgspec


class SignedFacts(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    """What a confirmation signs, in a fixed order (without `recorded_by` when it is
    empty, so signatures made before it existed still verify)."""

    document_id: UUID
    label: str
    sha256: str
    signer: str
    on_behalf_of_customer: bool
    signed_at: datetime
    recorded_by: str = ""


class ConfirmationLink(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    """What a customer's one-time confirmation link stands for."""

    document_id: UUID
    label: str
    sha256: str  # the file the customer is asked to confirm
    signer: str  # the customer's contact, as the link was made out to them
    expires: datetime


def key_file_text(key_file: Path, make: Callable[[], str]) -> str:
    """The key file's text, written first with `make()` if missing: readable by its
    owner only, and made once however many processes start together."""
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        with suppress(FileExistsError):  # another process made it first
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(make())
    return key_file.read_text()


def load_secret(secret: str, key_file: Path) -> str:
    """The configured secret, else the key file (created on first use, owner-only)."""
    return secret or key_file_text(key_file, lambda: secrets.token_hex(32)).strip()


class SigningKey:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a signing key needs at least 16 bytes")
        self._key = key

    @classmethod
    def load(cls, secret: str, key_file: Path) -> SigningKey:
        return cls(load_secret(secret, key_file).encode())

    def sign(self, facts: SignedFacts) -> str:
        signed = msgspec.structs.astuple(facts)
        message = msgspec.json.encode(signed if facts.recorded_by else signed[:-1])
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, facts: SignedFacts, signature: str) -> bool:
        return hmac.compare_digest(self.sign(facts).encode(), signature.encode())

    def mac(self, message: bytes) -> str:
        """The installation's MAC of `message` (what seals a command's records)."""
        return hmac.new(self._key, b"record-seal:" + message, hashlib.sha256).hexdigest()

    def derive(self, purpose: str) -> str:
        """A secret of its own for `purpose` (e.g. a webhook subscription's signing
        secret): derived, so it is never stored, and the same in every process."""
        return hmac.new(self._key, b"derived:" + purpose.encode(), hashlib.sha256).hexdigest()

    def checks(self, message: bytes, mac: str) -> bool:
        return hmac.compare_digest(self.mac(message).encode(), mac.encode())

    def link_token(self, link: ConfirmationLink) -> str:
        """`link` as a URL-safe token: its facts and their MAC (nothing secret in it)."""
        payload = base64.urlsafe_b64encode(msgspec.json.encode(link)).rstrip(b"=")
        return f"{payload.decode()}.{self._link_mac(payload)}"

    def open_link(self, token: str) -> ConfirmationLink | None:
        """The link a token stands for; None if it was not made with this key."""
        payload, _, mac = token.partition(".")
        # Bytes, not str: compare_digest refuses a str with non-ASCII characters.
        expected = self._link_mac(payload.encode()).encode()
        if not payload or not hmac.compare_digest(expected, mac.encode()):
            return None
        padded = payload + "=" * (-len(payload) % 4)
        try:
            return msgspec.json.decode(base64.urlsafe_b64decode(padded), type=ConfirmationLink)
        except (ValueError, msgspec.DecodeError):
            return None

    def _link_mac(self, payload: bytes) -> str:
        return hmac.new(self._key, b"confirmation-link:" + payload, hashlib.sha256).hexdigest()
