"""Dunning list state and `evolve`: the lines a week's list holds, over its revisions."""

from __future__ import annotations

from datetime import date
from typing import assert_never
from uuid import UUID

import msgspec

from domain.dunning.events import DunningEvent, DunningListCompiled
from domain.dunning.lines import line_key


class DunningState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    revision: int = 0  # the latest revision recorded
    as_of: date | None = None  # the day the latest revision stands for
    listed: frozenset[tuple[UUID, str]] = frozenset()  # the invoices on the list (line_key)


INITIAL = DunningState()


def evolve(state: DunningState, event: DunningEvent) -> DunningState:
    match event:
        case DunningListCompiled():
            return DunningState(
                version=state.version + 1,
                revision=event.revision,
                as_of=event.as_of,
                listed=state.listed | {line_key(line) for line in event.lines},
            )
        case _:
            assert_never(event)
