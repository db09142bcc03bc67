"""Shop-floor link events: issued for one document, used (each scan), revoked."""

from __future__ import annotations

from uuid import UUID

import msgspec

from domain.shared import AwareDatetime, Name


class LinkIssued(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    document_id: UUID
    expires_at: AwareDatetime
    issued_by: Name
    note: str
    at: AwareDatetime


class LinkUsed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A scan: which version was handed out, and to what client."""

    label: str
    client: str
    at: AwareDatetime


class LinkRevoked(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: Name
    reason: str
    at: AwareDatetime


LinkEvent = LinkIssued | LinkUsed | LinkRevoked
