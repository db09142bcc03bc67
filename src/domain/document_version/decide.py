"""`decide`: checks a document command against the versions and returns the new facts."""

from __future__ import annotations

from typing import assert_never

from domain.document_version import rules
from domain.document_version.commands import (
    ConfirmVersion,
    DocumentCommand,
    RejectVersion,
    UploadVersion,
)
from domain.document_version.events import (
    DocumentEvent,
    VersionConfirmed,
    VersionRejected,
    VersionSuperseded,
    VersionUploaded,
)
from domain.document_version.state import DocumentState
from domain.document_version.versions import CURRENT, OPEN, Status, label_of


def decide(command: DocumentCommand, state: DocumentState) -> list[DocumentEvent]:
    match command:
        case UploadVersion():
            return _upload(command, state)
        case ConfirmVersion(label=label, sha256=sha256):
            version = rules.latest_awaiting_confirmation(state, label)
            rules.must_be_signed_file(sha256, version)
            confirmed = VersionConfirmed(
                label=label,
                sha256=sha256,
                signer=command.signer,
                signed_at=command.signed_at,
                signature=command.signature,
            )
            return [confirmed, *_supersede(state, label, OPEN | CURRENT)]
        case RejectVersion(label=label):
            rules.latest_awaiting_confirmation(state, label)
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


def _upload(command: UploadVersion, state: DocumentState) -> list[DocumentEvent]:
    if not state.versions:
        major, minor, note = 1, 0, command.change_note
        must_confirm = rules.customer_must_confirm(command.kind, command.customer_must_confirm)
    else:
        latest = state.versions[-1]
        note = command.change_note.strip()
        rules.must_note_change(note, latest)
        rules.must_be_new_file(command.file, latest)
        rules.must_not_precede_latest(command.uploaded_at, latest)
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
    """The versions a new current or open version replaces, each superseded."""
    return [
        VersionSuperseded(label=v.label, by_label=by_label)
        for v in state.versions
        if v.status in statuses and v.label != by_label
    ]
