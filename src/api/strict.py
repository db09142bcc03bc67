"""One documented form per field, for every JSON body.

Litestar converts a body into its type leniently (as query strings must be), so a
Unix time passed for a timestamp, a JSON number or `" 100 "` for an amount and
`"12"` for a count were accepted. Before a route runs, its JSON body is checked
against the body's type in the forms the API documents:

- a time or a date is RFC 3339 / ISO 8601 text (no number);
- a decimal (amounts, quantities, shares, rates) is a string of digits with an
  optional sign and fraction: no JSON number, no spaces, no exponent;
- an integer is a JSON integer, a boolean a JSON boolean (no numeric text).

A value in another form is a 400 naming the field, and nothing runs; a body over
the JSON limit (a setting) is a 413 before it is read.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException, ValidationException

_DECIMAL = re.compile(r"-?\d+(\.\d+)?")


def strict_bodies(limit: int) -> Callable[[Request[Any, Any, Any]], Awaitable[None]]:
    """The `before_request` hook: refuse a JSON body over `limit` bytes (413, told by
    its Content-Length before it is read), or with a value in another form (400)."""

    async def strict_body(request: Request[Any, Any, Any]) -> None:
        field = request.route_handler.parsed_data_field
        if field is None or request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if request.content_type[0] != "application/json":
            return
        announced = request.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > limit:
            size = int(announced)
            raise HTTPException(
                status_code=413, detail=f"a JSON body takes at most {limit:,} bytes, not {size:,}"
            )
        await _checked(request, field.annotation)

    return strict_body


async def _checked(request: Request[Any, Any, Any], annotation: Any) -> None:
    body = await request.body()
    if not body:
        return
    try:
        raw = msgspec.json.decode(body)
        request.state.json_body = raw  # read once: the command path digests it for retries
        typed = msgspec.convert(raw, annotation, strict=False)
    except (msgspec.DecodeError, msgspec.ValidationError, TypeError):
        return  # Litestar's own conversion says what is wrong, as it always has
    _check(typed, raw, "")


def _refuse(path: str, message: str) -> None:
    raise ValidationException(
        detail=f"{message} - at `$.{path}`", extra=[{"key": path, "message": message}]
    )


def _check(value: Any, raw: Any, path: str) -> None:
    if isinstance(value, bool):
        if not isinstance(raw, bool):
            _refuse(path, "expected true or false")
        return
    if isinstance(value, Enum):
        return
    if isinstance(value, int):
        if isinstance(raw, bool) or not isinstance(raw, int):
            _refuse(path, "expected a JSON integer")
        return
    if isinstance(value, Decimal):
        if not isinstance(raw, str) or _DECIMAL.fullmatch(raw) is None:
            _refuse(path, 'expected a decimal string such as "1234.50" (no number, spaces '
                          "or exponent)")  # fmt: skip
        return
    if isinstance(value, datetime | date | time):
        if not isinstance(raw, str):
            _refuse(path, "expected ISO 8601 text, such as 2026-03-01T09:30:00+08:00")
        return
    if isinstance(value, msgspec.Struct) and isinstance(raw, dict):
        cls = type(value)
        for name, encoded in zip(cls.__struct_fields__, cls.__struct_encode_fields__,
                                 strict=True):  # fmt: skip
            if encoded in raw:
                _check(getattr(value, name), raw[encoded], f"{path}.{encoded}" if path else encoded)
        return
    if isinstance(value, list | tuple) and isinstance(raw, list):
        for i, (inner, raw_inner) in enumerate(zip(value, raw, strict=False)):
            _check(inner, raw_inner, f"{path}[{i}]")
        return
    if isinstance(value, dict) and isinstance(raw, dict):
        for inner, (key, raw_inner) in zip(value.values(), raw.items(), strict=False):
            _check(inner, raw_inner, f"{path}.{key}")
