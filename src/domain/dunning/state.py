"""Dunning list state and `evolve`: a list is compiled once."""

from __future__ import annotations

from typing import assert_never

import msgspec

from domain.dunning.events import DunningEvent, DunningListCompiled


class DunningState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0


INITIAL = DunningState()


def evolve(state: DunningState, event: DunningEvent) -> DunningState:
    match event:
        case DunningListCompiled():
            return DunningState(version=state.version + 1)
        case _:
            assert_never(event)
