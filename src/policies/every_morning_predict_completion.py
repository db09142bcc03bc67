"""Every morning, re-derive the predicted completion of every open order.

A stuck order changes nothing in the log, so no fact would re-predict it: each
morning it is asked again as of that day (`ReviewPrediction` with the stage plans,
deadlines and time zone in force), so an order still at 已签约 long after its
promise grows later day by day, and the exception policy moves it from L1 to L2 to
L3 as the days pass. An order whose prediction says nothing new records nothing.
The command id names the order and the morning, so a second firing that morning
does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from application.service import ApplicationService, CommandMeta
from domain.deciders import ORDER, RULEBOOK
from domain.order.commands import ReviewPrediction
from domain.rulebook import DEFAULT_STAGE_DAYS, DEFAULT_STAGE_PLANS, RULEBOOK_ID, StagePlans
from infrastructure.read_store import ReadStore
from policies.every_monday_compile_dunning_list import company_rules
from policies.every_morning_review_milestones import latest_morning
from projections.dashboards import ACTIVE

NAME = "every_morning_predict_completion"


class DailyPredictions:
    def __init__(
        self, service: ApplicationService, store: ReadStore, orders: Callable[[], str]
    ) -> None:
        """`orders()` is the order list's active copy."""
        self.service = service
        self.store = store
        self.orders = orders

    def run(self, now: datetime) -> list[UUID]:
        """Review, as of this morning, the prediction of each order in progress; the
        orders whose prediction moved."""
        morning = latest_morning(company_rules(self.service).timezone, now)
        book = self.service.load(RULEBOOK, RULEBOOK_ID)
        plans = book.plans or StagePlans(version=0, plans=DEFAULT_STAGE_PLANS)
        deadlines = book.deadlines.days if book.deadlines else DEFAULT_STAGE_DAYS
        review = ReviewPrediction(plans=plans, deadlines=deadlines, now=morning)
        with self.store.transaction(commit=False) as tx:
            tx.execute(f"SELECT order_id FROM {self.orders()} WHERE {ACTIVE} ORDER BY order_id")  # noqa: S608
            open_orders = [UUID(row["order_id"]) for row in tx.fetchall()]
        moved = []
        for order_id in open_orders:
            meta = CommandMeta(command_id=f"{NAME}:{order_id}:{morning.date().isoformat()}",
                               actor=f"clock:{NAME}")  # fmt: skip
            if self.service.execute(ORDER, order_id, review, meta).events:
                moved.append(order_id)
        return moved
