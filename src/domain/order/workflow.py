"""An order judged by the conditional workflow rules: what they read of it, what follows."""

from __future__ import annotations

from collections.abc import Sequence

from domain.order.events import LineKind, OrderLine
from domain.rulebook.workflow import OrderFacts, Triggered, WorkflowRules
from domain.shared import Money


def facts_of(  # noqa: PLR0913 - the order attributes a rule may read
    *,
    amount: Money,
    order_type: str,
    region: str,
    lines: Sequence[OrderLine],
    customer_tier: str,
    credit_rating: str,
) -> OrderFacts:
    return OrderFacts(
        amount=amount,
        order_type=order_type,
        region=region,
        product_lines=tuple(dict.fromkeys(ln.product_line for ln in lines if ln.product_line)),
        custom_hardware=any(line.custom and line.kind == LineKind.HARDWARE for line in lines),
        customer_tier=customer_tier,
        credit_rating=credit_rating,
    )


def judged(workflow: WorkflowRules | None, facts: OrderFacts) -> tuple[int, tuple[Triggered, ...]]:
    """The rules' version and the rules triggered; (0, ()) without workflow rules."""
    if workflow is None:
        return 0, ()
    return workflow.version, workflow.triggered(facts)
