"""No sequence of commands gets an order signed, or moved on after signing, without
every approval its rules demand, each from a holder of the position who does not
sell the order and gave no other approval in the round.

The commands come as the API makes them: the approver is whoever sends the
request (drawn from everyone, the order's salesperson and people holding no
position included) and the authority is what the positions list gives that user;
changes raise or lower the total in the order's currency, some from quotes whose
discounts called for an approval of their own; holds, cancellations, rejections,
re-captures and approvals out of order are mixed in. The model below works out
what should have been required from the approval rule and the quote, not from
the order's state.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

import msgspec
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain import order
from domain.order.commands import (
    AdvanceStage,
    ApproveOrder,
    CancelOrder,
    ChangeOrder,
    HoldOrder,
    OrderCommand,
    PlaceOrder,
    RejectOrder,
    ResumeOrder,
    SignOrder,
)
from domain.order.events import (
    LineRepricing,
    OrderApproved,
    OrderChanged,
    OrderEvent,
    OrderPlaced,
    OrderSigned,
    QuoteReference,
    StageAdvanced,
)
from domain.order.state import OrderState
from domain.rulebook import Authority, PositionHolder, Positions
from domain.shared import DomainError, Money
from domain.stages import Stage
from domain.testing import default_rulebook, place_order_commands

RULES = default_rulebook().approval
assert RULES is not None
ROLES = ("sales_director", "vp", "general_manager")
POSITIONS = Positions(version=4, holders=(
    PositionHolder(position="sales_director", user="li"),
    PositionHolder(position="sales_director", user="chen", regions=("江苏",)),
    PositionHolder(position="vp", user="zhao"),
    PositionHolder(position="vp", user="li"),  # li holds two positions: one approval each order
    PositionHolder(position="general_manager", user="sun", product_lines=("conveyors",)),
))  # fmt: skip
USERS = ("wang.fang", "li", "chen", "zhao", "sun", "nobody")
REGIONS = ("浙江", "江苏")


def authority(user: str, role: str) -> Authority:
    """As the API gives it: the user's holdings of the role in the list in force."""
    return Authority(positions_version=POSITIONS.version, holdings=POSITIONS.holding(user, role))


class Approvals(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = order.INITIAL
        self.round: list[tuple[str, str]] = []  # (position, user) since approvals last reset
        self.discounts: tuple[str, ...] = ()  # positions the quote's discounts call for

    @initialize(command=place_order_commands(), salesperson=st.sampled_from(USERS),
                region=st.sampled_from(REGIONS), quoted=st.sampled_from(((), ("vp",))))  # fmt: skip
    def place(self, command: PlaceOrder, salesperson: str, region: str,
              quoted: tuple[str, ...]) -> None:  # fmt: skip
        quote = QuoteReference(quote_id=UUID(int=42), number="Q-1", revision=1, accepted_by="x",
                               catalogue_revision=1, pricing_revision=None,
                               validation_revision=None,
                               discount_approvals=quoted) if quoted else None  # fmt: skip
        command = msgspec.structs.replace(command, salesperson=salesperson, region=region,
                                          quote=quote)  # fmt: skip
        self.discounts = quoted
        self.apply(command)

    def at(self, minutes: int) -> datetime:
        return self.state.stage_history[-1].entered_at + timedelta(minutes=minutes)

    @rule(user=st.sampled_from(USERS), role=st.sampled_from(ROLES), minutes=st.integers(1, 99))
    def approve(self, user: str, role: str, minutes: int) -> None:
        self.apply(ApproveOrder(role=role, approver=user, at=self.at(minutes),
                                authority=authority(user, role)))  # fmt: skip

    @rule(user=st.sampled_from(USERS), role=st.sampled_from(ROLES))
    def reject(self, user: str, role: str) -> None:
        self.apply(RejectOrder(role=role, approver=user, reason="no", at=self.at(5),
                               authority=authority(user, role)))  # fmt: skip

    @rule(factor=st.sampled_from((Decimal("0.5"), Decimal(2), Decimal(10), Decimal(40))))
    def change(self, factor: Decimal) -> None:
        if not self.state.lines:
            return
        line = self.state.lines[0]
        price = Money(amount=(line.unit_price.amount * factor).quantize(Decimal("0.01")) + 1,
                      currency=line.unit_price.currency)  # fmt: skip
        repricing = LineRepricing(line_id=line.line_id, unit_price=price, discount=line.discount)
        self.apply(ChangeOrder(reason="repriced", changed_at=self.at(7), approval_rules=RULES,
                               reprice=(repricing,)))  # fmt: skip

    @rule(minutes=st.integers(1, 99))
    def sign(self, minutes: int) -> None:
        self.apply(SignOrder(contract_number="HT-1", signed_at=self.at(minutes)))

    @rule()
    def advance(self) -> None:
        route = self.state.route
        following = route.next_after(self.state.stage) if route else None
        if following is not None:
            self.apply(AdvanceStage(to_stage=following, at=self.at(9)))

    @rule(kind=st.sampled_from(("hold", "resume", "cancel")))
    def hold_resume_or_cancel(self, kind: str) -> None:
        at = self.at(3)
        command: OrderCommand = {"hold": HoldOrder(reason="wait", at=at),
                                 "resume": ResumeOrder(at=at),
                                 "cancel": CancelOrder(reason="gone", at=at)}[kind]  # fmt: skip
        self.apply(command)

    @rule(command=place_order_commands())
    def capture_again(self, command: PlaceOrder) -> None:
        self.apply(command)  # the order exists: refused, nothing changes

    def apply(self, command: OrderCommand) -> None:
        try:
            events = order.decide(command, self.state)
        except DomainError:
            return
        for event in events:
            self.check(event)
            self.state = order.evolve(self.state, event)

    def required(self, state: OrderState) -> set[str]:
        return set(RULES.required_roles(state.total)) | set(self.discounts)

    def check(self, event: OrderEvent) -> None:
        state = self.state
        match event:
            case OrderPlaced() | OrderChanged(approvals_reset=True):
                self.round = []
            case OrderApproved(role=role, approver=user):
                assert user != state.salesperson, "the salesperson approved their own order"
                assert user not in {u for _r, u in self.round}, f"{user} approved twice"
                lines = [x.product_line for x in state.lines]
                assert any(h.covers(state.region, lines) for h in POSITIONS.holding(user, role))
                self.round.append((role, user))
            case OrderSigned() | StageAdvanced():
                approved = {r for r, _u in self.round}
                missing = self.required(state) - approved
                assert not missing, f"{type(event).__name__} without approval from {missing}"

    @invariant()
    def signed_orders_went_past_every_approval(self) -> None:
        if self.state.exists and self.state.stage != Stage.PENDING_CONFIRMATION:
            assert self.state.signed_at is not None


Approvals.TestCase.settings = settings(max_examples=200, stateful_step_count=25, deadline=None)
TestApprovals = Approvals.TestCase
