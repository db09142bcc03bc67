"""The notification outbox: messages decided once, delivered afterwards, never lost.

A policy that tells people something (a task assigned, a dunning list ready)
writes its messages into this table in the same transaction as its own position,
addressed with the directory entry it has tracked up to that event: one row per
channel (e-mail, webhook), keyed by the policy, the cause and the channel, so a
redelivered event adds nothing. Delivery (`policies.delivery`) happens later,
with retries and backoff; a message nobody can be reached for is recorded as
failed, with the reason, never dropped.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import msgspec

from domain.directory import Contact, ContactRemoved, ContactSet
from domain.envelope import Recorded
from domain.personal import Sealed
from infrastructure.read_store import ReadStore, Row, Tx, utc_text

TABLE = "notifications"
SCHEMA = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (message_id TEXT PRIMARY KEY, policy TEXT NOT NULL, "
    "kind TEXT NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL, "
    "format TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, "
    "correlation_id TEXT NOT NULL, caused_at TEXT NOT NULL, status TEXT NOT NULL, "
    "attempts BIGINT NOT NULL, next_attempt_at TEXT NOT NULL, last_error TEXT NOT NULL, "
    "sent_at TEXT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_due ON {TABLE} (status, next_attempt_at)",
]
_contact = msgspec.json.Decoder(Contact)


class Message(NamedTuple):
    """What a policy wants someone (a role or a person) to know."""

    key: str  # the policy's idempotency key for this message: policy, cause, recipient
    kind: str
    recipient: str
    subject: str
    body: str


class ContactBook:
    """The directory as a policy has seen it up to the event it is deciding on."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.schema = [
            f"CREATE TABLE IF NOT EXISTS {table} (contact_key TEXT PRIMARY KEY, "
            "contact TEXT NOT NULL)"
        ]

    def track(self, tx: Tx, event: Any) -> bool:
        """Apply a directory event; True if it was one."""
        match event:
            case ContactSet(key=key, contact=contact):
                row = (key, msgspec.json.encode(contact).decode())
                tx.upsert(self.table, ("contact_key", "contact"), "contact_key", [row])
            case ContactRemoved(key=key):
                tx.execute(f"DELETE FROM {self.table} WHERE contact_key = ?", (key,))  # noqa: S608
            case _:
                return False
        return True

    def lookup(self, tx: Tx, key: str) -> Contact | None:
        tx.execute(f"SELECT contact FROM {self.table} WHERE contact_key = ?", (key,))  # noqa: S608
        row = tx.fetchone()
        return None if row is None else _contact.decode(row["contact"])


Channel = tuple[str, str, str, str, str]  # channel, target, format, status, error
SEALED_EMAIL = "sealed_email"  # the target is a sealed contact, opened only to send


def enqueue(
    tx: Tx, policy: str, message: Message, contact: Contact | None, cause: Recorded[Any]
) -> None:
    """Write the message once per channel its recipient has; unreachable: recorded, failed."""
    channels = directory_channels(contact)
    if not channels:
        error = f"no contact for {message.recipient!r} in the directory"
        channels.append(("none", "", "", "failed", error))
    write(tx, policy, message, channels, cause)


def directory_channels(contact: Contact | None) -> list[Channel]:
    channels: list[Channel] = []
    if contact is not None and contact.email:
        channels.append(("email", contact.email, "email", "pending", ""))
    if contact is not None and contact.webhook_url:
        fmt = contact.webhook_format.value
        channels.append(("webhook", contact.webhook_url, fmt, "pending", ""))
    return channels


def sealed_channel(sealed: Sealed) -> Channel:
    """An e-mail to a customer's contact person: the address stays sealed in the outbox
    and is opened with the subject's key only to send, so an erasure holds there too."""
    return (SEALED_EMAIL, msgspec.json.encode(sealed).decode(), "email", "pending", "")


def write(
    tx: Tx, policy: str, message: Message, channels: list[Channel], cause: Recorded[Any]
) -> None:
    """One row per channel, keyed by the message's key and the channel: written once."""
    caused_at = utc_text(cause.timestamp)
    tx.executemany(
        f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, '') "  # noqa: S608
        "ON CONFLICT (message_id) DO NOTHING",
        [
            (f"{message.key}:{channel}", policy, message.kind, message.recipient, channel,
             target, fmt, message.subject, message.body, cause.correlation_id, caused_at,
             status, caused_at, error)
            for channel, target, fmt, status, error in channels
        ],
    )  # fmt: skip


def notifications(
    store: ReadStore, *, status: str | None = None, limit: int = 100, offset: int = 0
) -> list[Row]:
    """The outbox's messages, oldest first, optionally of one status."""
    clause, params = ("WHERE status = ? ", [status]) if status else ("", [])
    with store.transaction(commit=False) as tx:
        tx.execute(
            f"SELECT * FROM {TABLE} {clause}ORDER BY caused_at, message_id "  # noqa: S608
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return tx.fetchall()


def retry(store: ReadStore, message_id: str, now: str) -> bool:
    """Send a failed message again (after the address was fixed, say); False if not failed."""
    with store.transaction(commit=True) as tx:
        tx.execute(
            f"UPDATE {TABLE} SET status = 'pending', next_attempt_at = ?, attempts = 0 "  # noqa: S608
            "WHERE message_id = ? AND status = 'failed' AND channel <> 'none'",
            (now, message_id),
        )
        return bool(tx.rowcount)
