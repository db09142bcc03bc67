"""The Order decider driven by generated commands, valid and not, checked after each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

import hypothesis
import msgspec
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain import order
from domain.order.commands import (
    AdvanceStage,
    ApproveOrder,
    ChangeOrder,
    EstimateCost,
    HoldOrder,
    OrderCommand,
    PlaceOrder,
    RecordAcceptance,
    RecordActualCost,
    RecordFeedback,
    RecordShipment,
    RejectOrder,
    ResumeOrder,
    SignOrder,
)
from domain.order.events import SHIPPABLE_KINDS, LineRepricing, OrderEvent, ShippedQuantity
from domain.order.rules import OrderClosed
from domain.order.state import OrderState
from domain.shared import DomainError, Money, quantum
from domain.stages import Stage
from domain.testing import (
    business_time,
    default_rulebook,
    money,
    order_lines,
    order_spec,
    place_order_commands,
    valid_commands,
)

RULES = default_rulebook().approval
ROLES = ("sales_director", "vp", "cfo")
LINE_IDS = ("L1", "L2", "L3", "R1-1", "X1", "nope")
names = st.sampled_from(("a", "Wang Fang", "reason 7"))


def around(now: datetime, entered: datetime) -> st.SearchStrategy[datetime]:
    """Up to ten days after `now`, or up to a day before the current stage was entered."""
    later = st.integers(0, 10 * 24 * 60).map(lambda m: now + timedelta(minutes=m))
    earlier = st.integers(1, 24 * 60).map(lambda m: entered - timedelta(minutes=m))
    return later | earlier


def any_commands(state: OrderState, now: datetime) -> list[st.SearchStrategy[OrderCommand]]:
    """Commands with no regard for the state: most are refused, some slip through."""
    at = around(now, state.stage_history[-1].entered_at)
    currencies = st.sampled_from((state.currency, "USD"))
    amounts = currencies.flatmap(lambda c: money(c, min_value=-1000, max_value=10**6))
    shipped = st.builds(
        ShippedQuantity, line_id=st.sampled_from(LINE_IDS), quantity=st.decimals(-1, 12, places=1)
    )
    repricing = st.builds(
        LineRepricing, line_id=st.sampled_from(LINE_IDS), unit_price=amounts, discount=amounts
    )
    change = st.builds(
        ChangeOrder,
        reason=names,
        changed_at=at,
        approval_rules=st.just(RULES),
        add=currencies.flatmap(lambda c: order_lines(c, min_size=0, max_size=2, prefix="X")),
        remove=st.lists(st.sampled_from(LINE_IDS), max_size=3).map(tuple),
        reprice=st.lists(repricing, max_size=2).map(tuple),
    )
    return [
        st.builds(AdvanceStage, to_stage=st.sampled_from(Stage), at=at),
        st.builds(SignOrder, contract_number=names, signed_at=at),
        st.builds(ApproveOrder, role=st.sampled_from(ROLES), approver=names, at=at),
        st.builds(RejectOrder, role=st.sampled_from(ROLES), approver=names, reason=names, at=at),
        st.builds(HoldOrder, reason=names, at=at),
        st.builds(ResumeOrder, at=at),
        st.builds(
            RecordShipment,
            shipment_id=st.sampled_from(("S1", "X1", "X2")),
            lines=st.lists(shipped, max_size=3).map(tuple),
            shipped_at=at,
        ),
        st.builds(RecordAcceptance, accepted_by=names, accepted_at=at),
        st.builds(EstimateCost, estimated_cost=amounts),
        st.builds(RecordActualCost, amount=amounts, category=names, incurred_at=at),
        st.builds(RecordFeedback, rating=st.integers(-1, 7), comment=names, at=at),
        change,
        place_order_commands(),
    ]


def line_nets(state: OrderState) -> Money:
    """The order total, recomputed here from first principles."""
    unit = quantum(state.currency)
    nets = [
        (x.quantity * x.unit_price.amount).quantize(unit, rounding=ROUND_HALF_UP)
        - x.discount.amount
        for x in state.lines
    ]
    assert all(net >= 0 for net in nets), "a discount exceeds its line's gross"
    return Money(amount=sum(nets, Decimal(0)), currency=state.currency)


class OrderLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = order.INITIAL
        self.events: list[OrderEvent] = []
        self.now = datetime.min.replace(tzinfo=UTC)

    @initialize(command=place_order_commands())
    def place(self, command: PlaceOrder) -> None:
        self.now = command.placed_at
        self.apply(command, may_be_refused=False)

    @rule(data=st.data())
    def a_valid_command(self, data: st.DataObject) -> None:
        self.apply(data.draw(valid_commands(self.state, self.now)), may_be_refused=False)

    @rule(data=st.data())
    def any_command(self, data: st.DataObject) -> None:
        commands = any_commands(self.state, self.now)
        # One branch drawn, not one_of(commands): hypothesis validates only what it draws.
        pick = data.draw(st.integers(0, len(commands) - 1))
        self.apply(data.draw(commands[pick]), may_be_refused=True)

    def apply(self, command: OrderCommand, *, may_be_refused: bool) -> None:
        before = msgspec.json.encode(self.state)
        try:
            new_events = order.decide(command, self.state)
        except DomainError as error:
            if not may_be_refused:
                raise
            hypothesis.event(f"refused: {error.rule}")
            new_events = []
        assert msgspec.json.encode(self.state) == before, "decide changed the state it judged"
        for event in new_events:
            self.state = order.evolve(self.state, event)
            self.events.append(event)
        if self.state.closed:
            hypothesis.event(f"closed in {self.state.stage.value}")
        if new_events:
            self.now = max(self.now, business_time(command) or self.now)

    @invariant()
    def version_counts_the_events_applied(self) -> None:
        assert self.state.version == len(self.events)

    @invariant()
    def replay_gives_the_live_state(self) -> None:
        assert order_spec.fold(self.events) == self.state

    @invariant()
    def no_stage_is_skipped(self) -> None:
        route, visits = self.state.route, self.state.stage_history
        assert route is not None
        assert tuple(v.stage for v in visits) == route.stages[: len(visits)]
        assert visits[-1].stage == self.state.stage
        assert visits[-1].exited_at is None
        for visit, following in pairwise(visits):
            assert visit.exited_at == following.entered_at
            assert visit.entered_at <= following.entered_at

    @invariant()
    def the_total_is_the_sum_of_line_nets(self) -> None:
        assert self.state.total == line_nets(self.state)

    @invariant()
    def only_goods_ship_and_never_more_than_ordered(self) -> None:
        for line_id, quantity in self.state.shipped.items():
            line = self.state.line(line_id)
            assert line is not None
            assert line.kind in SHIPPABLE_KINDS
            assert 0 < quantity <= line.quantity

    @precondition(lambda self: self.state.closed)
    @invariant()
    def a_closed_order_accepts_no_stage_change(self) -> None:
        later = self.now + timedelta(days=1)
        for command in [
            *(AdvanceStage(to_stage=stage, at=later) for stage in Stage),
            SignOrder(contract_number="late", signed_at=later),
        ]:
            with pytest.raises(OrderClosed):
                order.decide(command, self.state)


TestOrderLifecycle = OrderLifecycle.TestCase
