"""DataSubject events: the erasure, recorded so auditors see who asked for it and why."""

from __future__ import annotations

import msgspec

from domain.shared import AwareDatetime


class PersonalDataErased(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The subject's keys were destroyed: what was sealed for it reads as erased."""

    subject: str
    reason: str
    at: AwareDatetime


PersonalEvent = PersonalDataErased
