"""Named document rules, and the errors that name them.

Only the current version may be handed out for work. A new version says what
changed, carries a new file and is not older than the one before. Only the
latest version, while it awaits confirmation, is confirmed or rejected: the
customer (or the salesperson on their behalf, recorded as such) signs the file's
hash, and a signature counts only for the file it was made over.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from domain.document_version.events import DocumentKind, FileFacts
from domain.document_version.versions import Status, Version
from domain.shared import DomainError

if TYPE_CHECKING:  # state.py raises UnknownVersion from here, so it imports this module
    from domain.document_version.state import DocumentState


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


# What the customer signs unless the first upload says otherwise: the drawings
# they ordered against and the acceptance report they sign off.
CONFIRMED_BY_CUSTOMER = frozenset({DocumentKind.DESIGN_DRAWING, DocumentKind.ACCEPTANCE_REPORT})


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


def customer_must_confirm(kind: DocumentKind, asked: bool | None) -> bool:
    """Whether a new document needs the customer's confirmation: as asked, else by kind."""
    return kind in CONFIRMED_BY_CUSTOMER if asked is None else asked


def must_note_change(note: str, latest: Version) -> None:
    if not note:
        raise ChangeNoteRequired(
            f"a new version after {latest.label} needs a change note", field="change_note"
        )


def must_be_new_file(file: FileFacts, latest: Version) -> None:
    if file.sha256 == latest.file.sha256:
        raise SameFileAsLatest(f"the file is identical to {latest.label}", field="file")


def must_not_precede_latest(uploaded_at: datetime, latest: Version) -> None:
    if uploaded_at < latest.uploaded_at:
        raise UploadedBeforePrevious(
            f"uploaded_at is before {latest.label} was uploaded", field="uploaded_at"
        )


def latest_awaiting_confirmation(state: DocumentState, label: str) -> Version:
    """The version a signer confirms or rejects: the latest, while it awaits confirmation."""
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


def must_be_signed_file(sha256: str, version: Version) -> None:
    """A signature counts only for the file the signer saw."""
    if sha256 != version.file.sha256:
        raise SignedFileMismatch(
            f"the signature is for another file than {version.label}", field="sha256"
        )
