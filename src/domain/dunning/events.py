"""Dunning events: a compiled list is a fact, what we asked people to chase and at what level."""

from __future__ import annotations

from datetime import date

import msgspec

from domain.dunning.lines import DunningLine
from domain.shared import AwareDatetime


class DunningListCompiled(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    scheduled_for: AwareDatetime
    as_of: date
    lines: tuple[DunningLine, ...]


DunningEvent = DunningListCompiled
