"""Shop-floor link commands; the link's id, the time and the user arrive on them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec

from domain.shared import AwareDatetime, Name

Note = Annotated[str, msgspec.Meta(max_length=500)]


class IssueLink(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    document_id: UUID
    expires_at: AwareDatetime
    issued_by: Name
    at: AwareDatetime
    note: Note = ""


class UseLink(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    document_id: UUID  # the document the token was made out for
    label: str
    client: Annotated[str, msgspec.Meta(max_length=300)]
    at: AwareDatetime


class RevokeLink(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: Name
    at: AwareDatetime
    reason: Note = ""


LinkCommand = IssueLink | UseLink | RevokeLink
