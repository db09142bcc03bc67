"""DataSubject commands: a request to erase a subject's personal data."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.shared import AwareDatetime, Name, Text

_SUBJECTS = uuid5(NAMESPACE_URL, "urn:orderhub:data-subject")


def data_subject_id(subject: str) -> UUID:
    return uuid5(_SUBJECTS, subject)


class ErasePersonalData(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    subject: Name
    reason: Text
    at: AwareDatetime


PersonalCommand = ErasePersonalData
