"""Conditional workflow: rules over an order's attributes that add steps (seed 004).

"金额超过10万元的订单自动流转至销售总监审批;包含定制化硬件的订单自动通知生产部门":
each rule says when it applies (amount per currency, order kind, product line, a
line with custom hardware, customer tier, credit rating, region: every condition
given must hold) and what follows (positions whose approval is added, departments
told, tasks handed out). The set is rulebook data, published and versioned; an
order records the version it was judged by and every rule it triggered with why,
so a later change of rules never rewrites it, and a dry run shows what an order
would trigger before anyone captures it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated

import msgspec

from domain.shared import CurrencyCode, DomainError, Money, Name

Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$")]
Hours = Annotated[int, msgspec.Meta(ge=1, le=24 * 365)]
Names = Annotated[tuple[Name, ...], msgspec.Meta(max_length=50)]


class When(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Every condition given must hold; one left empty does not constrain."""

    # The order's net total is above the threshold of its currency. An order in a
    # currency the rule gives no threshold for counts as above it: an amount the
    # rule cannot judge gets the stricter path, never none.
    amount_above: dict[CurrencyCode, Decimal] = msgspec.field(default_factory=dict)
    order_types: Names = ()
    product_lines: Names = ()  # any line of one of these product lines
    custom_hardware: bool | None = None  # True: a hardware line built to order (非标定制)
    customer_tiers: Names = ()
    credit_ratings: Names = ()
    regions: Names = ()


class RuleTask(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    role: Name
    title: Name
    due_in_hours: Hours
    escalation: Annotated[tuple[Name, ...], msgspec.Meta(max_length=10)] = ()
    escalate_every_hours: Hours = 24


class Then(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    approvals: Names = ()  # positions whose approval the order then needs, in this order
    notify: Names = ()  # departments (roles) told about the order
    tasks: Annotated[tuple[RuleTask, ...], msgspec.Meta(max_length=20)] = ()


class WorkflowRule(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: Code
    name: Name
    when: When
    then: Then


class OrderFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the rules read of an order."""

    amount: Money
    order_type: str
    region: str
    product_lines: tuple[str, ...]
    custom_hardware: bool
    customer_tier: str
    credit_rating: str


class Triggered(msgspec.Struct, frozen=True, kw_only=True):
    """A rule an order triggered, why, and what it added: recorded on the order."""

    code: str
    name: str
    why: tuple[str, ...]
    approvals: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    tasks: tuple[RuleTask, ...] = ()


class WorkflowRules(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    rules: tuple[WorkflowRule, ...]

    def triggered(self, facts: OrderFacts) -> tuple[Triggered, ...]:
        """The rules `facts` trigger, in the rules' order, each with why."""
        found: list[Triggered] = []
        for rule in self.rules:
            why = _matches(rule.when, facts)
            if why is not None:
                then = rule.then
                found.append(Triggered(code=rule.code, name=rule.name, why=why,
                                       approvals=then.approvals, notify=then.notify,
                                       tasks=then.tasks))  # fmt: skip
        return tuple(found)


def added_approvals(triggered: Sequence[Triggered], before: Sequence[str]) -> tuple[str, ...]:
    """`before`, then each position a triggered rule adds that is not in it yet."""
    roles = list(before)
    for rule in triggered:
        roles += [role for role in rule.approvals if role not in roles]
    return tuple(roles)


def _in(values: Sequence[str], value: str, label: str) -> str | None:
    return f"{label} {value}" if value in values else None


def _matches(when: When, facts: OrderFacts) -> tuple[str, ...] | None:
    """Why each condition holds, or None as soon as one does not."""
    why: list[str] = []
    if when.amount_above:
        threshold = when.amount_above.get(facts.amount.currency)
        amount = f"{facts.amount.amount:,.2f} {facts.amount.currency}"
        if threshold is None:
            why.append(f"amount {amount}: no threshold for {facts.amount.currency}, so above")
        elif facts.amount.amount > threshold:
            why.append(f"amount {amount} above {threshold:,.2f}")
        else:
            return None
    for values, value, label in (
        (when.order_types, facts.order_type, "order type"),
        (when.customer_tiers, facts.customer_tier, "customer tier"),
        (when.credit_ratings, facts.credit_rating, "credit rating"),
        (when.regions, facts.region, "region"),
    ):
        if values:
            reason = _in(values, value, label)
            if reason is None:
                return None
            why.append(reason)
    if when.product_lines:
        lines = [line for line in facts.product_lines if line in when.product_lines]
        if not lines:
            return None
        why.append(f"product line {', '.join(dict.fromkeys(lines))}")
    if when.custom_hardware is not None:
        if when.custom_hardware != facts.custom_hardware:
            return None
        why.append("a custom hardware line" if facts.custom_hardware else "no custom hardware")
    return tuple(why)


class InvalidWorkflowRule(DomainError):
    rule = "invalid_workflow_rule"


def check_workflow(rules: Sequence[WorkflowRule]) -> None:
    """Codes unique; each rule conditional (a rule without a condition would apply to
    every order: say so with the approval rules) and with an effect."""
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        where = f"rules[{i}]"
        if rule.code in seen:
            raise InvalidWorkflowRule(f"{where}.code: {rule.code!r} is used by an earlier rule",
                                      field=f"{where}.code")  # fmt: skip
        seen.add(rule.code)
        if rule.when == When():
            raise InvalidWorkflowRule(f"{where}.when: a rule needs at least one condition",
                                      field=f"{where}.when")  # fmt: skip
        if rule.then == Then():
            raise InvalidWorkflowRule(f"{where}.then: a rule must add an approval, a "
                                      "notification or a task", field=f"{where}.then")  # fmt: skip
        for currency, threshold in rule.when.amount_above.items():
            if not threshold.is_finite() or threshold < 0:
                raise InvalidWorkflowRule(
                    f"{where}.when.amount_above.{currency}: {threshold} is not an amount",
                    field=f"{where}.when.amount_above.{currency}",
                )


# The seed's second example; its first (above 100,000 CNY to the sales director) is
# the approval rules' own threshold already.
DEFAULT_WORKFLOW_RULES: tuple[WorkflowRule, ...] = (
    WorkflowRule(
        code="custom-hardware-to-production",
        name="定制化硬件通知生产部门 Custom hardware: tell production",
        when=When(custom_hardware=True),
        then=Then(
            notify=("production",),
            tasks=(RuleTask(role="production", title="评估定制硬件可制造性 Review custom hardware",
                            due_in_hours=48, escalation=("production_supervisor",)),),
        ),
    ),
)  # fmt: skip
