"""DocumentVersion decide and evolve, and which version may be used for work."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from msgspec.structs import replace

from domain.document_version.model import (
    CONFIRMED_BY_CUSTOMER,
    CURRENT,
    OPEN,
    ChangeNoteRequired,
    ConfirmVersion,
    DocumentCommand,
    DocumentEvent,
    DocumentState,
    NoCurrentVersion,
    NotAwaitingConfirmation,
    NotCurrentVersion,
    NotLatestVersion,
    RejectVersion,
    SameFileAsLatest,
    SignedFileMismatch,
    Status,
    UploadedBeforePrevious,
    UploadVersion,
    Version,
    VersionConfirmed,
    VersionRejected,
    VersionSuperseded,
    VersionUploaded,
)


def label_of(major: int, minor: int, at: datetime) -> str:
    return f"V{major}.{minor}_{at:%Y%m%d}"


def for_work(state: DocumentState, label: str | None = None) -> Version:
    """The version the shop floor may use: the current one, and only it."""
    current = state.current
    if label is not None:
        wanted = state.find(label)
        if current is not None and wanted.label == current.label:
            return current
        raise NotCurrentVersion(
            f"{label} is {wanted.status.value}; the version for work is "
            + (current.label if current else "not confirmed yet"),
            field="label",
            label=label,
            current=current.label if current else None,
        )
    if current is None:
        raise NoCurrentVersion("no version of this document has been confirmed yet")
    return current


def _awaiting_latest(state: DocumentState, label: str) -> Version:
    version = state.find(label)
    latest = state.versions[-1]
    if version.label != latest.label:
        raise NotLatestVersion(
            f"{label} is not the latest version ({latest.label} is)",
            field="label",
            latest=latest.label,
        )
    if version.status is not Status.AWAITING_CONFIRMATION:
        raise NotAwaitingConfirmation(
            f"{label} is {version.status.value}, not awaiting confirmation", field="label"
        )
    return version


def _upload(command: UploadVersion, state: DocumentState) -> list[DocumentEvent]:
    if not state.versions:
        major, minor, note = 1, 0, command.change_note
        must_confirm = command.customer_must_confirm
        if must_confirm is None:
            must_confirm = command.kind in CONFIRMED_BY_CUSTOMER
    else:
        latest = state.versions[-1]
        note = command.change_note.strip()
        if not note:
            raise ChangeNoteRequired(
                f"a new version after {latest.label} needs a change note", field="change_note"
            )
        if command.file.sha256 == latest.file.sha256:
            raise SameFileAsLatest(f"the file is identical to {latest.label}", field="file")
        if command.uploaded_at < latest.uploaded_at:
            raise UploadedBeforePrevious(
                f"uploaded_at is before {latest.label} was uploaded", field="uploaded_at"
            )
        major, minor = (
            (latest.major + 1, 0) if command.change == "major" else (latest.major, latest.minor + 1)
        )
        must_confirm = state.customer_must_confirm
    uploaded = VersionUploaded(
        order_id=command.order_id,
        kind=command.kind,
        title=command.title,
        label=label_of(major, minor, command.uploaded_at),
        major=major,
        minor=minor,
        file=command.file,
        uploaded_by=command.uploaded_by,
        uploaded_at=command.uploaded_at,
        change_note=note,
        customer_must_confirm=must_confirm,
    )
    # A version still awaiting confirmation can no longer be confirmed (only the
    # latest can); one that needs no confirmation is current at once.
    replaced = OPEN if must_confirm else OPEN | CURRENT
    return [uploaded, *_supersede(state, uploaded.label, replaced)]


def _supersede(
    state: DocumentState, by_label: str, statuses: frozenset[Status]
) -> list[DocumentEvent]:
    return [
        VersionSuperseded(label=v.label, by_label=by_label)
        for v in state.versions
        if v.status in statuses and v.label != by_label
    ]


def decide(command: DocumentCommand, state: DocumentState) -> list[DocumentEvent]:
    match command:
        case UploadVersion():
            return _upload(command, state)
        case ConfirmVersion(label=label, sha256=sha256):
            version = _awaiting_latest(state, label)
            if sha256 != version.file.sha256:
                raise SignedFileMismatch(
                    f"the signature is for another file than {label}", field="sha256"
                )
            confirmed = VersionConfirmed(
                label=label,
                sha256=sha256,
                signer=command.signer,
                signed_at=command.signed_at,
                signature=command.signature,
            )
            return [confirmed, *_supersede(state, label, OPEN | CURRENT)]
        case RejectVersion(label=label):
            _awaiting_latest(state, label)
            return [
                VersionRejected(
                    label=label,
                    signer=command.signer,
                    rejected_at=command.rejected_at,
                    reason=command.reason,
                )
            ]
        case _:
            assert_never(command)


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
