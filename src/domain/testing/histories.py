"""Valid next commands for an order, and whole histories the decider emitted."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from domain import order
from domain.order.commands import (
    AdvanceStage,
    ApproveOrder,
    CancelOrder,
    ChangeOrder,
    EstimateCost,
    FileComplaint,
    FinishOperation,
    HoldOrder,
    OrderCommand,
    RecordAcceptance,
    RecordActualCost,
    RecordFeedback,
    RecordShipment,
    RejectOrder,
    ReportQualityIncident,
    ResumeOrder,
    ReviewPrediction,
    SignOrder,
    StartOperation,
    UpdateExpectedCompletion,
)
from domain.order.events import (
    SHIPPABLE_KINDS,
    LineRepricing,
    OrderEvent,
    Severity,
    ShippedQuantity,
)
from domain.order.progress import plan_of
from domain.order.state import OrderState
from domain.rulebook import DEFAULT_STAGE_DAYS
from domain.rulebook.plans import DEFAULT_STAGE_PLANS, StagePlans
from domain.rulebook.positions import Authority, PositionHolder
from domain.stages import Stage
from domain.testing.spec import default_rulebook
from domain.testing.strategies import (
    OFFSETS,
    money,
    names,
    order_lines,
    percent_off,
    place_order_commands,
)

Strategy = st.SearchStrategy[OrderCommand]
PLANS = StagePlans(version=1, plans=DEFAULT_STAGE_PLANS)

_TIME_FIELDS = ("at", "signed_at", "shipped_at", "accepted_at", "incurred_at", "changed_at")


def business_time(command: OrderCommand) -> datetime | None:
    """The business time a command speaks of, if it carries one."""
    for name in (*_TIME_FIELDS, "placed_at"):
        value = getattr(command, name, None)
        if isinstance(value, datetime):
            return value
    return None


def _remaining(state: OrderState) -> dict[str, Decimal]:
    due = {
        line.line_id: line.quantity - state.shipped.get(line.line_id, Decimal(0))
        for line in state.lines
        if line.kind in SHIPPABLE_KINDS
    }
    return {line_id: q for line_id, q in due.items() if q > 0}


@st.composite
def _shipment(draw: st.DrawFn, state: OrderState, at: datetime) -> RecordShipment:
    due = _remaining(state)
    ids = draw(st.lists(st.sampled_from(sorted(due)), min_size=1, unique=True))
    lines = tuple(
        ShippedQuantity(line_id=i, quantity=draw(st.sampled_from((due[i], due[i] / 2))))
        for i in ids
    )
    number = len(state.shipments) + 1
    while f"S{number}" in state.shipments:
        number += 1
    return RecordShipment(shipment_id=f"S{number}", lines=lines, shipped_at=at)


@st.composite
def _change(draw: st.DrawFn, state: OrderState, at: datetime) -> ChangeOrder:
    unshipped = [x.line_id for x in state.lines if x.line_id not in state.shipped]
    removals = st.lists(st.sampled_from(unshipped), unique=True, max_size=len(state.lines) - 1)
    remove = draw(removals) if unshipped else []
    kept = [x for x in state.lines if x.line_id not in remove]
    reprice = []
    for line in draw(st.lists(st.sampled_from(kept), unique_by=lambda x: x.line_id)):
        price = draw(money(state.currency, max_value=200_000))
        gross = price.times(line.quantity).rounded()
        discount = percent_off(gross, draw(st.sampled_from((0, 10))))
        reprice.append(LineRepricing(line_id=line.line_id, unit_price=price, discount=discount))
    least = 0 if remove or reprice else 1  # a change must change something
    prefix = f"R{state.revision + 1}-"
    add = draw(order_lines(state.currency, min_size=least, max_size=2, prefix=prefix))
    rules = default_rulebook().approval
    assert rules is not None
    return ChangeOrder(
        reason=draw(names),
        changed_at=at,
        approval_rules=rules,
        add=add,
        remove=tuple(remove),
        reprice=tuple(reprice),
    )


def holder_of(role: str) -> str:
    """The user who holds `role` in the generated histories (one per position)."""
    return f"{role}.holder"


def authority_of(role: str) -> Authority:
    """What the positions list of the generated histories gives the holder of `role`."""
    holding = PositionHolder(position=role, user=holder_of(role))
    return Authority(positions_version=1, holdings=(holding,))


def approval(role: str, at: datetime) -> ApproveOrder:
    """An approval in `role` by its holder."""
    return ApproveOrder(role=role, approver=holder_of(role), at=at, authority=authority_of(role))


def rejection(role: str, reason: str, at: datetime) -> RejectOrder:
    """A rejection in `role` by its holder."""
    return RejectOrder(role=role, approver=holder_of(role), reason=reason, at=at,
                       authority=authority_of(role))  # fmt: skip


def _progress(state: OrderState, at: st.SearchStrategy[datetime]) -> list[Strategy]:
    """Approve, sign, advance, ship: whichever the order is ready for."""
    assert state.route is not None
    pending = state.pending_approvals
    if state.closed or state.on_hold:
        return []
    if state.rejection is None and pending:
        return [at.map(lambda t: approval(pending[0], t))]
    if state.rejection is not None:
        return []
    if state.stage == Stage.PENDING_CONFIRMATION:
        return [st.builds(SignOrder, contract_number=names, signed_at=at)]
    found: list[Strategy] = []
    ship_in = Stage.AWAITING_SHIPMENT if Stage.AWAITING_SHIPMENT in state.route.stages else None
    if _remaining(state) and ship_in in {None, state.stage}:
        found.append(at.flatmap(lambda t: _shipment(state, t)))
    following = state.route.next_after(state.stage)
    if following is not None and (following != state.route.terminal or state.fully_shipped):
        found.append(st.builds(AdvanceStage, to_stage=st.just(following), at=at))
    return found


def _open_only(state: OrderState, at: st.SearchStrategy[datetime]) -> list[Strategy]:
    """Reject, hold or resume, change, re-date: only while the order is open."""
    if state.closed:
        return []
    found: list[Strategy] = []
    if state.rejection is None and state.pending_approvals:
        role = state.pending_approvals[0]
        found.append(st.builds(rejection, role=st.just(role), reason=names, at=at))
    if state.on_hold:
        found.append(st.builds(ResumeOrder, at=at))
    else:
        found.append(st.builds(HoldOrder, reason=names, at=at))
    found.append(at.flatmap(lambda t: _change(state, t)))
    found.append(st.builds(UpdateExpectedCompletion, expected_completion=st.dates(), reason=names))
    found.append(st.builds(ReviewPrediction, plans=st.just(PLANS),
                           deadlines=st.just(DEFAULT_STAGE_DAYS), now=at))  # fmt: skip
    found += _operations(state, at)
    return found


def _operations(state: OrderState, at: st.SearchStrategy[datetime]) -> list[Strategy]:
    """Start the next operation of production, or finish the one started."""
    plan = plan_of(state, PLANS)
    if state.stage != Stage.IN_PRODUCTION or plan is None or state.on_hold:
        return []
    running = [code for code, run in state.operations.items() if run.finished_at is None]
    if running:
        return [st.builds(FinishOperation, operation=st.just(running[0]), at=at)]
    todo = [op.code for op in plan.operations if op.code not in state.operations]
    if not todo:
        return []
    return [st.builds(StartOperation, operation=st.just(todo[0]), at=at, plans=st.just(PLANS),
                      team=names)]  # fmt: skip


def _records(state: OrderState, at: st.SearchStrategy[datetime]) -> list[Strategy]:
    """Acceptance, costs, feedback, complaints, incidents: kept even on closed orders."""
    assert state.route is not None
    stages = state.route.stages
    found: list[Strategy] = []
    delivered_from = Stage.AWAITING_SHIPMENT if Stage.AWAITING_SHIPMENT in stages else stages[-1]
    delivered = stages.index(state.stage) >= stages.index(delivered_from) and state.fully_shipped
    if delivered and not state.cancelled and state.accepted_at is None:
        found.append(st.builds(RecordAcceptance, accepted_by=names, accepted_at=at))
    found.append(st.builds(EstimateCost, estimated_cost=money(state.currency, min_value=1)))
    if state.stage != Stage.PENDING_CONFIRMATION:
        cost = money(state.currency, min_value=1, max_value=100_000)
        found.append(st.builds(RecordActualCost, amount=cost, category=names, incurred_at=at))
    found.append(st.builds(RecordFeedback, rating=st.integers(1, 5), comment=st.text(), at=at))
    found.append(st.builds(FileComplaint, description=names, at=at))
    severity = st.sampled_from(Severity)
    found.append(st.builds(ReportQualityIncident, severity=severity, description=names, at=at))
    return found


def later_than(after: datetime) -> st.SearchStrategy[datetime]:
    """Times from `after` to thirty days later, in any UTC offset."""
    minutes = st.integers(0, 60 * 24 * 30).map(lambda m: after + timedelta(minutes=m))
    return st.tuples(minutes, OFFSETS).map(lambda p: p[0].astimezone(p[1]))


@st.composite
def valid_commands(draw: st.DrawFn, state: OrderState, after: datetime) -> OrderCommand:
    """A command the decider accepts in `state` (which must exist), at or after `after`.

    Progress (approve, sign, advance, ship) is drawn most often, and shrinking
    favours it; cancelling is rare, so histories reach the later stages.
    """
    assert state.exists
    at = later_than(after)
    cancel = [] if state.closed else [st.builds(CancelOrder, reason=names, at=at)]
    groups = [
        (group, weight)
        for group, weight in (
            (_progress(state, at), 10),
            (_open_only(state, at), 3),
            (_records(state, at), 3),
            (cancel, 1),
        )
        if group
    ]
    pick = draw(st.integers(0, sum(w for _, w in groups) - 1))
    for group, weight in groups:
        if pick < weight:
            # Drawing one branch, not one_of(group), spares validating the others.
            return draw(group[draw(st.integers(0, len(group) - 1))])
        pick -= weight
    raise AssertionError("unreachable: the weights cover every pick")


@st.composite
def order_histories(draw: st.DrawFn, max_steps: int = 25) -> list[OrderEvent]:
    """Event histories of one order, as the decider itself emits them: a placed
    order, then up to `max_steps` valid commands with non-decreasing times."""
    place = draw(place_order_commands())
    command: OrderCommand = place
    state, events, now = order.INITIAL, [], place.placed_at
    for step in range(draw(st.integers(0, max_steps)) + 1):
        if step:
            command = draw(valid_commands(state, now))
        for event in order.decide(command, state):
            state = order.evolve(state, event)
            events.append(event)
        now = max(now, business_time(command) or now)
    return events
