"""Dunning commands: compiling the list for one scheduled firing."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.dunning.lines import DunningLine
from domain.shared import AwareDatetime

_LISTS = uuid5(NAMESPACE_URL, "urn:orderhub:dunning-lists")


def dunning_list_id(scheduled_for: date | AwareDatetime) -> UUID:
    """One list per scheduled firing: the id derives from the scheduled time."""
    return uuid5(_LISTS, scheduled_for.isoformat())


class CompileDunningList(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    scheduled_for: AwareDatetime
    as_of: date
    lines: tuple[DunningLine, ...]


DunningCommand = CompileDunningList
