"""`decide` for a data subject: every erasure request is recorded."""

from __future__ import annotations

from typing import assert_never

from domain.personal.commands import ErasePersonalData, PersonalCommand
from domain.personal.events import PersonalDataErased, PersonalEvent
from domain.personal.state import DataSubjectState


def decide(command: PersonalCommand, _: DataSubjectState) -> list[PersonalEvent]:
    match command:
        case ErasePersonalData(subject=subject, reason=reason, at=at):
            # Every request is recorded: data sealed since an earlier erasure is erased too.
            return [PersonalDataErased(subject=subject, reason=reason, at=at)]
        case _:
            assert_never(command)
