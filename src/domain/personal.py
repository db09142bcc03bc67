"""Personal data: sealed per data subject, and erasable by destroying the subject's key.

A customer's contact people (names, phones, e-mails) never enter an event in
the clear. The API seals them with the customer's own key before a command is
built, so events, snapshots and read models hold only `Sealed` values; reading
one back needs the key. An erasure request destroys the key (crypto-shredding):
the log is not rewritten, every hash in the audit chain still matches, history
replays and every figure stays the same, but the sealed fields read as erased.

The domain never looks inside a `Sealed` value: no decision may depend on
personal data, which is what makes erasing it safe. The erasure itself is a
fact on the subject's own stream, so auditors see who asked for it and why.
"""

from __future__ import annotations

from typing import Annotated, assert_never
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from msgspec.structs import replace

from domain.shared import AwareDatetime, DomainError, Email, Name, Text

_SUBJECTS = uuid5(NAMESPACE_URL, "urn:orderhub:data-subject")

Phone = Annotated[str, msgspec.Meta(pattern=r"^$|^\+?[0-9][0-9 ()\-]{2,30}$")]


def data_subject_id(subject: str) -> UUID:
    return uuid5(_SUBJECTS, subject)


class ContactPerson(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A customer's contact, in the clear: only ever held in memory, never stored."""

    name: Name
    phone: Phone = ""
    email: Email = ""


class Sealed(msgspec.Struct, frozen=True, kw_only=True):
    """Personal data encrypted under one key of `subject` (deterministic AEAD)."""

    subject: str
    key_id: str
    ciphertext: str  # base64


class SealedFor(DomainError):
    rule = "sealed_for_another_subject"


def check_sealed_for(sealed: Sealed | None, subject: str, field: str) -> None:
    """Personal data must be sealed under the key of the subject it belongs to."""
    if sealed is not None and sealed.subject != subject:
        raise SealedFor(
            f"{field} is sealed for {sealed.subject!r}, not for {subject!r}", field=field
        )


class ErasePersonalData(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    subject: Name
    reason: Text
    at: AwareDatetime


class PersonalDataErased(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The subject's keys were destroyed: what was sealed for it reads as erased."""

    subject: str
    reason: str
    at: AwareDatetime


PersonalCommand = ErasePersonalData
PersonalEvent = PersonalDataErased


class DataSubjectState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    subject: str = ""
    erasures: int = 0


INITIAL = DataSubjectState()


def decide(command: PersonalCommand, _: DataSubjectState) -> list[PersonalEvent]:
    match command:
        case ErasePersonalData(subject=subject, reason=reason, at=at):
            # Every request is recorded: data sealed since an earlier erasure is erased too.
            return [PersonalDataErased(subject=subject, reason=reason, at=at)]
        case _:
            assert_never(command)


def evolve(state: DataSubjectState, event: PersonalEvent) -> DataSubjectState:
    match event:
        case PersonalDataErased(subject=subject):
            return replace(
                state, version=state.version + 1, subject=subject, erasures=state.erasures + 1
            )
        case _:
            assert_never(event)
