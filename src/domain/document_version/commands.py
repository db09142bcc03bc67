"""DocumentVersion commands: upload a version, and confirm or reject the latest one."""

from __future__ import annotations

from typing import Literal
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.document_version.events import DocumentKind, FileFacts, Sha256, Signer
from domain.document_version.versions import Label
from domain.shared import AwareDatetime, Name, Text

_DOCUMENTS_NAMESPACE = uuid5(NAMESPACE_URL, "urn:orderhub:documents")


def document_id_for(order_id: UUID, kind: DocumentKind, title: str) -> UUID:
    """A document is its order, kind and title: uploading again adds a version."""
    return uuid5(_DOCUMENTS_NAMESPACE, f"{order_id}:{kind.value}:{title}")


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
