"""Shop-floor link state and `evolve`."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.shop_floor_link.events import LinkEvent, LinkIssued, LinkRevoked, LinkUsed


class LinkState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    document_id: UUID | None = None
    expires_at: datetime | None = None
    issued_by: str = ""
    revoked: bool = False
    uses: int = 0
    last_used_at: datetime | None = None


INITIAL = LinkState()


def evolve(state: LinkState, event: LinkEvent) -> LinkState:
    match event:
        case LinkIssued(document_id=document_id, expires_at=expires, issued_by=by):
            new = replace(state, document_id=document_id, expires_at=expires, issued_by=by)
        case LinkUsed(at=at):
            new = replace(state, uses=state.uses + 1, last_used_at=at)
        case LinkRevoked():
            new = replace(state, revoked=True)
        case _:
            assert_never(event)
    return replace(new, version=state.version + 1)
