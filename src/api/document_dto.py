"""Request and response bodies of the document routes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile
from litestar.response import Stream

from api.exports import attachment
from api.order_dto import Accepted
from api.runtime import Runtime
from application.intake import Aware, Name, Text
from domain.document_version.events import DocumentKind, Sha256
from domain.document_version.state import DocumentState
from domain.document_version.versions import Version

Label = Annotated[str, msgspec.Meta(description="e.g. V1.0_20251220")]


@dataclass
class UploadForm:
    """multipart/form-data: the file and what it is."""

    file: UploadFile
    kind: DocumentKind
    title: str
    change: Literal["major", "minor"] = "minor"
    change_note: str = ""
    customer_must_confirm: bool | None = None  # first upload only
    uploaded_at: datetime | None = None  # default: now


# The form's fields besides the file: with the file's facts, what a retry must repeat.
FORM_FIELDS = ("kind", "title", "change", "change_note", "customer_must_confirm", "uploaded_at")


class DocumentAccepted(Accepted, kw_only=True):
    label: str


class ConfirmIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    sha256: Sha256  # the file the signer reviewed
    signer: Name
    signed_at: Aware
    on_behalf_of_customer: bool | None = None  # recorded as on behalf; false is refused
    expected_version: int | None = None


class RejectIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    signer: Name
    reason: Text
    rejected_at: Aware
    on_behalf_of_customer: bool | None = None  # recorded as on behalf; false is refused
    expected_version: int | None = None


class VersionOut(msgspec.Struct, kw_only=True):
    label: str
    status: str
    sha256: str
    size: int
    media_type: str
    filename: str
    uploaded_by: str
    uploaded_at: datetime
    change_note: str
    signer: str | None = None
    on_behalf_of_customer: bool = False
    recorded_by: str = ""  # who recorded the confirmation ("customer link": the customer)
    signed_at: datetime | None = None
    signature_valid: bool | None = None  # checked against the installation's key
    rejection: str = ""


class DocumentOut(msgspec.Struct, kw_only=True):
    document_id: UUID
    order_id: UUID | None
    kind: str | None
    title: str
    version: int
    customer_must_confirm: bool
    current: str | None
    versions: list[VersionOut]


def document_out(
    document_id: UUID, state: DocumentState, signature_valid: list[bool | None]
) -> DocumentOut:
    current = state.current
    return DocumentOut(
        document_id=document_id,
        order_id=state.order_id,
        kind=state.kind.value if state.kind else None,
        title=state.title,
        version=state.version,
        customer_must_confirm=state.customer_must_confirm,
        current=current.label if current else None,
        versions=[
            VersionOut(
                label=v.label,
                status=v.status.value,
                sha256=v.file.sha256,
                size=v.file.size,
                media_type=v.file.media_type,
                filename=v.file.filename,
                uploaded_by=v.uploaded_by,
                uploaded_at=v.uploaded_at,
                change_note=v.change_note,
                signer=v.signer.name if v.signer else None,
                on_behalf_of_customer=bool(v.signer and v.signer.on_behalf_of_customer),
                recorded_by=v.signer.recorded_by if v.signer else "",
                signed_at=v.signed_at,
                signature_valid=valid,
                rejection=v.rejection,
            )
            for v, valid in zip(state.versions, signature_valid, strict=True)
        ],
    )


def file_response(runtime: Runtime, document_id: UUID, version: Version, *, purpose: str) -> Stream:
    """A version's file, read back verified against its SHA-256 first."""
    chunks = runtime.blobs.open(version.file.sha256, version.file.size)
    return Stream(
        chunks,
        media_type=version.file.media_type,
        headers={
            **attachment(version.file.filename),
            "Content-Length": str(version.file.size),
            "ETag": f'"{version.file.sha256}"',
            "X-Document-Id": str(document_id),
            "X-Document-Version": version.label,
            "X-Purpose": purpose,
        },
    )
