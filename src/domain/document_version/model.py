"""DocumentVersion types: kinds, commands, events, state and the rules' errors."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.shared import AwareDatetime, DomainError, Name, Text

Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
Label = Annotated[str, msgspec.Meta(pattern=r"^V[0-9]+\.[0-9]+_[0-9]{8}$")]


class DocumentKind(StrEnum):
    DESIGN_DRAWING = "design_drawing"
    BILL_OF_MATERIALS = "bill_of_materials"
    WORK_INSTRUCTION = "work_instruction"
    ACCEPTANCE_REPORT = "acceptance_report"
    CUSTOMER_CONFIRMATION = "customer_confirmation"
    OTHER = "other"


# What the customer signs unless the first upload says otherwise: the drawings
# they ordered against and the acceptance report they sign off.
CONFIRMED_BY_CUSTOMER = frozenset({DocumentKind.DESIGN_DRAWING, DocumentKind.ACCEPTANCE_REPORT})

_DOCUMENTS_NAMESPACE = uuid5(NAMESPACE_URL, "urn:orderhub:documents")


def document_id_for(order_id: UUID, kind: DocumentKind, title: str) -> UUID:
    """A document is its order, kind and title: uploading again adds a version."""
    return uuid5(_DOCUMENTS_NAMESPACE, f"{order_id}:{kind.value}:{title}")


class FileFacts(msgspec.Struct, frozen=True, kw_only=True):
    sha256: Sha256
    size: Annotated[int, msgspec.Meta(ge=0)]
    media_type: Name
    filename: Name


class Signer(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    on_behalf_of_customer: bool = False  # a salesperson signing for the customer


# --- commands -------------------------------------------------------------------


class UploadVersion(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    kind: DocumentKind
    title: Name
    file: FileFacts
    uploaded_by: Name
    uploaded_at: AwareDatetime
    change: Literal["major", "minor"] = "minor"
    change_note: str = ""
    customer_must_confirm: bool | None = None  # first upload only; default by kind


class ConfirmVersion(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    label: Label
    sha256: Sha256  # the file the signer saw
    signer: Signer
    signed_at: AwareDatetime
    signature: Name  # over the file hash, computed by the signing service


class RejectVersion(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    label: Label
    signer: Signer
    rejected_at: AwareDatetime
    reason: Text


DocumentCommand = UploadVersion | ConfirmVersion | RejectVersion

# --- events ---------------------------------------------------------------------


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

# --- state ----------------------------------------------------------------------


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


class DocumentState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    order_id: UUID | None = None
    kind: DocumentKind | None = None
    title: str = ""
    customer_must_confirm: bool = False
    versions: tuple[Version, ...] = ()

    @property
    def current(self) -> Version | None:
        """The one version that may be handed out for work, if any."""
        return next((v for v in self.versions if v.status in CURRENT), None)

    def find(self, label: str) -> Version:
        for found in self.versions:
            if found.label == label:
                return found
        raise UnknownVersion(f"document has no version {label}", field="label", label=label)


INITIAL = DocumentState()

# --- rules ----------------------------------------------------------------------


class ChangeNoteRequired(DomainError):
    rule = "change_note_required"


class SameFileAsLatest(DomainError):
    rule = "same_file_as_latest"


class UploadedBeforePrevious(DomainError):
    rule = "uploaded_before_previous"


class UnknownVersion(DomainError):
    rule = "unknown_version"


class NotAwaitingConfirmation(DomainError):
    rule = "not_awaiting_confirmation"


class NotLatestVersion(DomainError):
    rule = "not_latest_version"


class SignedFileMismatch(DomainError):
    rule = "signed_file_mismatch"


class NotCurrentVersion(DomainError):
    """Asked for a version that may not be used for work; names the current one."""

    rule = "not_current_version"


class NoCurrentVersion(DomainError):
    rule = "no_current_version"
