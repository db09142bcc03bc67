"""One version of a document: its label, its file, and where it stands."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from domain.document_version.events import FileFacts, Signer

Label = Annotated[str, msgspec.Meta(pattern=r"^V[0-9]+\.[0-9]+_[0-9]{8}$")]


def label_of(major: int, minor: int, at: datetime) -> str:
    return f"V{major}.{minor}_{at:%Y%m%d}"


class Status(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    CONFIRMED = "confirmed"  # current, signed by the customer
    RELEASED = "released"  # current, no confirmation needed
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


CURRENT = frozenset({Status.CONFIRMED, Status.RELEASED})
OPEN = frozenset({Status.AWAITING_CONFIRMATION})


class Version(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    major: int
    minor: int
    file: FileFacts
    uploaded_by: str
    uploaded_at: datetime
    change_note: str
    status: Status
    signer: Signer | None = None
    signed_at: datetime | None = None
    signature: str = ""
    rejection: str = ""
