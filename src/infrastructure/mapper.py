"""The msgspec mapper: events <-> the `eventsourcing` library's StoredEvent.

The library's default mapper turns an object's `__dict__` into JSON through a
generic transcoder and loses types it has no transcoding for. Ours encodes the
frozen msgspec Structs directly and decodes them with the concrete type named by
the stored topic, so UUID, Decimal, date and tz-aware datetime come back as the
same types, and a payload that does not fit its schema is refused, not guessed.
The topic is the event's stable tag (e.g. ``OrderPlaced``), never a module path,
so code can move without breaking the log. The library's cipher and compressor
plug in as usual.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.persistence import (
    Cipher,
    Compressor,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
)

from domain.decider import topic_of
from domain.deciders import EVENT_TYPES
from domain.envelope import Recorded

E = TypeVar("E")


class _Body(msgspec.Struct, Generic[E], frozen=True, kw_only=True):
    """What is stored in the `state` column: the envelope without its stream key."""

    timestamp: datetime
    actor: str
    command_id: str
    correlation_id: str
    causation_id: str
    event: E


class MsgspecMapper(Mapper[UUID]):
    def __init__(
        self,
        compressor: Compressor | None = None,
        cipher: Cipher | None = None,
        event_types: dict[str, type[Any]] = EVENT_TYPES,
    ) -> None:
        # No generic transcoder: each topic has a typed decoder instead.
        self.compressor = compressor
        self.cipher = cipher
        self.event_types = event_types
        self._encoder = msgspec.json.Encoder(decimal_format="string")
        self._decoders = {
            topic: msgspec.json.Decoder(_Body[cls])  # type: ignore[valid-type]
            for topic, cls in event_types.items()
        }
        self._as_written = msgspec.json.Decoder(_Body[msgspec.Raw])

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        recorded: Recorded[Any] = domain_event
        topic = topic_of(type(recorded.event))
        if topic not in self._decoders:
            raise TypeError(f"event type {topic!r} is not registered with the mapper")
        body = _Body(
            timestamp=recorded.timestamp,
            actor=recorded.actor,
            command_id=recorded.command_id,
            correlation_id=recorded.correlation_id,
            causation_id=recorded.causation_id,
            event=recorded.event,
        )
        state = self._encoder.encode(body)
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(
            originator_id=recorded.originator_id,
            originator_version=recorded.originator_version,
            topic=topic,
            state=state,
        )

    def as_written(self, stored_event: StoredEvent) -> Recorded[msgspec.Raw]:
        """The envelope with its event as the bytes written, not re-encoded from today's
        types: what a command's seal covers, whatever fields (with defaults) the event
        type has gained since (re-encoding an old event would add them)."""
        return _envelope(stored_event, self._as_written.decode(self._plain(stored_event)))

    def to_domain_event(self, stored_event: StoredEvent) -> Recorded[Any]:
        try:
            decoder = self._decoders[stored_event.topic]
            body: _Body[Any] = decoder.decode(self._plain(stored_event))
        except Exception as e:  # the compressor's and cipher's errors too (zlib.error...)
            msg = (
                f"cannot read stored event {stored_event.topic!r} "
                f"{stored_event.originator_id} v{stored_event.originator_version}: {e}"
            )
            raise MapperDeserialisationError(msg) from e
        return _envelope(stored_event, body)

    def _plain(self, stored_event: StoredEvent) -> bytes:
        """The stored state deciphered and decompressed: the JSON as it was encoded."""
        state = stored_event.state
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        return state


def _envelope(stored_event: StoredEvent, body: _Body[E]) -> Recorded[E]:
    originator_id = stored_event.originator_id
    return Recorded(
        originator_id=originator_id if isinstance(originator_id, UUID) else UUID(originator_id),
        originator_version=stored_event.originator_version,
        timestamp=body.timestamp,
        actor=body.actor,
        command_id=body.command_id,
        correlation_id=body.correlation_id,
        causation_id=body.causation_id,
        event=body.event,
    )
