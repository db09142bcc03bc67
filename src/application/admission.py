"""What an event may carry before it is appended: the check every new event passes.

A decided event is a fact for good: every projection, every store and every
future replay must be able to read and apply it. So before the service appends,
each new event is checked against its own type and against what the stores and
the read models can hold, and an event that fails is refused as a 422 naming the
field, with nothing written:

- the event type's own constraints (lengths, patterns, ranges), which msgspec
  enforces when it reads a stored event but not when code builds one: the event
  is encoded and read back strictly, as the mapper will read it;
- no NUL character in any text (PostgreSQL text cannot hold one);
- every date and time within the business calendar, years `EARLIEST_YEAR` to
  `LATEST_YEAR` (a time at year 1 with a +14:00 offset is year 0 in UTC, which no
  calendar library holds).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from domain.shared import DomainError

EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
_DATE = re.compile(r"(\d{4})-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?")
# The same, as whole JSON strings in an encoded event: the fast look, before any walk.
_DATES = re.compile(rb'"(\d{4})-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?"')
_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


_ENCODER = msgspec.json.Encoder()
_DECODERS: dict[type[Any], msgspec.json.Decoder[Any]] = {}


def _decoder(event_type: type[Any]) -> msgspec.json.Decoder[Any]:
    decoder = _DECODERS.get(event_type)
    if decoder is None:
        decoder = _DECODERS[event_type] = msgspec.json.Decoder(event_type)
    return decoder


class InadmissibleValue(DomainError):
    rule = "inadmissible_value"


def admit(events: list[Any]) -> None:
    """Refuse the first value of `events` that a store or a read model could not hold."""
    for event in events:
        encoded = _ENCODER.encode(event)
        try:
            _decoder(type(event)).decode(encoded)
        except msgspec.ValidationError as error:
            message = str(error)
            field = message.rsplit("- at `$.", 1)[1].rstrip("`") if "- at `$." in message else None
            raise InadmissibleValue(f"{type(event).__name__}: {message}", field=field) from error
        nul = b"\\u0000" in encoded and _NUL.search(encoded) is not None
        if nul or any(_outside(y) for y in _DATES.findall(encoded)):
            # Something is wrong: find which field, for the answer.
            _walk(msgspec.json.decode(encoded), type(event).__name__, "")


def _outside(year: bytes) -> bool:
    return not EARLIEST_YEAR <= int(year) <= LATEST_YEAR


def _walk(value: Any, event: str, path: str) -> None:
    if isinstance(value, str):
        _text(value, event, path)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _text(key, event, path)
            _walk(inner, event, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _walk(inner, event, f"{path}[{i}]")


def _text(value: str, event: str, path: str) -> None:
    if "\x00" in value:
        raise InadmissibleValue(
            f"{event}: {path or 'a key'} holds a NUL character, which no text can store",
            field=path or None,
        )
    found = _DATE.fullmatch(value)
    if found is not None and not EARLIEST_YEAR <= int(found[1]) <= LATEST_YEAR:
        raise InadmissibleValue(
            f"{event}: {path} is {value}, outside the years {EARLIEST_YEAR} to {LATEST_YEAR}",
            field=path or None,
        )
