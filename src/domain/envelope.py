"""The envelope every stored event travels in: who, why and when it was recorded.

The business payload (`event`) says what happened and when in business time; the
envelope adds the actor, the command that caused it, the correlation and
causation ids, and the moment the log recorded it. It satisfies the
`eventsourcing` library's domain-event protocol (originator id, version, timestamp).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

E = TypeVar("E")


class Recorded(msgspec.Struct, Generic[E], frozen=True, kw_only=True):
    originator_id: UUID
    originator_version: int
    timestamp: Annotated[datetime, msgspec.Meta(tz=True)]
    actor: str
    command_id: str
    correlation_id: str
    causation_id: str
    event: E


def business_time(event: Any) -> datetime | None:
    """When the fact happened in the business's own time: the event's first time field
    (`placed_at`, `signed_at`, `at`...); None for an event without one."""
    for field in getattr(event, "__struct_fields__", ()):
        value = getattr(event, field)
        if isinstance(value, datetime):
            return value
    return None


class CommandHandled(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The log's memory of a handled command, for idempotent retries.

    Stored in its own stream (one per command id, version 1), in the same write as
    the events it produced: a second write of the same command id conflicts, and
    the original result is read back from here.
    """

    command_id: str
    command_digest: str
    aggregate_type: str
    aggregate_id: UUID
    version: int
    events: tuple[str, ...]
    # The writer's MAC (the installation's key) over `seal_message` of the events it
    # wrote: a row written to the log by anyone else has none that checks. "" in
    # records written before sealing existed.
    seal: str = ""


_SEALED = msgspec.json.Encoder(decimal_format="string")


def seal_message(command_id: str, envelopes: Sequence[Recorded[Any]]) -> bytes:
    """What a command's seal is a MAC of: its id and the canonical bytes of each event
    envelope it wrote (whatever cipher or compressor the store applies)."""
    digests = "\x00".join(hashlib.sha256(_SEALED.encode(e)).hexdigest() for e in envelopes)
    return f"seal\x00{command_id}\x00{digests}".encode()


_COMMANDS_NAMESPACE = uuid5(NAMESPACE_URL, "urn:orderhub:commands")


def command_stream(command_id: str) -> UUID:
    return uuid5(_COMMANDS_NAMESPACE, command_id)
