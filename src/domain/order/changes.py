"""Change orders: what a change may add to, remove from or reprice on an order.

A change must change something: the lines it removes or reprices are on the
order (removed ones with nothing shipped), the lines it adds are new and valid,
and at least one line remains. The approval rule in force names who approves
the new total; an unsigned order starts its approvals again.
"""

from __future__ import annotations

from decimal import Decimal

from domain.order import rules
from domain.order.commands import ChangeOrder
from domain.order.events import OrderChanged
from domain.order.state import OrderState, changed_lines
from domain.order.workflow import facts_of, judged
from domain.rulebook.workflow import Triggered, added_approvals
from domain.shared import Money, total
from domain.stages import Stage


def _required(
    state: OrderState, command: ChangeOrder, new_total: Money, triggered: tuple[Triggered, ...]
) -> tuple[str, ...]:
    """The approval rule's positions for the new total, then those the workflow rules the
    changed order triggers add, then those the quote's discounts called for (a change
    does not undo a discount's need of approval)."""
    roles = added_approvals(triggered, command.approval_rules.required_roles(new_total))
    extra = state.quote.discount_approvals if state.quote else ()
    return (*roles, *(r for r in extra if r not in roles))


def decide_change(state: OrderState, command: ChangeOrder) -> OrderChanged:
    rules.must_be_open(state)
    rules.must_not_precede_stage_entry(state, command.changed_at, "changed_at")
    if not (command.add or command.remove or command.reprice):
        raise rules.InvalidOrderLine("a change order must change something", field="add")
    existing = {line.line_id for line in state.lines}
    for i, line_id in enumerate(command.remove):
        if line_id not in existing:
            raise rules.InvalidOrderLine(f"no line {line_id!r} to remove", field=f"remove[{i}]")
        if state.shipped.get(line_id, Decimal(0)) > 0:
            raise rules.InvalidOrderLine(
                f"line {line_id!r} has shipped goods and cannot be removed", field=f"remove[{i}]"
            )
    for i, repricing in enumerate(command.reprice):
        if repricing.line_id not in existing or repricing.line_id in command.remove:
            raise rules.InvalidOrderLine(
                f"no line {repricing.line_id!r} to reprice", field=f"reprice[{i}].line_id"
            )
    for i, line in enumerate(command.add):
        if line.line_id in existing:
            raise rules.InvalidOrderLine(
                f"line_id {line.line_id!r} is already on the order", field=f"add[{i}].line_id"
            )
    rules.check_unique_line_ids(command.add, "add")
    rules.check_lines(command.add, state.currency, field="add")
    new_lines = changed_lines(
        state.lines, added=command.add, removed=command.remove, repriced=command.reprice
    )
    rules.check_lines(
        [line for line in new_lines if line.line_id in {r.line_id for r in command.reprice}],
        state.currency,
        field="reprice",
    )
    if not new_lines:
        raise rules.InvalidOrderLine(
            "a change cannot remove every line; cancel instead", field="remove"
        )
    new_total = total([line.net for line in new_lines], state.currency)
    unsigned = state.stage == Stage.PENDING_CONFIRMATION
    facts = facts_of(amount=new_total, order_type=state.order_type, region=state.region,
                     lines=new_lines, customer_tier=state.customer_tier,
                     credit_rating=state.credit_rating)  # fmt: skip
    workflow_version, triggered = judged(command.workflow, facts)
    return OrderChanged(
        revision=state.revision + 1,
        added=command.add,
        removed=command.remove,
        repriced=command.reprice,
        reason=command.reason,
        changed_at=command.changed_at,
        approval_rules_version=command.approval_rules.version,
        required_approvals=_required(state, command, new_total, triggered),
        approvals_reset=unsigned,
        revenue_classification=command.revenue_classification,
        workflow_version=workflow_version,
        triggered=triggered,
    )
