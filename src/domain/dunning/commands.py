"""Dunning commands: a run of the week's list, named by the firing that opened the week."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.dunning.lines import DunningLine
from domain.shared import AwareDatetime

_LISTS = uuid5(NAMESPACE_URL, "urn:orderhub:dunning-lists")


def dunning_list_id(scheduled_for: date | AwareDatetime) -> UUID:
    """One list a week: the id derives from the scheduled time of the week's firing."""
    return uuid5(_LISTS, scheduled_for.isoformat())


class CompileDunningList(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Run the week's list: `lines` is everything overdue on `as_of`; the list records
    those not on it yet as its next revision."""

    scheduled_for: AwareDatetime
    as_of: date
    lines: tuple[DunningLine, ...]


DunningCommand = CompileDunningList
