"""Electronic signatures over document files: HMAC-SHA256 with the installation's key.

A confirmation signs what the signer saw and who they are: the document, the
version label, the file's SHA-256, the signer (and whether a salesperson signed
for the customer) and the signing time. Changing any of them, or the stored
file, breaks the signature. The key comes from `ORDERHUB_SIGNING_KEY` or, if
unset, from a key file made once beside the data (readable by its owner only).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from uuid import UUID

import msgspec


class SignedFacts(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    """What a confirmation signs, in a fixed order."""

    document_id: UUID
    label: str
    sha256: str
    signer: str
    on_behalf_of_customer: bool
    signed_at: datetime


def load_secret(secret: str, key_file: Path) -> str:
    """The configured secret, else the key file (created on first use, owner-only)."""
    if secret:
        return secret
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        with suppress(FileExistsError):  # another process made it first
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
    return key_file.read_text().strip()


class SigningKey:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a signing key needs at least 16 bytes")
        self._key = key

    @classmethod
    def load(cls, secret: str, key_file: Path) -> SigningKey:
        return cls(load_secret(secret, key_file).encode())

    def sign(self, facts: SignedFacts) -> str:
        message = msgspec.json.encode(facts)
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, facts: SignedFacts, signature: str) -> bool:
        return hmac.compare_digest(self.sign(facts), signature)
