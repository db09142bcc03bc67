"""Every few minutes, escalate order exceptions nobody responded to in time.

Each unanswered alert past its deadline gets a CheckResponse as of now; the
command id names the alert, its level and its deadline, so the check escalates
once however often the clock fires, and the OrderAlert aggregate itself decides
(a response that just came in wins).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from apscheduler.triggers.interval import IntervalTrigger

from application.service import ApplicationService, CommandIdReused, CommandMeta
from domain.deciders import ORDER_ALERT, RULEBOOK
from domain.order_alert import DEFAULT_EXCEPTION_RULES, CheckResponse
from domain.rulebook import RULEBOOK_ID
from infrastructure.read_store import ReadStore, utc_text
from projections.order_alerts import unanswered

NAME = "every_few_minutes_escalate_unanswered_alerts"
EVERY = IntervalTrigger(minutes=5)


class EscalateUnanswered:
    def __init__(
        self, service: ApplicationService, store: ReadStore, alerts: Callable[[], str]
    ) -> None:
        self.service = service
        self.store = store
        self.alerts = alerts  # the order alerts read model's active copy

    def run(self, now: datetime) -> list[UUID]:
        published = self.service.load(RULEBOOK, RULEBOOK_ID).exception_rules
        rules = published.rules if published else DEFAULT_EXCEPTION_RULES
        with self.store.transaction(commit=False) as tx:
            late = unanswered(tx, self.alerts(), utc_text(now))
        checked = []
        for row in late:
            alert_id = UUID(row["alert_id"])
            key = f"{NAME}:{alert_id}:{row['level']}:{row['respond_by']}"
            meta = CommandMeta(command_id=key, actor=f"clock:{NAME}")
            try:
                self.service.execute(ORDER_ALERT, alert_id, CheckResponse(as_of=now, rules=rules),
                                     meta)  # fmt: skip
            except CommandIdReused as refused:
                self.service.done_before(refused, meta)
                continue  # an earlier firing checked this deadline (the read model lags)
            checked.append(alert_id)
        return checked
