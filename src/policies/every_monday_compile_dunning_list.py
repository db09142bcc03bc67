"""Every Monday at 09:00 (company time), compile the dunning list of overdue items.

A weekly scan of everything overdue and unpaid, a list per
salesperson. The time, levels, fees and interest are rulebook data. A week's
list is named by the scheduled time of its firing (the latest scheduled time at
or before the moment a run stands for). A run compiles what is overdue on that
moment's day, and the list records what is not on it yet as its next revision;
the command id is the firing plus that revision number, so two running
instances, a restart that fires again, or a retried run record a revision
once, and a run that finds nothing new records nothing. A Monday missed while
no instance ran is compiled by the catch-up on start, as of that day.

The items come from the receivables read model as of the run's day; the list
records them as they were, so what each salesperson was asked to chase stays
in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple
from uuid import UUID
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from application.service import ApplicationService, CommandIdReused, CommandMeta
from domain.deciders import DUNNING, RULEBOOK
from domain.dunning import (
    DEFAULT_DUNNING_RULES,
    CompileDunningList,
    DunningRules,
    compile_lines,
    dunning_list_id,
)
from domain.rulebook import RULEBOOK_ID
from infrastructure.read_store import ReadStore
from projections.receivables_queries import open_items

log = logging.getLogger(__name__)

NAME = "every_monday_compile_dunning_list"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def latest_firing(rules: DunningRules, now: datetime) -> datetime:
    """The latest scheduled time at or before `now`, in the company's time zone."""
    local = now.astimezone(ZoneInfo(rules.timezone))
    days_back = (local.weekday() - _WEEKDAYS.index(rules.day_of_week)) % 7
    firing = (local - timedelta(days=days_back)).replace(
        hour=rules.hour, minute=rules.minute, second=0, microsecond=0
    )
    return firing if firing <= local else firing - timedelta(days=7)


def trigger(rules: DunningRules) -> CronTrigger:
    return CronTrigger(
        day_of_week=rules.day_of_week,
        hour=rules.hour,
        minute=rules.minute,
        timezone=ZoneInfo(rules.timezone),
    )


def company_rules(service: ApplicationService) -> DunningRules:
    """The published dunning rules (schedule, time zone, levels), or the defaults."""
    published = service.load(RULEBOOK, RULEBOOK_ID).payment_terms
    return published.terms.dunning if published else DEFAULT_DUNNING_RULES


class DunningRun(NamedTuple):
    list_id: UUID
    revision: int | None  # the revision this run recorded; None: nothing new since


def command_id(scheduled: datetime, revision: int) -> str:
    """The clock's id for a revision of the week's list (revision 1 keeps the id lists
    had before revisions)."""
    firing = f"{NAME}:{scheduled.isoformat()}"
    return firing if revision == 1 else f"{firing}:r{revision}"


class WeeklyDunning:
    """Runs the week's list; `run(now)` is what the scheduler calls."""

    def __init__(
        self, service: ApplicationService, store: ReadStore, receivables: Callable[[], str]
    ) -> None:
        self.service = service
        self.store = store
        self.receivables = receivables  # the receivables read model's active copy

    def run(self, now: datetime) -> UUID:
        """Add what is overdue on `now`'s day to the list of the week `now` falls in."""
        return self.compile(now).list_id

    def compile(self, now: datetime) -> DunningRun:
        """`run`, saying which revision it recorded, if any."""
        rules = company_rules(self.service)
        scheduled = latest_firing(rules, now)
        list_id = dunning_list_id(scheduled)
        as_of = now.astimezone(ZoneInfo(rules.timezone)).date()
        with self.store.transaction(commit=False) as tx:
            items = open_items(tx, self.receivables(), as_of)
        command = CompileDunningList(
            scheduled_for=scheduled, as_of=as_of, lines=compile_lines(items, as_of, rules)
        )
        revision = self.service.load(DUNNING, list_id).revision + 1
        meta = CommandMeta(command_id=command_id(scheduled, revision), actor=f"clock:{NAME}")
        try:
            outcome = self.service.execute(DUNNING, list_id, command, meta)
        except CommandIdReused as refused:
            self.service.done_before(refused, meta)
            log.info("revision %s of the dunning list for %s was compiled by another instance",
                     revision, scheduled)  # fmt: skip
            return DunningRun(list_id, None)
        # One event per revision: the list's version is its latest revision.
        return DunningRun(list_id, outcome.version if outcome.events else None)
