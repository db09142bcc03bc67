"""Whatever the uploads, confirmations and rejections, one version at most is current,
and only it is handed out for work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import hypothesis
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain import document_version
from domain.document_version.commands import (
    ConfirmVersion,
    DocumentCommand,
    RejectVersion,
    UploadVersion,
)
from domain.document_version.events import DocumentEvent, DocumentKind, FileFacts, Signer
from domain.document_version.rules import NotCurrentVersion
from domain.document_version.versions import CURRENT, Status
from domain.shared import DomainError

ORDER = UUID("00000000-0000-4000-8000-0000000000d0")
START = datetime(2025, 12, 1, 8, tzinfo=UTC)
files = st.integers(0, 6).map(
    lambda n: FileFacts(sha256=f"{n:064x}", size=n, media_type="image/png", filename=f"{n}.png")
)


class DocumentLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = document_version.INITIAL
        self.events: list[DocumentEvent] = []
        self.now = START

    @initialize(kind=st.sampled_from(DocumentKind), must_confirm=st.none() | st.booleans())
    def choose_document(self, kind: DocumentKind, must_confirm: bool | None) -> None:
        self.kind = kind
        self.must_confirm = must_confirm

    def _later(self, hours: int) -> datetime:
        self.now += timedelta(hours=hours)
        return self.now

    @rule(
        file=files, hours=st.integers(0, 60), major=st.booleans(), note=st.sampled_from(["", "x"])
    )
    def upload(self, file: FileFacts, hours: int, major: bool, note: str) -> None:
        self.apply(
            UploadVersion(
                order_id=ORDER,
                kind=self.kind,
                title="frame",
                file=file,
                uploaded_by="zhao.lei",
                uploaded_at=self._later(hours),
                change="major" if major else "minor",
                change_note=note,
                customer_must_confirm=self.must_confirm,
            )
        )

    @rule(data=st.data(), right_file=st.booleans(), on_behalf=st.booleans())
    def confirm(self, data: st.DataObject, right_file: bool, on_behalf: bool) -> None:
        if not self.state.versions:
            return
        version = data.draw(st.sampled_from(self.state.versions))
        sha = version.file.sha256 if right_file else "f" * 64
        signer = Signer(name="customer", on_behalf_of_customer=on_behalf)
        self.apply(
            ConfirmVersion(
                label=version.label,
                sha256=sha,
                signer=signer,
                signed_at=self._later(1),
                signature="s",
            )
        )

    @rule(data=st.data())
    def reject(self, data: st.DataObject) -> None:
        if not self.state.versions:
            return
        version = data.draw(st.sampled_from(self.state.versions))
        self.apply(
            RejectVersion(
                label=version.label,
                signer=Signer(name="customer"),
                rejected_at=self._later(1),
                reason="no",
            )
        )

    def apply(self, command: DocumentCommand) -> None:
        try:
            new_events = document_version.decide(command, self.state)
        except DomainError as error:
            hypothesis.event(f"refused: {error.rule}")
            return
        for event in new_events:
            self.state = document_version.evolve(self.state, event)
            self.events.append(event)

    @invariant()
    def at_most_one_version_is_current(self) -> None:
        assert sum(v.status in CURRENT for v in self.state.versions) <= 1

    @invariant()
    def only_the_current_version_is_handed_out(self) -> None:
        current = self.state.current
        for version in self.state.versions:
            if current is not None and version.label == current.label:
                assert document_version.for_work(self.state, version.label) == current
            else:
                try:
                    document_version.for_work(self.state, version.label)
                except NotCurrentVersion:
                    continue
                raise AssertionError(f"{version.label} ({version.status}) was handed out")

    @invariant()
    def a_current_version_that_needs_confirmation_was_signed_for_its_file(self) -> None:
        current = self.state.current
        if current is not None and self.state.customer_must_confirm:
            assert current.status is Status.CONFIRMED
            assert current.signer is not None

    @invariant()
    def labels_are_unique_and_numbers_rise(self) -> None:
        numbers = [(v.major, v.minor) for v in self.state.versions]
        assert numbers == sorted(set(numbers))
        assert len({v.label for v in self.state.versions}) == len(numbers)

    @invariant()
    def replay_gives_the_live_state(self) -> None:
        replayed = document_version.INITIAL
        for event in self.events:
            replayed = document_version.evolve(replayed, event)
        assert replayed == self.state
        assert self.state.version == len(self.events)


TestDocumentLifecycle = DocumentLifecycle.TestCase
