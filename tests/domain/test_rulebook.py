"""The rulebook: routes and approval thresholds as versioned, validated publications."""

from __future__ import annotations

from decimal import Decimal

import pytest
from msgspec.structs import replace

from domain.rulebook import (
    DEFAULT_ROUTES,
    ApprovalRules,
    ApprovalRulesPublished,
    ApprovalStep,
    HealthWeights,
    HealthWeightsPublished,
    InvalidRule,
    PublishApprovalRules,
    PublishHealthWeights,
    PublishRoute,
    PublishStageDeadlines,
    PublishStageGates,
    Route,
    RoutePublished,
    StageDeadlinesPublished,
    StageGatesPublished,
    default_publications,
    missing_publications,
)
from domain.shared import Money
from domain.stages import Stage
from domain.testing import default_rulebook, rulebook_spec

given = rulebook_spec
S = Stage
DEFAULTS = rulebook_spec.run(*default_publications())


def step(above: int | str, role: str) -> ApprovalStep:
    return ApprovalStep(above=Decimal(above), role=role)


def rules(**steps_by_currency: tuple[ApprovalStep, ...]) -> ApprovalRules:
    return ApprovalRules(version=1, steps_by_currency=steps_by_currency)


# --- routes ---------------------------------------------------------------------------


def test_a_route_is_published_as_version_one() -> None:
    stages = (S.PENDING_CONFIRMATION, S.SIGNED, S.PROVISIONING, S.LIVE)
    given().when(PublishRoute(order_type="saas", stages=stages)).then(
        RoutePublished(order_type="saas", version=1, stages=stages)
    )


@pytest.mark.parametrize(
    "stages",
    [
        (S.PENDING_CONFIRMATION, S.SIGNED),
        (S.SIGNED, S.PENDING_CONFIRMATION, S.LIVE),
        (S.PENDING_CONFIRMATION, S.TESTING, S.SIGNED),
        (S.PENDING_CONFIRMATION, S.SIGNED, S.TESTING, S.TESTING),
        (S.PENDING_CONFIRMATION, S.SIGNED, S.LIVE, S.SIGNED),
        # Reported: a route that never reaches 已完成, and one that ships at 已签约.
        (S.PENDING_CONFIRMATION, S.SIGNED, S.IN_PRODUCTION, S.TESTING),
        (S.PENDING_CONFIRMATION, S.SIGNED, S.COMPLETED),
        (S.PENDING_CONFIRMATION, S.SIGNED, S.AWAITING_SHIPMENT, S.IN_PRODUCTION, S.COMPLETED),
        (S.PENDING_CONFIRMATION, S.SIGNED, S.LIVE, S.AWAITING_SHIPMENT, S.COMPLETED),
        (S.PENDING_CONFIRMATION, S.SIGNED, S.TESTING, S.IN_PRODUCTION, S.AWAITING_SHIPMENT,
         S.COMPLETED),
        (S.PENDING_CONFIRMATION, S.SIGNED, S.AWAITING_SHIPMENT, S.LIVE),
    ],
    ids=["too-short", "starts-signed", "signed-second-missing", "repeats", "revisits-signed",
         "never-ends", "ships-at-signed", "ships-before-production", "live-midway",
         "tests-before-production", "goes-live-from-shipping"],
)
def test_an_invalid_route_is_refused(stages: tuple[Stage, ...]) -> None:
    given().when(PublishRoute(order_type="x", stages=stages)).raises(InvalidRule, field="stages")


@pytest.mark.parametrize(("order_type", "dropped"), [
    ("equipment", S.DESIGNING), ("equipment", S.TESTING), ("standard_parts", S.IN_PRODUCTION),
])  # fmt: skip
def test_each_order_type_passes_the_stages_it_must(order_type: str, dropped: Stage) -> None:
    stages = tuple(s for s in DEFAULT_ROUTES[order_type] if s != dropped)
    refused = given().when(PublishRoute(order_type=order_type, stages=stages))
    assert f"must pass {dropped}" in str(refused.raises(InvalidRule, field="stages"))
    quick = (S.PENDING_CONFIRMATION, S.SIGNED, S.AWAITING_SHIPMENT, S.COMPLETED)
    given().when(PublishRoute(order_type="quick_ship", stages=quick)).then(
        RoutePublished(order_type="quick_ship", version=1, stages=quick))


def test_republishing_a_route_raises_its_version_only() -> None:
    stages = DEFAULT_ROUTES["equipment"]
    state = (
        given(*DEFAULTS)
        .when(PublishRoute(order_type="equipment", stages=stages))
        .then(RoutePublished(order_type="equipment", version=2, stages=stages))
    )
    assert state.routes["equipment"].stages == stages
    assert state.routes["software"].version == 1


def test_every_publication_raises_the_rulebook_version() -> None:
    assert default_rulebook().version == len(default_publications())


@pytest.mark.parametrize("order_type", sorted(DEFAULT_ROUTES))
def test_the_default_routes_are_valid_and_published(order_type: str) -> None:
    route = default_rulebook().routes[order_type]
    assert (route.version, route.stages) == (1, DEFAULT_ROUTES[order_type])
    assert route.stages[:2] == (S.PENDING_CONFIRMATION, S.SIGNED)


def test_a_route_knows_what_comes_next_and_where_it_ends() -> None:
    route = Route(order_type="software", version=1, stages=DEFAULT_ROUTES["software"])
    assert route.next_after(S.SIGNED) == S.PROVISIONING
    assert route.next_after(S.LIVE) is None
    assert route.terminal == S.LIVE


# --- approval rules -------------------------------------------------------------------


def test_approval_rules_versions_increase_with_each_publication() -> None:
    steps = {"CNY": (step(1000, "manager"),)}
    state = (
        given(*DEFAULTS)
        .when(PublishApprovalRules(steps_by_currency=steps))
        .then(ApprovalRulesPublished(version=2, steps_by_currency=steps))
    )
    assert state.approval is not None
    assert state.approval.version == 2


def test_a_negative_threshold_is_refused() -> None:
    command = PublishApprovalRules(steps_by_currency={"CNY": (step(-1, "manager"),)})
    given().when(command).raises(InvalidRule, field="above")


@pytest.mark.parametrize("currency", ["cny", "CN", "CNYX"])
def test_thresholds_are_keyed_by_iso_currency_codes(currency: str) -> None:
    command = PublishApprovalRules(steps_by_currency={currency: (step(1, "manager"),)})
    given().when(command).raises(InvalidRule, field="currency")


def test_a_role_appears_once_per_currency() -> None:
    command = PublishApprovalRules(
        steps_by_currency={"CNY": (step(1, "manager"), step(10, "manager"))}
    )
    given().when(command).raises(InvalidRule, field="role")


@pytest.mark.parametrize(
    ("amount", "roles"),
    [
        ("0", ()),
        ("100000", ()),
        ("100000.01", ("sales_director",)),
        ("500000", ("sales_director",)),
        ("500000.01", ("sales_director", "vp")),
    ],
)
def test_default_cny_thresholds_are_strictly_above(amount: str, roles: tuple[str, ...]) -> None:
    approval = default_rulebook().approval
    assert approval is not None
    assert approval.required_roles(Money.of(amount, "CNY")) == roles


def test_roles_approve_in_threshold_order_whatever_the_order_published() -> None:
    book = rules(CNY=(step(500, "vp"), step(100, "director")))
    assert book.required_roles(Money.of(1000, "CNY")) == ("director", "vp")


def test_a_currency_without_thresholds_needs_every_role_any_currency_knows() -> None:
    book = rules(
        CNY=(step(100, "director"), step(500, "vp")),
        USD=(step(10, "controller"), step(50, "director")),
    )
    assert book.required_roles(Money.of(0, "EUR")) == ("director", "vp", "controller")


def test_a_currency_published_with_no_steps_needs_no_approval() -> None:
    assert rules(USD=()).required_roles(Money.of(10**9, "USD")) == ()


def test_health_weights_and_stage_deadlines_are_versioned_data() -> None:
    book = default_rulebook()
    assert book.health is not None
    assert book.health.version == 1
    assert book.deadlines is not None
    assert book.deadlines.days[Stage.IN_PRODUCTION] == 15
    heavier = HealthWeights(delivery_weight=Decimal(1))
    given(*DEFAULTS).when(PublishHealthWeights(weights=heavier)).then(
        HealthWeightsPublished(version=2, weights=heavier)
    )
    given(*DEFAULTS).when(PublishStageDeadlines(days={Stage.DESIGNING: 7})).then(
        StageDeadlinesPublished(version=2, days={Stage.DESIGNING: 7})
    )


def test_health_thresholds_and_deadlines_must_make_sense() -> None:
    inverted = HealthWeights(yellow_from=Decimal("0.5"), red_from=Decimal("0.2"))
    given().when(PublishHealthWeights(weights=inverted)).raises(InvalidRule, field="weights")
    negative = HealthWeights(cost_weight=Decimal(-1))
    given().when(PublishHealthWeights(weights=negative)).raises(InvalidRule, field="weights")
    given().when(PublishStageDeadlines(days={Stage.TESTING: 0})).raises(InvalidRule, field="days")


def test_only_missing_parts_of_the_rulebook_get_defaults() -> None:
    assert missing_publications(default_rulebook()) == []
    only_rules = rulebook_spec.fold(rulebook_spec.run(default_publications()[0]))
    missing = [type(c).__name__ for _, c in missing_publications(only_rules)]
    assert missing == [
        "PublishRoute",
        "PublishRoute",
        "PublishRoute",
        "PublishHealthWeights",
        "PublishStageDeadlines",
        "PublishStageGates",
        "PublishPaymentTerms",
        "PublishExceptionRules",
        "PublishTaskTemplates",
        "PublishKeyComponents",
        *["PublishPrintTemplate"] * 4,  # sales contract, delivery note, dunning letter, quote
        "PublishStagePlans",
        "PublishStatusMessages",
        "PublishWorkflowRules",
    ]


def test_stage_gates_are_versioned_data_and_lead_somewhere() -> None:
    book = default_rulebook()
    assert book.gates is not None
    [gate] = book.gates.gates
    assert (gate.from_stage, gate.to_stage, gate.notify_role) == (
        Stage.DESIGNING,
        Stage.MATERIAL_PREP,
        "purchasing_manager",
    )
    loop = replace(gate, to_stage=gate.from_stage)
    given(*DEFAULTS).when(PublishStageGates(gates=(loop,))).raises(InvalidRule, field="gates")
    given(*DEFAULTS).when(PublishStageGates(gates=())).then(
        StageGatesPublished(version=2, gates=())
    )
