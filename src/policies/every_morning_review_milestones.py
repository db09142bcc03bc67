"""Every morning, make billable the milestones whose day has come (dates, retention).

Most milestones become billable on a fact (signing, shipment, acceptance); two
kinds wait for the calendar: a contract date, and acceptance + N months (the
10% retention after twelve months). Each morning the receivables
with such milestones still scheduled are reviewed as of that day; the command
id names the receivable and the day, so a second firing that day does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from application.service import ApplicationService, CommandMeta
from domain.deciders import RECEIVABLE
from domain.dunning import DunningRules
from domain.receivable.commands import ReviewMilestones
from infrastructure.read_store import ReadStore
from policies.every_monday_compile_dunning_list import company_rules
from projections.receivables_queries import awaiting_the_calendar

NAME = "every_morning_review_milestones"
HOUR, MINUTE = 0, 5  # just after midnight, company time


def daily_trigger(rules: DunningRules) -> CronTrigger:
    return CronTrigger(hour=HOUR, minute=MINUTE, timezone=ZoneInfo(rules.timezone))


def latest_morning(timezone: str, now: datetime) -> datetime:
    local = now.astimezone(ZoneInfo(timezone))
    morning = local.replace(hour=HOUR, minute=MINUTE, second=0, microsecond=0)
    return morning if morning <= local else morning - timedelta(days=1)


class DailyReview:
    def __init__(
        self, service: ApplicationService, store: ReadStore, receivables: Callable[[], str]
    ) -> None:
        self.service = service
        self.store = store
        self.receivables = receivables

    def run(self, now: datetime) -> list[UUID]:
        """Review, as of this morning, every receivable with a milestone waiting for a date."""
        morning = latest_morning(company_rules(self.service).timezone, now)
        with self.store.transaction(commit=False) as tx:
            waiting = awaiting_the_calendar(tx, self.receivables())
        for receivable_id in waiting:
            meta = CommandMeta(
                command_id=f"{NAME}:{receivable_id}:{morning.date().isoformat()}",
                actor=f"clock:{NAME}",
            )
            self.service.execute(RECEIVABLE, receivable_id, ReviewMilestones(as_of=morning), meta)
        return waiting
