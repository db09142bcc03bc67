"""DocumentVersion events and the facts they carry: the document's kind, the file, the signer.

Immutable past-tense facts. New fields get defaults; none is retyped.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec

from domain.shared import AwareDatetime, Name

Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]


class DocumentKind(StrEnum):
    DESIGN_DRAWING = "design_drawing"
    BILL_OF_MATERIALS = "bill_of_materials"
    WORK_INSTRUCTION = "work_instruction"
    ACCEPTANCE_REPORT = "acceptance_report"
    CUSTOMER_CONFIRMATION = "customer_confirmation"
    OTHER = "other"


class FileFacts(msgspec.Struct, frozen=True, kw_only=True):
    sha256: Sha256
    size: Annotated[int, msgspec.Meta(ge=0)]
    media_type: Name
    filename: Name


class Signer(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    on_behalf_of_customer: bool = False  # a salesperson signing for the customer
    # Who recorded it: the acting user for a confirmation on the customer's behalf,
    # "customer link" for the customer's own through a signed link ("" before this).
    recorded_by: Annotated[str, msgspec.Meta(max_length=200)] = ""


class VersionUploaded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    kind: DocumentKind
    title: str
    label: str
    major: int
    minor: int
    file: FileFacts
    uploaded_by: str
    uploaded_at: AwareDatetime
    change_note: str
    customer_must_confirm: bool


class VersionConfirmed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    label: str
    sha256: str
    signer: Signer
    signed_at: AwareDatetime
    signature: str


class VersionRejected(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    label: str
    signer: Signer
    rejected_at: AwareDatetime
    reason: str


class VersionSuperseded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    label: str
    by_label: str


DocumentEvent = VersionUploaded | VersionConfirmed | VersionRejected | VersionSuperseded
