"""Conditional workflow as data (seed 004's dynamic workflow).

"能够根据订单的属性(如订单金额、产品类型、客户级别、区域等)自动触发不同的审批流程和处理规则。
例如,金额超过10万元的订单自动流转至销售总监审批;包含定制化硬件的订单自动通知生产部门。"
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from hypothesis import given as hypothesis_given
from hypothesis import strategies as st

from domain.order.events import LineKind, OrderChanged, OrderPlaced
from domain.rulebook import (
    DEFAULT_WORKFLOW_RULES,
    InvalidWorkflowRule,
    OrderFacts,
    PublishWorkflowRules,
    WorkflowRule,
    WorkflowRules,
)
from domain.rulebook.workflow import RuleTask, Then, When
from domain.shared import Money
from domain.testing import rulebook_spec
from tests.domain.order_examples import change, given, line, place

DEFAULTS = WorkflowRules(version=1, rules=DEFAULT_WORKFLOW_RULES)
BIG_EAST = WorkflowRule(
    code="big-east-equipment", name="华东大额设备 Big equipment in the East",
    when=When(amount_above={"CNY": Decimal(300_000)}, order_types=("equipment",),
              regions=("East",)),
    then=Then(approvals=("general_manager", "sales_director"), notify=("finance",)),
)  # fmt: skip
RULES = WorkflowRules(version=3, rules=(*DEFAULT_WORKFLOW_RULES, BIG_EAST))


def placed(*lines: object, currency: str = "CNY", rules: WorkflowRules = RULES) -> OrderPlaced:
    command = msgspec.structs.replace(place(*lines, currency=currency), workflow=rules)  # type: ignore[arg-type]
    [event] = given().when(command).events()
    assert isinstance(event, OrderPlaced)
    return event


def custom(line_id: str = "L9", price: int = 1000) -> object:
    return msgspec.structs.replace(line(line_id, price=price), custom=True)


def test_a_custom_hardware_line_tells_production_and_hands_it_a_task() -> None:
    event = placed(line("L1"), custom())
    [rule] = event.triggered
    assert rule.code == "custom-hardware-to-production"
    assert rule.why == ("a custom hardware line",)
    assert rule.notify == ("production",)
    assert [t.role for t in rule.tasks] == ["production"]
    assert event.workflow_version == 3
    assert placed(line("L1")).triggered == ()


def test_custom_training_is_not_custom_hardware() -> None:
    training = msgspec.structs.replace(line("L2", kind=LineKind.TRAINING), custom=True)
    assert placed(line("L1"), training).triggered == ()


def test_an_amount_rule_adds_its_approvals_after_the_thresholds_own_once_each() -> None:
    event = placed(line("L1", price=400_000))
    [rule] = event.triggered
    assert rule.why == ("amount 400,000.00 CNY above 300,000.00", "order type equipment",
                        "region East")  # fmt: skip
    # The thresholds ask the sales director (above 100,000) first; the rule adds the
    # general manager and does not ask the director twice.
    assert event.required_approvals == ("sales_director", "general_manager")
    assert placed(line("L1", price=200_000)).triggered == ()


def test_an_order_in_a_currency_the_rule_has_no_threshold_for_takes_the_stricter_path() -> None:
    event = placed(line("L1", price=10, currency="JPY"), currency="JPY")
    [rule] = event.triggered
    assert rule.why[0] == "amount 10.00 JPY: no threshold for JPY, so above"
    assert "general_manager" in event.required_approvals


def test_without_workflow_rules_an_order_is_judged_by_none() -> None:
    command = place(line("L1", price=400_000), custom())  # type: ignore[arg-type]
    [event] = given().when(command).events()
    assert isinstance(event, OrderPlaced)
    assert (event.workflow_version, event.triggered) == (0, ())


def test_a_change_that_adds_custom_hardware_triggers_the_rule_then() -> None:
    command = msgspec.structs.replace(place(line("L1")), workflow=RULES)
    added = msgspec.structs.replace(change(add=(custom(),)), workflow=RULES)  # type: ignore[arg-type]
    [event] = given(*given.run(command)).when(added).events()
    assert isinstance(event, OrderChanged)
    assert [t.code for t in event.triggered] == ["custom-hardware-to-production"]


def test_a_change_past_the_rules_amount_asks_for_its_approvals_again() -> None:
    command = msgspec.structs.replace(place(line("L1", price=50_000)), workflow=RULES)
    bigger = msgspec.structs.replace(
        change(add=(line("L2", price=350_000),)), workflow=RULES
    )
    [event] = given(*given.run(command)).when(bigger).events()
    assert isinstance(event, OrderChanged)
    assert event.required_approvals == ("sales_director", "general_manager")


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (WorkflowRule(code="a", name="n", when=When(), then=Then(notify=("x",))), "rules[0].when"),
        (WorkflowRule(code="a", name="n", when=When(regions=("East",)), then=Then()),
         "rules[0].then"),
        (WorkflowRule(code="a", name="n", when=When(amount_above={"CNY": Decimal(-1)}),
                      then=Then(notify=("x",))), "rules[0].when.amount_above.CNY"),
    ],
)  # fmt: skip
def test_a_rule_that_would_apply_to_everything_or_do_nothing_is_refused(
    rule: WorkflowRule, field: str
) -> None:
    rulebook_spec().when(PublishWorkflowRules(rules=(rule,))).raises(
        InvalidWorkflowRule, field=field
    )


def test_rule_codes_are_unique_and_publications_versioned() -> None:
    twice = (BIG_EAST, BIG_EAST)
    rulebook_spec().when(PublishWorkflowRules(rules=twice)).raises(
        InvalidWorkflowRule, field="rules[1].code"
    )
    history = rulebook_spec.run(PublishWorkflowRules(rules=DEFAULT_WORKFLOW_RULES))
    events = rulebook_spec(*history).when(PublishWorkflowRules(rules=(BIG_EAST,))).events()
    assert [e.version for e in events] == [2]  # type: ignore[union-attr]


# --- properties ---------------------------------------------------------------------

words = st.sampled_from(["equipment", "software", "East", "North", "gold", "silver", "输送线"])
facts = st.builds(
    OrderFacts,
    amount=st.builds(Money.of, st.integers(0, 10**6), st.sampled_from(["CNY", "USD", "JPY"])),
    order_type=words, region=words, product_lines=st.lists(words, max_size=3).map(tuple),
    custom_hardware=st.booleans(), customer_tier=words, credit_rating=words,
)  # fmt: skip
whens = st.builds(
    When,
    amount_above=st.dictionaries(st.sampled_from(["CNY", "USD"]),
                                 st.integers(0, 10**6).map(Decimal), max_size=2),
    order_types=st.lists(words, max_size=2).map(tuple),
    regions=st.lists(words, max_size=2).map(tuple),
    product_lines=st.lists(words, max_size=2).map(tuple),
    custom_hardware=st.none() | st.booleans(),
    customer_tiers=st.lists(words, max_size=2).map(tuple),
)  # fmt: skip
THEN = Then(approvals=("vp",), tasks=(RuleTask(role="r", title="t", due_in_hours=1),))


@hypothesis_given(facts, whens, whens)
def test_a_further_condition_never_makes_a_rule_apply_to_more_orders(
    order: OrderFacts, when: When, more: When
) -> None:
    """Conditions are a conjunction: a rule with `more`'s conditions added to its own
    triggers only where it triggered without them."""
    merged = When(
        amount_above={**more.amount_above, **when.amount_above},
        order_types=when.order_types or more.order_types,
        regions=when.regions or more.regions,
        product_lines=when.product_lines or more.product_lines,
        custom_hardware=when.custom_hardware if when.custom_hardware is not None
        else more.custom_hardware,
        customer_tiers=when.customer_tiers or more.customer_tiers,
    )  # fmt: skip
    narrow = WorkflowRules(version=1, rules=(WorkflowRule(code="n", name="n", when=merged,
                                                           then=THEN),))  # fmt: skip
    wide = WorkflowRules(version=1, rules=(WorkflowRule(code="w", name="w", when=when,
                                                         then=THEN),))  # fmt: skip
    if narrow.triggered(order):
        assert wide.triggered(order)


@hypothesis_given(facts, st.lists(whens, max_size=4))
def test_every_triggered_rule_says_why_once_per_condition_given(
    order: OrderFacts, conditions: list[When]
) -> None:
    rules = WorkflowRules(version=1, rules=tuple(
        WorkflowRule(code=f"r{i}", name=f"r{i}", when=w, then=THEN)
        for i, w in enumerate(conditions)))  # fmt: skip
    by_code = {rule.code: rule for rule in rules.rules}
    for triggered in rules.triggered(order):
        when = by_code[triggered.code].when
        given_conditions = sum(
            bool(v) for v in (when.amount_above, when.order_types, when.regions,
                              when.product_lines, when.customer_tiers)
        ) + (when.custom_hardware is not None)  # fmt: skip
        assert len(triggered.why) == given_conditions
