"""DocumentVersion state and `evolve`: applies facts, never validates, never reads the clock."""

from __future__ import annotations

from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.document_version.events import (
    DocumentEvent,
    DocumentKind,
    VersionConfirmed,
    VersionRejected,
    VersionSuperseded,
    VersionUploaded,
)
from domain.document_version.rules import UnknownVersion
from domain.document_version.versions import CURRENT, Status, Version


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


def _with(state: DocumentState, label: str, **changes: object) -> DocumentState:
    versions = tuple(replace(v, **changes) if v.label == label else v for v in state.versions)
    return replace(state, version=state.version + 1, versions=versions)


def evolve(state: DocumentState, event: DocumentEvent) -> DocumentState:
    match event:
        case VersionUploaded():
            added = Version(
                label=event.label,
                major=event.major,
                minor=event.minor,
                file=event.file,
                uploaded_by=event.uploaded_by,
                uploaded_at=event.uploaded_at,
                change_note=event.change_note,
                status=(
                    Status.AWAITING_CONFIRMATION if event.customer_must_confirm else Status.RELEASED
                ),
            )
            return replace(
                state,
                version=state.version + 1,
                order_id=event.order_id,
                kind=event.kind,
                title=event.title,
                customer_must_confirm=event.customer_must_confirm,
                versions=(*state.versions, added),
            )
        case VersionConfirmed(label=label):
            return _with(
                state,
                label,
                status=Status.CONFIRMED,
                signer=event.signer,
                signed_at=event.signed_at,
                signature=event.signature,
            )
        case VersionRejected(label=label, reason=reason, signer=signer):
            return _with(state, label, status=Status.REJECTED, rejection=reason, signer=signer)
        case VersionSuperseded(label=label):
            return _with(state, label, status=Status.SUPERSEDED)
        case _:
            assert_never(event)
