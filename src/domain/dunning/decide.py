"""`decide`: compiles a dunning list once per scheduled firing."""

from __future__ import annotations

from typing import assert_never

from domain.dunning import rules
from domain.dunning.commands import CompileDunningList, DunningCommand
from domain.dunning.events import DunningEvent, DunningListCompiled
from domain.dunning.state import DunningState


def decide(command: DunningCommand, state: DunningState) -> list[DunningEvent]:
    match command:
        case CompileDunningList():
            rules.must_not_be_compiled(state, command.scheduled_for)
            return [
                DunningListCompiled(
                    scheduled_for=command.scheduled_for, as_of=command.as_of, lines=command.lines
                )
            ]
        case _:
            assert_never(command)
