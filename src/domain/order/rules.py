"""Named order rules: each a small check that raises a DomainError naming itself."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from domain.order.events import TIME_BASED_KINDS, OrderLine
from domain.order.state import OrderState
from domain.rulebook.positions import Authority, PositionHolder
from domain.shared import DomainError, quantum


class OrderNotFound(DomainError):
    rule = "order_not_found"


class DuplicateOrder(DomainError):
    rule = "duplicate_order"


class InvalidOrderLine(DomainError):
    rule = "invalid_order_line"


class ApprovalRequired(DomainError):
    rule = "approval_required"


class ApprovalNotExpected(DomainError):
    rule = "approval_not_expected"


class NotAuthorised(DomainError):
    """An approval from someone who may not give it: not the position's holder, the
    order's own salesperson, or someone who approved it already."""

    rule = "not_authorised"


def must_hold_position(
    state: OrderState, role: str, approver: str, authority: Authority | None
) -> PositionHolder:
    """The approver's holding of `role` that reaches this order; refused otherwise."""
    if approver == state.salesperson:
        raise NotAuthorised(f"{approver} sells this order and cannot approve it",
                            field="approver")  # fmt: skip
    if approver in state.approved_by:
        given = state.approvals[state.approved_by.index(approver)]
        raise NotAuthorised(f"{approver} approved this order already as {given}; each "
                            "approval is another person's", field="approver")  # fmt: skip
    held = [h for h in (authority.holdings if authority else ())
            if h.user == approver and h.position == role]  # fmt: skip
    if not held:
        raise NotAuthorised(f"{approver} does not hold the position {role}", field="role")
    lines = [line.product_line for line in state.lines]
    for holder in held:
        if holder.covers(state.region, lines):
            return holder
    reach = "; ".join(f"regions {', '.join(h.regions) or 'all'}, product lines "
                      f"{', '.join(h.product_lines) or 'all'}" for h in held)  # fmt: skip
    wanted = ", ".join(sorted({p for p in lines if p})) or "none"
    raise NotAuthorised(f"{approver} holds {role} for {reach}; not for this order's region "
                        f"{state.region} and product lines {wanted}", field="role")  # fmt: skip


class StageSkipped(DomainError):
    rule = "stage_skipped"


class OrderClosed(DomainError):
    rule = "order_closed"


class OrderOnHold(DomainError):
    rule = "order_on_hold"


class InvalidTransition(DomainError):
    rule = "invalid_transition"


class ShipmentRejected(DomainError):
    rule = "shipment_rejected"


class TimeTravel(DomainError):
    rule = "time_before_previous_fact"


class DuplicateUsage(DomainError):
    rule = "duplicate_usage"


class InvalidAmount(DomainError):
    rule = "invalid_amount"


def must_exist(state: OrderState) -> None:
    if not state.exists:
        raise OrderNotFound("no such order")


def must_be_open(state: OrderState) -> None:
    must_exist(state)
    if state.cancelled:
        raise OrderClosed("the order is cancelled")
    if state.completed:
        raise OrderClosed("the order is completed")


def must_not_be_on_hold(state: OrderState) -> None:
    if state.on_hold:
        raise OrderOnHold("the order is on hold; resume it first")


def must_be_approved(state: OrderState) -> None:
    if state.rejection is not None:
        raise ApprovalRequired(f"the order was rejected: {state.rejection}")
    if state.pending_approvals:
        raise ApprovalRequired(
            f"approval pending from {', '.join(state.pending_approvals)}",
            pending=list(state.pending_approvals),
        )


def must_not_precede_stage_entry(state: OrderState, at: datetime, field: str) -> None:
    if state.stage_history and at < state.stage_history[-1].entered_at:
        raise TimeTravel(
            f"{field} {at.isoformat()} is before the order entered {state.stage.value} "
            f"at {state.stage_history[-1].entered_at.isoformat()}",
            field=field,
        )


def must_not_precede_placement(state: OrderState, at: datetime, field: str) -> None:
    if state.placed_at is not None and at < state.placed_at:
        raise TimeTravel(
            f"{field} {at.isoformat()} is before the order was placed "
            f"at {state.placed_at.isoformat()}",
            field=field,
        )


def check_lines(lines: Iterable[OrderLine], currency: str, *, field: str = "lines") -> None:
    for i, line in enumerate(lines):
        where = f"{field}[{i}]"
        for name, money in (
            ("unit_price", line.unit_price),
            ("discount", line.discount),
            ("standalone_selling_price", line.standalone_selling_price),
        ):
            if money.currency != currency:
                raise InvalidOrderLine(
                    f"{name} is in {money.currency}, the order is in {currency}",
                    field=f"{where}.{name}.currency",
                )
            if money.amount < 0:
                raise InvalidOrderLine(f"{name} is negative", field=f"{where}.{name}.amount")
        if line.quantity <= 0:
            raise InvalidOrderLine("quantity must be positive", field=f"{where}.quantity")
        _check_rounding(line, currency, where)
        if line.discount.amount > line.gross.amount:
            raise InvalidOrderLine(
                f"discount {line.discount} exceeds the line's gross {line.gross}",
                field=f"{where}.discount",
            )
        if line.kind in TIME_BASED_KINDS and (
            line.term_start is None or not line.term_months or line.term_months < 1
        ):
            raise InvalidOrderLine(
                f"a {line.kind.value} line needs a service term (term_start, term_months >= 1)",
                field=f"{where}.term_months",
            )
        if line.usage_based and (line.auto_renew or line.kind in TIME_BASED_KINDS):
            raise InvalidOrderLine(
                "a usage-based line has no term and does not renew", field=f"{where}.usage_based"
            )
        if line.auto_renew and line.kind not in TIME_BASED_KINDS:
            raise InvalidOrderLine(
                "only subscriptions and maintenance renew", field=f"{where}.auto_renew"
            )
        if line.term_months is not None and line.term_months < 1:
            raise InvalidOrderLine("term_months must be at least 1", field=f"{where}.term_months")
        problem = line.revenue and line.revenue.problem(has_term=bool(line.term_months))
        if problem:
            raise InvalidOrderLine(problem, field=f"{where}.revenue")


def _check_rounding(line: OrderLine, currency: str, where: str) -> None:
    """A rounding adjustment only evens out a unit price's last digit: whole minor units,
    at most half of one per unit and half of one for rounding the product."""
    if line.rounding is None:
        return
    field = f"{where}.rounding"
    if line.rounding.currency != currency:
        raise InvalidOrderLine(
            f"rounding is in {line.rounding.currency}, the order is in {currency}",
            field=f"{field}.currency",
        )
    step = quantum(currency)
    amount, most = line.rounding.amount, (line.quantity + 1) * step / 2
    if amount % step or abs(amount) > most:
        raise InvalidOrderLine(
            f"a rounding adjustment is whole {step} and at most half of {step} a unit "
            f"({most.normalize():f} here), not {line.rounding}",
            field=f"{field}.amount",
        )


def check_unique_line_ids(lines: Iterable[OrderLine], field: str = "lines") -> None:
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if line.line_id in seen:
            raise InvalidOrderLine(
                f"line_id {line.line_id!r} appears twice", field=f"{field}[{i}].line_id"
            )
        seen.add(line.line_id)


def check_positive(amount: Decimal, field: str) -> None:
    if amount <= 0:
        raise InvalidAmount(f"{field} must be positive", field=field)
