"""Dunning events: a compiled list is a fact, what we asked people to chase and at what level."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

import msgspec

from domain.dunning.lines import DunningLine
from domain.shared import AwareDatetime


class DunningListCompiled(msgspec.Struct, frozen=True, kw_only=True, tag=True, omit_defaults=True):
    """A revision of the week's list: the lines it adds, as they stood on `as_of`.

    Revision 1 is the week's first run; each later run that finds something new is
    the next revision, with only the lines not on the list yet. Lists compiled before
    revisions existed have no `revision` and are revision 1. Defaults are left out
    when encoding, so such a list encodes to exactly the bytes stored (seals are
    checked on what a record encodes to).
    """

    scheduled_for: AwareDatetime
    as_of: date
    lines: tuple[DunningLine, ...]
    revision: Annotated[int, msgspec.Meta(ge=1)] = 1

    @property
    def dunned_at(self) -> datetime:
        """When this revision's lines count as found overdue: the firing's time of day
        on `as_of` (the firing itself for a run on the firing's day)."""
        return self.scheduled_for + timedelta(days=(self.as_of - self.scheduled_for.date()).days)


DunningEvent = DunningListCompiled
