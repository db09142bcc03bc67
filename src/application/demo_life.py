"""One demo order lived through: placed, approved, signed, worked stage by stage, shipped,
accepted, or stopped on the way (rejected, changed, held, cancelled).

Its generator and its clock are its own; every command id is fixed by the set's
seed, the order's number and the step, so living it again writes nothing new.
Business times stop before the set's last day: a step that would fall later
raises `NotYet` and the order stays where it is.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from application import demo_data as data
from application import demo_habits as habits
from application.demo_data import CST, OrderPlan
from application.service import ApplicationService, CommandMeta
from domain.deciders import ORDER
from domain.order import OrderCommand, OrderState, order_id_for
from domain.order import commands as cmd
from domain.order.events import (
    SHIPPABLE_KINDS,
    Channel,
    LineKind,
    LineRepricing,
    OrderLine,
    Severity,
    ShippedQuantity,
)
from domain.rulebook import Authority, Route, RulebookState
from domain.shared import Money
from domain.stages import Stage

_S = Stage


def step_command_id(seed: int, n: int, step: int, label: str) -> str:
    """The command id of order `n`'s `step`-th command in demo set `seed`."""
    return f"demo-{seed}-{n:04d}-{step:02d}-{label}"


class NotYet(Exception):
    """The order's next step would happen after today: the order stops where it is."""


class Run:
    """One order being lived through: its clock, its generator and its command ids."""

    def __init__(  # noqa: PLR0913, PLR0917 - called once per order
        self,
        service: ApplicationService,
        plan: OrderPlan,
        rng: random.Random,
        book: RulebookState,
        cutoff: datetime,
        seed: int,
    ) -> None:
        assert book.approval is not None
        self.service, self.plan, self.rng, self.cutoff, self.seed = (
            service, plan, rng, cutoff, seed,
        )  # fmt: skip
        self.approval = book.approval
        self.workflow = book.workflow
        self.positions = book.positions
        self.route: Route = book.routes[plan.order_type]
        self.order_id = order_id_for(plan.channel, plan.external_ref)
        self.t = plan.placed_at
        self.step = self.version = self.trouble = 0  # trouble: delays and defects so far
        self.online = plan.channel == Channel.ECOMMERCE
        self.estimate = Decimal(0)
        self.overrun = 1.0

    def wait(self, days: float, *, office: bool | None = None) -> None:
        """Let time pass; B2B work happens in office hours, web shops never close."""
        t = (self.t + timedelta(days=days)).replace(second=0, microsecond=0)
        if office if office is not None else not self.online:
            t = _office_hours(t, self.rng)
        if t >= self.cutoff:
            raise NotYet
        self.t = t

    def do(self, label: str, command: OrderCommand, actor: str = "") -> None:
        command_id = step_command_id(self.seed, self.plan.n, self.step, label)
        meta = CommandMeta(command_id=command_id, actor=actor or self.plan.salesperson)
        self.version = self.service.execute(ORDER, self.order_id, command, meta).version
        self.step += 1

    def state(self) -> OrderState:
        # As of this run's last command: on a re-run the stream already holds the future.
        return self.service.load(ORDER, self.order_id, at_version=self.version)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high)

    def money(self, amount: Decimal | float) -> Money:
        return Money.of(Decimal(str(amount)), self.plan.customer.currency).rounded()

    def share_of_estimate(self, share: float) -> Money:
        return self.money(self.estimate * Decimal(str(round(share, 4))))

    def days_in(self, stage: Stage) -> float:
        p = self.plan
        if stage == _S.PROVISIONING:  # a team of two works off the implementation days
            effort = sum(x.quantity for x in p.lines if x.kind == LineKind.IMPLEMENTATION)
            return 3 + float(effort) / 2
        if stage == _S.AWAITING_SHIPMENT:  # packing, transit, then 客户验货 (~5 days)
            transit = 20 if p.channel == Channel.OVERSEAS else 2 if self.online else 3
            return 1 + transit + (5 if p.order_type == "equipment" else 0)
        days = habits.STAGE_DAYS.get(p.order_type, {}).get(stage, 2.0)
        return days * 0.4 if self.online else days

    def expected_completion(self, stage: Stage) -> date:
        later = self.route.stages[self.route.stages.index(stage) + 1 :]
        return self.t.date() + timedelta(days=int(sum(self.days_in(s) for s in later)) + 1)


def _office_hours(t: datetime, rng: random.Random) -> datetime:
    """The same moment if it is in working hours, else the next working morning."""
    local = t.astimezone(CST)
    day, moved = local.date(), local.time() >= time(18)
    day += timedelta(days=int(moved))
    while day.weekday() >= 5:
        day, moved = day + timedelta(days=1), True
    if moved or local.time() < time(8, 30):
        return datetime.combine(day, time(8, 30), CST) + timedelta(minutes=rng.randrange(150))
    return local


# --- the life of an order -------------------------------------------------------------


def live(run: Run) -> None:
    p = run.plan
    run.do("place", cmd.PlaceOrder(
        order_type=p.order_type, channel=p.channel, external_ref=p.external_ref,
        customer_id=p.customer.code, customer_name=p.customer.name, region=p.customer.region,
        salesperson=p.salesperson, currency=p.customer.currency,
        promised_delivery=p.promised_delivery, lines=p.lines, placed_at=p.placed_at,
        route=run.route, approval_rules=run.approval, workflow=run.workflow,
    ))  # fmt: skip
    if not _confirm(run):
        return
    _sign(run)
    for stage in run.route.stages[2:-1]:
        if not _work_through(run, stage):
            return
    _finish(run)


def _confirm(run: Run) -> bool:
    """Approvals, a rejection, an early change or cancellation. False if cancelled."""
    state = run.state()
    if state.pending_approvals and run.chance(0.1):
        if not _rejected(run, state):
            return False
    elif run.chance(0.03):
        run.wait(run.pick(0.3, 8))
        reason = run.rng.choice(habits.CANCEL_ONLINE if run.online else habits.CANCEL_UNSIGNED)
        run.do("cancel", cmd.CancelOrder(reason=reason, at=run.t))
        return False
    elif not run.online and run.chance(0.05):
        run.wait(run.pick(1, 4))
        training = [x.line_id for x in state.lines if x.kind == LineKind.TRAINING]
        if training and len(state.lines) > 1:
            _change(run, habits.REMOVE_TRAINING, remove=(training[0],))
        else:
            _change(run, *data.added_lines(run.rng, state.order_type, state.lines, 1))
    _approve_pending(run)
    return True


def _rejected(run: Run, state: OrderState) -> bool:
    """The approver sends the quote back; the salesperson lowers a discount or gives up."""
    role = state.pending_approvals[0]
    run.wait(run.pick(0.3, 2))
    reason = run.rng.choice(habits.REJECTIONS)
    approver, authority = _approver(run, role)
    run.do("reject", cmd.RejectOrder(role=role, approver=approver, reason=reason, at=run.t,
                                     authority=authority), approver)  # fmt: skip
    discounted = [x for x in state.lines if x.discount.amount > 0]
    if not discounted or run.chance(0.35):
        run.wait(run.pick(2, 10))
        run.do("cancel", cmd.CancelOrder(reason=habits.CANCEL_AFTER_REJECTION, at=run.t))
        return False
    line = max(discounted, key=lambda x: x.discount.amount)
    run.wait(run.pick(1, 4))
    half = run.money(line.discount.amount / 2)
    repricing = LineRepricing(line_id=line.line_id, unit_price=line.unit_price, discount=half)
    _change(run, habits.REPRICE_REASON, reprice=(repricing,))
    return True


def _approve_pending(run: Run) -> None:
    for role in run.state().pending_approvals:
        run.wait(run.pick(0.2, 1.5), office=True)
        approver, authority = _approver(run, role)
        run.do(f"approve-{role}", cmd.ApproveOrder(role=role, approver=approver, at=run.t,
                                                   authority=authority), approver)  # fmt: skip


def _approver(run: Run, role: str) -> tuple[str, Authority | None]:
    """The holder of `role` in the demo's positions list, and their authority."""
    user = data.APPROVERS[role][0]
    positions = run.positions
    if positions is None:
        return user, None
    return user, Authority(positions_version=positions.version,
                           holdings=positions.holding(user, role))  # fmt: skip


def _change(
    run: Run,
    reason: str,
    add: tuple[OrderLine, ...] = (),
    *,
    remove: tuple[str, ...] = (),
    reprice: tuple[LineRepricing, ...] = (),
) -> None:
    run.do("change", cmd.ChangeOrder(
        reason=reason, changed_at=run.t, approval_rules=run.approval, workflow=run.workflow,
        add=add, remove=remove, reprice=reprice,
    ))  # fmt: skip


def _sign(run: Run) -> None:
    p = run.plan
    if run.online:
        days = run.pick(0.02, 0.5)
    elif run.chance(0.05):
        days = run.pick(12, 45)  # the customer's own approvals drag on
    else:
        days = run.pick(0.3, 2) if p.order_type == "standard_parts" else run.pick(2, 6)
    run.wait(days)
    number = f"{'EC' if run.online else 'HT'}-{run.t:%Y%m}-{p.n:04d}"
    run.do("sign", cmd.SignOrder(contract_number=number, signed_at=run.t))
    run.estimate = run.state().total.amount * Decimal(
        str(round(run.pick(*habits.COST_RATIO[p.order_type]), 3))
    )
    run.overrun = run.pick(1.12, 1.45) if run.chance(0.2) else run.pick(0.92, 1.04)
    run.wait(run.pick(0.1, 1.5), office=True)
    estimate = cmd.EstimateCost(estimated_cost=run.money(run.estimate), note="合同评审成本估算")
    run.do("estimate", estimate, "finance")


def _work_through(run: Run, stage: Stage) -> bool:
    """Enter `stage`, live through it, book its costs. False if the order was cancelled."""
    run.wait(run.pick(0.1, 1.5))
    owner = habits.STAGE_OWNERS.get(stage, "operations")
    run.do(f"to-{stage.value}", cmd.AdvanceStage(to_stage=stage, at=run.t), owner)
    days = run.days_in(stage) * run.pick(0.75, 1.35)
    before = min(1.0, days / 2) if stage == _S.AWAITING_SHIPMENT else days / 2
    run.wait(before)
    if not run.online and not _midway(run, stage):
        return False
    if stage == _shipping_stage(run.route):
        _ship_all(run)
    run.wait(days - before)
    _book_cost(run, stage)
    return True


def _shipping_stage(route: Route) -> Stage:
    """Goods leave in awaiting_shipment, or in the last stage before the end if there is none."""
    return _S.AWAITING_SHIPMENT if _S.AWAITING_SHIPMENT in route.stages else route.stages[-2]


def _midway(run: Run, stage: Stage) -> bool:
    """What can go differently halfway through a stage. False if the order was cancelled."""
    heavy = run.plan.order_type != "standard_parts"
    if stage in (_S.DESIGNING, _S.PROVISIONING) and run.chance(0.025):
        _book_cost(run, stage)
        run.wait(run.pick(1, 5))
        run.do("cancel", cmd.CancelOrder(reason=run.rng.choice(habits.CANCEL_SIGNED), at=run.t))
        return False
    if stage in (_S.DESIGNING, _S.PROVISIONING) and run.chance(0.1):
        state = run.state()
        _change(run, *data.added_lines(run.rng, state.order_type, state.lines, state.revision + 1))
        _approve_pending(run)
        if state.order_type == "equipment":
            run.estimate *= Decimal("1.08")
            review = cmd.EstimateCost(estimated_cost=run.money(run.estimate), note="变更后成本复核")
            run.do("re-estimate", review, "finance")
    if stage in (_S.MATERIAL_PREP, _S.IN_PRODUCTION, _S.PROVISIONING) and run.chance(
        0.12 if heavy else 0.04
    ):
        reason, low, high = run.rng.choice(habits.DELAYS)
        _slip(run, stage, run.pick(low, high), reason)
    if stage in (_S.IN_PRODUCTION, _S.PROVISIONING) and run.chance(0.06 if heavy else 0.02):
        run.do("hold", cmd.HoldOrder(reason=run.rng.choice(habits.HOLDS), at=run.t))
        run.wait(run.pick(5, 25))
        run.do("resume", cmd.ResumeOrder(at=run.t))
        _slip(run, stage, 0, "订单暂停后恢复,交期相应顺延")
    if stage == _S.TESTING and run.chance(0.1 if heavy else 0.03):
        _defect(run, stage)
    return True


def _defect(run: Run, stage: Stage) -> None:
    severity, text, low, high = run.rng.choice(habits.INCIDENTS)
    incident = cmd.ReportQualityIncident(severity=Severity(severity), description=text, at=run.t)
    run.do("incident", incident, "quality")
    run.trouble += 1 if severity != "critical" else 2
    rework = run.share_of_estimate(run.pick(0.02, 0.08))
    run.do(
        "rework", cmd.RecordActualCost(amount=rework, category="返工", incurred_at=run.t), "finance"
    )
    _slip(run, stage, run.pick(low, high), f"质量问题返工:{text}")
    if severity == "critical" and run.chance(0.6):
        complaint = cmd.FileComplaint(description=habits.COMPLAINT_QUALITY, at=run.t)
        run.do("complaint", complaint, "customer_service")


def _slip(run: Run, stage: Stage, days: float, reason: str) -> None:
    """A delay: time passes, the planner moves the expected date, a customer may complain."""
    run.wait(days)
    run.trouble += 1
    expected = run.expected_completion(stage)
    if expected > run.plan.promised_delivery + timedelta(days=2):
        update = cmd.UpdateExpectedCompletion(expected_completion=expected, reason=reason)
        run.do("expect", update, "production_planner")
    if (expected - run.plan.promised_delivery).days >= 8 and run.chance(0.5):  # over a week late
        run.wait(run.pick(0.5, 3))
        complaint = cmd.FileComplaint(description=habits.COMPLAINT_LATE, at=run.t)
        run.do("complaint", complaint, "customer_service")


def _book_cost(run: Run, stage: Stage) -> None:
    entry = habits.STAGE_COSTS.get(run.plan.order_type, {}).get(stage)
    if entry is None or (run.online and run.chance(0.5)):
        return
    category, share = entry
    amount = run.share_of_estimate(share * run.overrun * run.pick(0.92, 1.06))
    if amount.amount > 0:
        cost = cmd.RecordActualCost(amount=amount, category=category, incurred_at=run.t)
        run.do(f"cost-{stage.value}", cost, "finance")


def _ship_all(run: Run) -> None:
    """Ship what is left, in one to three consignments."""
    p, state = run.plan, run.state()
    left = {
        x.line_id: x.quantity - state.shipped.get(x.line_id, Decimal(0))
        for x in state.lines
        if x.kind in SHIPPABLE_KINDS
    }
    carriers = habits.OVERSEAS_CARRIERS if p.channel == Channel.OVERSEAS else habits.CARRIERS
    batches = data.consignments(run.rng, {k: q for k, q in left.items() if q > 0})
    for i, batch in enumerate(batches, 1):
        if i > 1:
            run.wait(run.pick(1, 6), office=True)
        carrier = run.rng.choice(sorted(carriers))
        shipment = cmd.RecordShipment(
            shipment_id=f"FH-{p.n:04d}-{i}",
            lines=tuple(ShippedQuantity(line_id=k, quantity=q) for k, q in batch.items()),
            shipped_at=run.t,
            carrier=carrier,
            tracking_number=f"{carriers[carrier]}{run.rng.randrange(10**10):010d}",
        )
        run.do(f"ship-{i}", shipment, "warehouse")


def _finish(run: Run) -> None:
    """Acceptance (before completion where goods are inspected on arrival), then feedback."""
    terminal = run.route.terminal
    inspected_on_arrival = _S.AWAITING_SHIPMENT in run.route.stages
    wants_acceptance = run.plan.order_type != "standard_parts" or run.chance(0.5)
    if inspected_on_arrival and wants_acceptance:
        _accept(run)
        run.wait(run.pick(0.2, 2))
    owner = habits.STAGE_OWNERS.get(terminal, "operations")
    run.do("complete", cmd.AdvanceStage(to_stage=terminal, at=run.t), owner)
    if not inspected_on_arrival and wants_acceptance and run.chance(0.75):
        run.wait(run.pick(2, 10), office=True)  # 上线验收
        _accept(run)
    if run.chance(0.55):
        run.wait(run.pick(1, 20))
        weights = (1, 2, 5, 12, 20) if run.trouble == 0 else (3, 5, 6, 4, 1)
        rating = run.rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
        comment = run.rng.choice(habits.FEEDBACK[rating])
        feedback = cmd.RecordFeedback(rating=rating, comment=comment, at=run.t)
        run.do("feedback", feedback, "customer_service")


def _accept(run: Run) -> None:
    who = "买家确认收货" if run.online else f"{run.plan.customer.name}项目负责人"
    note = run.rng.choice(habits.ACCEPTANCE_NOTES)
    acceptance = cmd.RecordAcceptance(accepted_by=who, accepted_at=run.t, note=note)
    run.do("accept", acceptance, "customer_service")
