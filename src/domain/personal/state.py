"""DataSubject state and `evolve`: how many erasures the subject has asked for."""

from __future__ import annotations

from typing import assert_never

import msgspec
from msgspec.structs import replace

from domain.personal.events import PersonalDataErased, PersonalEvent


class DataSubjectState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    subject: str = ""
    erasures: int = 0


INITIAL = DataSubjectState()


def evolve(state: DataSubjectState, event: PersonalEvent) -> DataSubjectState:
    match event:
        case PersonalDataErased(subject=subject):
            return replace(
                state, version=state.version + 1, subject=subject, erasures=state.erasures + 1
            )
        case _:
            assert_never(event)
