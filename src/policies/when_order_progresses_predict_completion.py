"""When an order's progress changes, re-derive its predicted completion.

The seed's rule is that the system itself notices a delay ("当某订单预计完工日超出
合同约定7天时,系统自动识别为L3事件"). On every fact that can move the prediction - placing,
signing, a stage change, a stock warning raised or cleared, a date a person enters, a
change order, a production operation started or finished, a resumption - the order is
asked to review its prediction as of that fact's day in the company's time zone, with the
stage plans and deadlines in force (`ReviewPrediction`; the order records a new
`CompletionPredicted` only when it says something new). Each morning the clock asks
again for every open order (`every_morning_predict_completion`), so a stuck order grows
later day by day. The exception policy assesses L1-L4 from each prediction. Commands
are keyed by the causing event, so each fact is reviewed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from domain.decider import topic_of
from domain.deciders import ORDER
from domain.dunning import DEFAULT_DUNNING_RULES
from domain.envelope import Recorded
from domain.order.commands import ReviewPrediction
from domain.order.events import (
    ExpectedCompletionUpdated,
    OperationFinished,
    OperationStarted,
    OrderChanged,
    OrderPlaced,
    OrderResumed,
    OrderSigned,
    StageAdvanced,
    StockWarningCleared,
    StockWarningRaised,
)
from domain.rulebook import (
    DEFAULT_STAGE_DAYS,
    DEFAULT_STAGE_PLANS,
    PaymentTermsPublished,
    StageDeadlinesPublished,
    StagePlans,
    StagePlansPublished,
)
from domain.stages import Stage
from infrastructure.read_store import Tx
from policies import outbox

NAME = "when_order_progresses_predict_completion"
MOVES = (OrderPlaced, OrderSigned, StageAdvanced, StockWarningRaised, StockWarningCleared,
         ExpectedCompletionUpdated, OrderChanged, OperationStarted, OperationFinished,
         OrderResumed)  # fmt: skip


class Planning(msgspec.Struct, kw_only=True):
    """What a review needs from the rulebook: the plans, the deadlines, the time zone."""

    plans: StagePlans = msgspec.field(
        default_factory=lambda: StagePlans(version=0, plans=DEFAULT_STAGE_PLANS)
    )
    deadlines: dict[Stage, int] = msgspec.field(default_factory=lambda: dict(DEFAULT_STAGE_DAYS))
    timezone: str = DEFAULT_DUNNING_RULES.timezone

    def review(self, recorded: Recorded[Any]) -> ReviewPrediction:
        now = recorded.timestamp.astimezone(ZoneInfo(self.timezone))
        return ReviewPrediction(plans=self.plans, deadlines=self.deadlines, now=now)


_planning = msgspec.json.Decoder(Planning)


class PredictCompletionPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (*MOVES, StagePlansPublished, StageDeadlinesPublished, PaymentTermsPublished)
    )

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.planning = f"{name}_planning"

    def tables(self) -> list[str]:
        return [self.planning]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.planning} (id BIGINT PRIMARY KEY, "
            "planning TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event = recorded.event
            match event:
                case StagePlansPublished(version=v, plans=plans):
                    self._keep(tx, plans=StagePlans(version=v, plans=plans))
                case StageDeadlinesPublished(days=days):
                    self._keep(tx, deadlines=days)
                case PaymentTermsPublished(terms=terms):
                    self._keep(tx, timezone=terms.dunning.timezone)
                case _ if isinstance(event, MOVES):
                    key = f"{NAME}:{recorded.originator_id}:v{recorded.originator_version}"
                    review = self.current(tx).review(recorded)
                    outbox.enqueue(tx, NAME, outbox.Intent(key, ORDER, recorded.originator_id,
                                                           review), recorded)  # fmt: skip

    def current(self, tx: Tx) -> Planning:
        tx.execute(f"SELECT planning FROM {self.planning} WHERE id = 1")  # noqa: S608
        row = tx.fetchone()
        return _planning.decode(row["planning"]) if row else Planning()

    def _keep(self, tx: Tx, **changes: Any) -> None:
        planning = msgspec.structs.replace(self.current(tx), **changes)
        tx.upsert(self.planning, ("id", "planning"), "id",
                  [(1, msgspec.json.encode(planning).decode())])  # fmt: skip
