"""`decide`: a run of the week's list records what is newly overdue as the next revision.

The week's first run records the list even when nothing is overdue, so every
week has one; a later run records only something new."""

from __future__ import annotations

from typing import assert_never

from domain.dunning import rules
from domain.dunning.commands import CompileDunningList, DunningCommand
from domain.dunning.events import DunningEvent, DunningListCompiled
from domain.dunning.state import DunningState


def decide(command: DunningCommand, state: DunningState) -> list[DunningEvent]:
    match command:
        case CompileDunningList():
            if rules.behind_the_list(state, command.as_of):
                return []
            new = rules.not_yet_listed(state, command.lines)
            if state.revision and not new:
                return []  # nothing overdue since the last run: a rerun changes nothing
            return [
                DunningListCompiled(
                    scheduled_for=command.scheduled_for,
                    as_of=command.as_of,
                    lines=new,
                    revision=state.revision + 1,
                )
            ]
        case _:
            assert_never(command)
