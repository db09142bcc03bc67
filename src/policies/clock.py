"""The clock-driven policies under APScheduler: weekly dunning, daily milestone review,
renewal quotes and completion predictions, and escalating unanswered exceptions and
overdue tasks every few minutes.

Each job computes the firing it stands for from the time it runs and acts
through idempotent commands named by that firing, so a job fired twice (two
instances, a restart) acts once, and a firing missed while the service was down
is caught up on start. A job reads the receivables read model only once it has
caught up with the log; a job that fails is retried a few minutes later. The
schedule is read from the rulebook when the clock starts; a newly published
schedule applies from the next start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from apscheduler.schedulers.background import BackgroundScheduler

from application.service import ApplicationService
from infrastructure.read_store import ReadStore
from policies.every_few_minutes_escalate_overdue_tasks import EscalateOverdueTasks
from policies.every_few_minutes_escalate_unanswered_alerts import EVERY, EscalateUnanswered
from policies.every_monday_compile_dunning_list import WeeklyDunning, company_rules, trigger
from policies.every_morning_draft_renewal_quotes import DraftRenewals
from policies.every_morning_predict_completion import DailyPredictions
from policies.every_morning_review_milestones import DailyReview, daily_trigger

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=5)
Job = Callable[[datetime], object]


class ReadModelBehind(Exception):
    """The receivables read model did not catch up with the log in time."""


class Clock:
    def __init__(
        self,
        service: ApplicationService,
        store: ReadStore,
        copy_of: Callable[[str], str],
        *,
        now: Callable[[], datetime],
        settled: Callable[[], bool],
    ) -> None:
        """`copy_of(name)` is the active copy of the read model `name` the jobs read."""
        self.service = service
        self.now = now
        self.settled = settled  # True once the read models the jobs read cover the log's head
        receivables = partial(copy_of, "receivables")
        self.dunning = WeeklyDunning(service, store, receivables)
        self.review = DailyReview(service, store, receivables)
        self.renewals = DraftRenewals(service, store, partial(copy_of, "sales"))
        self.predictions = DailyPredictions(service, store, partial(copy_of, "order_list"))
        self.escalate = EscalateUnanswered(service, store, partial(copy_of, "order_alerts"))
        self.escalate_tasks = EscalateOverdueTasks(service, store, partial(copy_of, "tasks"))
        self.scheduler = BackgroundScheduler()

    def fire(self, job: Job) -> bool:
        """Run `job` for the latest firing now; False (and a retry scheduled) if it failed."""
        try:
            if not self.settled():
                raise ReadModelBehind("a read model the clock reads is behind the log")
            job(self.now())
        except Exception:
            log.exception("clock job %s failed; retrying in %s", job, RETRY_AFTER)
            if self.scheduler.running:
                self.scheduler.add_job(self.fire, "date", args=[job],
                                       run_date=self.now() + RETRY_AFTER)  # fmt: skip
            return False
        return True

    def start(self) -> None:
        rules = company_rules(self.service)
        options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        self.scheduler.add_job(self.fire, trigger(rules), args=[self.dunning.run],
                               id="weekly-dunning", **options)  # fmt: skip
        self.scheduler.add_job(self.fire, daily_trigger(rules), args=[self.review.run],
                               id="daily-milestone-review", **options)  # fmt: skip
        self.scheduler.add_job(self.fire, daily_trigger(rules), args=[self.renewals.run],
                               id="daily-renewal-quotes", **options)  # fmt: skip
        self.scheduler.add_job(self.fire, daily_trigger(rules), args=[self.predictions.run],
                               id="daily-completion-predictions", **options)  # fmt: skip
        self.scheduler.add_job(self.fire, EVERY, args=[self.escalate.run],
                               id="escalate-unanswered-alerts", **options)  # fmt: skip
        self.scheduler.add_job(self.fire, EVERY, args=[self.escalate_tasks.run],
                               id="escalate-overdue-tasks", **options)  # fmt: skip
        self.scheduler.start()
        # Catch up on what was missed while no instance ran, in the scheduler's thread.
        for job in (self.dunning.run, self.review.run, self.renewals.run, self.predictions.run):
            self.scheduler.add_job(self.fire, "date", args=[job])

    def stop(self) -> None:
        """Stop firing, and wait for a job that is running (it must not outlive the store)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
