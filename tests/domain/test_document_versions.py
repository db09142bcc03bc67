"""Document versions: labels, change notes, customer sign-off and superseding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.document_version import for_work
from domain.document_version.commands import ConfirmVersion, RejectVersion, UploadVersion
from domain.document_version.events import (
    DocumentKind,
    FileFacts,
    Signer,
    VersionConfirmed,
    VersionRejected,
    VersionSuperseded,
    VersionUploaded,
)
from domain.document_version.rules import (
    ChangeNoteRequired,
    NoCurrentVersion,
    NotAwaitingConfirmation,
    NotCurrentVersion,
    NotLatestVersion,
    SameFileAsLatest,
    SignedFileMismatch,
    UploadedBeforePrevious,
)
from domain.document_version.versions import Status
from domain.testing import document_spec as spec

ORDER = UUID("00000000-0000-4000-8000-00000000beef")
DAY = datetime(2025, 12, 20, 9, 30, tzinfo=UTC)
CUSTOMER = Signer(name="Wang Wei (Jiaxing Conveyors)")


def file(n: int) -> FileFacts:
    return FileFacts(
        sha256=f"{n:064x}", size=1000 + n, media_type="application/pdf", filename=f"d{n}.pdf"
    )


def upload(
    n: int, *, days: int = 0, note: str = "", change: str = "minor", **kw: object
) -> UploadVersion:
    return UploadVersion(
        order_id=ORDER,
        kind=kw.pop("kind", DocumentKind.DESIGN_DRAWING),  # type: ignore[arg-type]
        title="Conveyor frame",
        file=file(n),
        uploaded_by="zhao.lei",
        uploaded_at=DAY + timedelta(days=days),
        change=change,  # type: ignore[arg-type]
        change_note=note,
        **kw,  # type: ignore[arg-type]
    )


def confirm(label: str, n: int, *, on_behalf: bool = False) -> ConfirmVersion:
    signer = Signer(name="li.na", on_behalf_of_customer=True) if on_behalf else CUSTOMER
    return ConfirmVersion(
        label=label, sha256=file(n).sha256, signer=signer, signed_at=DAY, signature="ab" * 32
    )


def reject(label: str) -> RejectVersion:
    return RejectVersion(label=label, signer=CUSTOMER, rejected_at=DAY, reason="hole pattern off")


def test_the_first_version_is_labelled_v1_0_with_its_upload_date() -> None:
    [uploaded] = spec().when(upload(1)).events()
    assert isinstance(uploaded, VersionUploaded)
    assert uploaded.label == "V1.0_20251220"
    assert uploaded.customer_must_confirm  # drawings are signed by the customer


def test_minor_and_major_changes_number_the_next_version() -> None:
    history = spec.run(upload(1))
    minor = spec(*history).when(upload(2, days=1, note="bore 12 -> 14")).events()[0]
    assert isinstance(minor, VersionUploaded)
    assert minor.label == "V1.1_20251221"
    major = spec(*history).when(upload(2, days=3, note="new frame", change="major")).events()[0]
    assert isinstance(major, VersionUploaded)
    assert major.label == "V2.0_20251223"


def test_every_version_after_the_first_needs_a_change_note() -> None:
    spec(*spec.run(upload(1))).when(upload(2, note="  ")).raises(
        ChangeNoteRequired, field="change_note"
    )


def test_the_same_file_again_is_not_a_new_version() -> None:
    spec(*spec.run(upload(1))).when(upload(1, note="again")).raises(SameFileAsLatest)


def test_a_version_cannot_be_uploaded_before_the_previous_one() -> None:
    spec(*spec.run(upload(1, days=2))).when(upload(2, note="x")).raises(
        UploadedBeforePrevious, field="uploaded_at"
    )


def test_nothing_is_handed_out_before_the_customer_confirms() -> None:
    state = spec.fold(spec.run(upload(1)))
    assert state.versions[0].status is Status.AWAITING_CONFIRMATION
    with pytest.raises(NoCurrentVersion):
        for_work(state)


def test_the_customer_signs_the_file_hash_and_the_version_becomes_current() -> None:
    state = (
        spec(*spec.run(upload(1)))
        .when(confirm("V1.0_20251220", 1))
        .then(
            VersionConfirmed(
                label="V1.0_20251220",
                sha256=file(1).sha256,
                signer=CUSTOMER,
                signed_at=DAY,
                signature="ab" * 32,
            )
        )
    )
    assert for_work(state).label == "V1.0_20251220"


def test_a_salesperson_signing_for_the_customer_is_recorded_as_such() -> None:
    state = spec(*spec.run(upload(1))).when(confirm("V1.0_20251220", 1, on_behalf=True)).state()
    signer = state.versions[0].signer
    assert signer is not None
    assert signer.on_behalf_of_customer


def test_a_signature_over_another_file_is_refused() -> None:
    spec(*spec.run(upload(1))).when(confirm("V1.0_20251220", 2)).raises(
        SignedFileMismatch, field="sha256"
    )


def test_a_rejected_version_carries_the_reason_and_the_old_one_stays_current() -> None:
    history = spec.run(upload(1), confirm("V1.0_20251220", 1), upload(2, days=1, note="bore"))
    state = (
        spec(*history)
        .when(reject("V1.1_20251221"))
        .then(
            VersionRejected(
                label="V1.1_20251221", signer=CUSTOMER, rejected_at=DAY, reason="hole pattern off"
            )
        )
    )
    assert state.versions[1].rejection == "hole pattern off"
    assert for_work(state).label == "V1.0_20251220"
    spec(*history, *spec.run()).when(reject("V1.0_20251220")).raises(NotLatestVersion)


def test_confirming_a_newer_version_supersedes_the_older_ones() -> None:
    history = spec.run(upload(1), confirm("V1.0_20251220", 1), upload(2, days=1, note="bore"))
    state = (
        spec(*history)
        .when(confirm("V1.1_20251221", 2))
        .then(
            VersionConfirmed(
                label="V1.1_20251221",
                sha256=file(2).sha256,
                signer=CUSTOMER,
                signed_at=DAY,
                signature="ab" * 32,
            ),
            VersionSuperseded(label="V1.0_20251220", by_label="V1.1_20251221"),
        )
    )
    assert for_work(state).label == "V1.1_20251221"
    with pytest.raises(NotCurrentVersion, match=r"V1\.1_20251221") as refused:
        for_work(state, "V1.0_20251220")
    assert refused.value.details["current"] == "V1.1_20251221"
    assert state.find("V1.0_20251220").status is Status.SUPERSEDED  # auditors still see it


def test_a_version_awaiting_confirmation_is_withdrawn_by_a_newer_upload() -> None:
    history = spec.run(upload(1))
    events = spec(*history).when(upload(2, days=1, note="customer changed the bore")).events()
    assert events[1:] == [VersionSuperseded(label="V1.0_20251220", by_label="V1.1_20251221")]
    later = spec(*history, *events)
    later.when(confirm("V1.0_20251220", 1)).raises(NotLatestVersion)


def test_a_version_is_confirmed_once() -> None:
    history = spec.run(upload(1), confirm("V1.0_20251220", 1))
    spec(*history).when(confirm("V1.0_20251220", 1)).raises(NotAwaitingConfirmation)


def test_a_work_instruction_is_current_on_upload_and_replaced_by_the_next() -> None:
    kind = DocumentKind.WORK_INSTRUCTION
    history = spec.run(upload(1, kind=kind))
    assert for_work(spec.fold(history)).label == "V1.0_20251220"
    state = spec(*history).when(upload(2, days=1, note="torque spec", kind=kind)).state()
    assert for_work(state).label == "V1.1_20251221"
    assert state.versions[0].status is Status.SUPERSEDED
