"""The keyring: one key per data subject, kept apart from the log; destroying it shreds.

Personal data is sealed with AES-SIV (RFC 5297, AES-256): deterministic
authenticated encryption, so sealing the same contact twice under the same key
gives the same bytes and a retried command is recognised as the same command.
The subject and key id are authenticated with it, so a sealed value cannot be
moved to another subject. Keys live in `subject_keys` in the store's database,
not in the log: erasing a subject deletes its key row, and everything ever
sealed for it becomes unreadable while the log itself stays untouched.

No key is cached in memory, so an erasure holds at once in every process.
Backups of the database hold keys too: keep them no longer than an erasure may
wait (see docs/operators.md).
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import UTC, datetime
from typing import TypeVar

import msgspec
from Crypto.Cipher import AES

from domain.personal import Sealed
from infrastructure.read_store import ReadStore, Tx

T = TypeVar("T")

_TABLE = [
    "CREATE TABLE IF NOT EXISTS subject_keys ("
    " key_id TEXT PRIMARY KEY, subject TEXT NOT NULL UNIQUE,"
    " key_b64 TEXT NOT NULL, created_at TEXT NOT NULL)"
]
_KEY_BYTES = 64  # AES-256-SIV takes a double-length key
_TAG_BYTES = 16


class SealBroken(Exception):
    """A sealed value failed authentication: it was altered where it is stored."""


class Keyring:
    def __init__(self, store: ReadStore) -> None:
        self.store = store
        store.create(_TABLE)

    def seal(self, subject: str, value: msgspec.Struct) -> Sealed:
        """`value` encrypted under `subject`'s key (created on first use)."""
        key_id, key = self._key_for(subject)
        cipher = AES.new(key, AES.MODE_SIV)
        cipher.update(_associated(subject, key_id))
        ciphertext, tag = cipher.encrypt_and_digest(msgspec.json.encode(value))
        text = base64.b64encode(tag + ciphertext).decode("ascii")
        return Sealed(subject=subject, key_id=key_id, ciphertext=text)

    def open(self, sealed: Sealed, as_type: type[T]) -> T | None:
        """The value in clear, or None once its subject was erased."""
        with self.store.transaction(commit=False) as tx:
            tx.execute(
                "SELECT key_b64 FROM subject_keys WHERE key_id = ? AND subject = ?",
                (sealed.key_id, sealed.subject),
            )
            row = tx.fetchone()
        if row is None:
            return None
        raw = base64.b64decode(sealed.ciphertext)
        cipher = AES.new(base64.b64decode(row["key_b64"]), AES.MODE_SIV)
        cipher.update(_associated(sealed.subject, sealed.key_id))
        try:
            plaintext = cipher.decrypt_and_verify(raw[_TAG_BYTES:], raw[:_TAG_BYTES])
        except ValueError as error:
            raise SealBroken(f"sealed data of {sealed.subject!r} was altered") from error
        return msgspec.json.decode(plaintext, type=as_type)

    def erase(self, subject: str) -> int:
        """Destroy `subject`'s key; the number of keys destroyed (0 if none was left)."""
        with self.store.transaction(commit=True) as tx:
            tx.execute("DELETE FROM subject_keys WHERE subject = ?", (subject,))
            return tx.rowcount

    def _key_for(self, subject: str) -> tuple[str, bytes]:
        with self.store.transaction(commit=True) as tx:
            found = _select(tx, subject)
            if found is None:
                key = base64.b64encode(os.urandom(_KEY_BYTES)).decode("ascii")
                tx.execute(
                    "INSERT INTO subject_keys (key_id, subject, key_b64, created_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (subject) DO NOTHING",
                    (secrets.token_hex(16), subject, key, datetime.now(UTC).isoformat()),
                )
                found = _select(tx, subject)  # ours, or a concurrent writer's
            assert found is not None
            return found


def _select(tx: Tx, subject: str) -> tuple[str, bytes] | None:
    tx.execute("SELECT key_id, key_b64 FROM subject_keys WHERE subject = ?", (subject,))
    row = tx.fetchone()
    return None if row is None else (str(row["key_id"]), base64.b64decode(row["key_b64"]))


def _associated(subject: str, key_id: str) -> bytes:
    return f"{subject}\x1f{key_id}".encode()
