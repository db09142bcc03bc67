"""The rulebook: rules the business changes, kept as versioned events.

Approval thresholds and the stage route of each order type are data. Every
publication is an event with a new version number; an order pins the versions in
force when it was captured, so a later rule change never rewrites it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, assert_never
from uuid import UUID

import msgspec

from domain.document_version.model import DocumentKind
from domain.order_alert import DEFAULT_EXCEPTION_RULES, ExceptionRules
from domain.order_alert import check_rules as check_exception_rules
from domain.print_templates import (
    DEFAULT_PRINT_TEMPLATES,
    PrintKind,
    PrintTemplate,
    check_template,
)
from domain.receivable.terms import DEFAULT_PAYMENT_TERMS, PaymentTerms, check_terms
from domain.shared import DomainError, Money
from domain.stages import Stage
from domain.stock import DEFAULT_KEY_COMPONENTS, KeyComponents
from domain.work_templates import DEFAULT_TASK_TEMPLATES, TaskTemplates, check_templates

# The rulebook is a single, well-known stream.
RULEBOOK_ID = UUID("6f1c1f0e-0000-4000-8000-000000000001")

NonEmpty = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ApprovalStep(msgspec.Struct, frozen=True, kw_only=True):
    """Orders whose total is strictly above `above` need `role` to approve."""

    above: Decimal
    role: NonEmpty


class ApprovalRules(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    steps_by_currency: dict[str, tuple[ApprovalStep, ...]]

    def required_roles(self, amount: Money) -> tuple[str, ...]:
        """Roles that must approve, in the order they approve.

        A currency without thresholds needs every role any currency knows:
        an unknown amount gets the strictest review, never none.
        """
        steps = self.steps_by_currency.get(amount.currency)
        if steps is None:
            roles: list[str] = []
            for currency_steps in self.steps_by_currency.values():
                for step in sorted(currency_steps, key=lambda s: s.above):
                    if step.role not in roles:
                        roles.append(step.role)
            return tuple(roles)
        ordered = sorted(steps, key=lambda s: s.above)
        return tuple(s.role for s in ordered if amount.amount > s.above)


class Route(msgspec.Struct, frozen=True, kw_only=True):
    order_type: NonEmpty
    version: int
    stages: tuple[Stage, ...]

    @property
    def terminal(self) -> Stage:
        return self.stages[-1]

    def next_after(self, stage: Stage) -> Stage | None:
        i = self.stages.index(stage)
        return self.stages[i + 1] if i + 1 < len(self.stages) else None


def _steps(director: int, vp: int) -> tuple[ApprovalStep, ...]:
    return (
        ApprovalStep(above=Decimal(director), role="sales_director"),
        ApprovalStep(above=Decimal(vp), role="vp"),
    )


# The seed's thresholds are in CNY. USD and EUR carry rounded equivalents so an
# overseas order is reviewed like a domestic one of the same size; finance
# publishes its own figures as a new rulebook version. Other currencies fall back
# to every role (see ApprovalRules.required_roles).
class HealthWeights(msgspec.Struct, frozen=True, kw_only=True):
    """How an order's health score is weighed (seed 000, 实操案例): each indicator is
    capped at 1, weighted, and summed; yellow and red start at the thresholds."""

    delivery_weight: Decimal = Decimal("0.5")
    cost_weight: Decimal = Decimal("0.3")
    feedback_weight: Decimal = Decimal("0.2")
    feedback_per_30_days_for_full_score: Decimal = Decimal(4)
    yellow_from: Decimal = Decimal("0.15")
    red_from: Decimal = Decimal("0.40")


class HealthRules(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    weights: HealthWeights


class StageGate(msgspec.Struct, frozen=True, kw_only=True):
    """An order in `from_stage` moves to `to_stage` by itself once the customer has
    confirmed a current version of every document kind in `confirmed_documents`,
    and `notify_role` is given the task `task` (seed 000, 二: 设计中 -> 备料中 when the
    drawings are uploaded and signed back; the purchasing manager checks the BOM)."""

    from_stage: Stage
    to_stage: Stage
    confirmed_documents: tuple[DocumentKind, ...]
    notify_role: NonEmpty
    task: NonEmpty


class StageGates(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    gates: tuple[StageGate, ...]


DEFAULT_STAGE_GATES = (
    StageGate(
        from_stage=Stage.DESIGNING,
        to_stage=Stage.MATERIAL_PREP,
        confirmed_documents=(DocumentKind.DESIGN_DRAWING,),
        notify_role="purchasing_manager",
        task="核对物料清单: check the bill of materials",
    ),
)


class StageDeadlines(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    days: dict[Stage, int]


# Days a stage may take before an order is past its stage deadline: the seed's
# 45-day equipment cycle (design 5, materials 10, machining 15, assembly and
# testing 10, acceptance 5) plus working assumptions for the other stages.
DEFAULT_STAGE_DAYS: dict[Stage, int] = {
    Stage.PENDING_CONFIRMATION: 3,
    Stage.SIGNED: 2,
    Stage.DESIGNING: 5,
    Stage.MATERIAL_PREP: 10,
    Stage.IN_PRODUCTION: 15,
    Stage.TESTING: 10,
    Stage.AWAITING_SHIPMENT: 5,
    Stage.PROVISIONING: 10,
}

DEFAULT_APPROVAL_STEPS: dict[str, tuple[ApprovalStep, ...]] = {
    "CNY": _steps(100_000, 500_000),
    "USD": _steps(14_000, 70_000),
    "EUR": _steps(13_000, 65_000),
}

_S = Stage
DEFAULT_ROUTES: dict[str, tuple[Stage, ...]] = {
    # Non-standard equipment: the full route of seed 000, 二.
    "equipment": (
        _S.PENDING_CONFIRMATION, _S.SIGNED, _S.DESIGNING, _S.MATERIAL_PREP,
        _S.IN_PRODUCTION, _S.TESTING, _S.AWAITING_SHIPMENT, _S.COMPLETED,
    ),
    # Standard parts need no design.
    "standard_parts": (
        _S.PENDING_CONFIRMATION, _S.SIGNED, _S.MATERIAL_PREP, _S.IN_PRODUCTION,
        _S.TESTING, _S.AWAITING_SHIPMENT, _S.COMPLETED,
    ),
    # Software and SaaS: signed -> provisioning -> live.
    "software": (_S.PENDING_CONFIRMATION, _S.SIGNED, _S.PROVISIONING, _S.LIVE),
}  # fmt: skip


# --- commands -------------------------------------------------------------------


class PublishApprovalRules(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    steps_by_currency: dict[str, tuple[ApprovalStep, ...]]


class PublishRoute(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_type: NonEmpty
    stages: tuple[Stage, ...]


class PublishHealthWeights(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    weights: HealthWeights


class PublishStageDeadlines(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    days: dict[Stage, int]


class PublishStageGates(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    gates: tuple[StageGate, ...]


class PublishPaymentTerms(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    terms: PaymentTerms


class PublishExceptionRules(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    rules: ExceptionRules


class PublishTaskTemplates(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    templates: TaskTemplates


class PublishKeyComponents(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    components: KeyComponents


class PublishPrintTemplate(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    kind: PrintKind
    template: PrintTemplate


RulebookCommand = (
    PublishApprovalRules
    | PublishRoute
    | PublishHealthWeights
    | PublishStageDeadlines
    | PublishStageGates
    | PublishPaymentTerms
    | PublishExceptionRules
    | PublishTaskTemplates
    | PublishKeyComponents
    | PublishPrintTemplate
)


# --- events ---------------------------------------------------------------------


class ApprovalRulesPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    steps_by_currency: dict[str, tuple[ApprovalStep, ...]]


class RoutePublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_type: str
    version: int
    stages: tuple[Stage, ...]


class HealthWeightsPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    weights: HealthWeights


class StageDeadlinesPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    days: dict[Stage, int]


class StageGatesPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    gates: tuple[StageGate, ...]


class PaymentTermsPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    terms: PaymentTerms


class ExceptionRulesPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    rules: ExceptionRules


class TaskTemplatesPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    templates: TaskTemplates


class KeyComponentsPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    components: KeyComponents


class PrintTemplatePublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int  # of this kind's template
    kind: PrintKind
    template: PrintTemplate


RulebookEvent = (
    ApprovalRulesPublished
    | RoutePublished
    | HealthWeightsPublished
    | StageDeadlinesPublished
    | StageGatesPublished
    | PaymentTermsPublished
    | ExceptionRulesPublished
    | TaskTemplatesPublished
    | KeyComponentsPublished
    | PrintTemplatePublished
)


class RulebookState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    approval: ApprovalRules | None = None
    routes: dict[str, Route] = msgspec.field(default_factory=dict)
    health: HealthRules | None = None
    deadlines: StageDeadlines | None = None
    gates: StageGates | None = None
    payment_terms: PaymentTermsPublished | None = None
    exception_rules: ExceptionRulesPublished | None = None
    task_templates: TaskTemplatesPublished | None = None
    key_components: KeyComponentsPublished | None = None
    print_templates: dict[PrintKind, PrintTemplatePublished] = msgspec.field(default_factory=dict)


class InvalidRule(DomainError):
    rule = "invalid_rule"


def _check_route(stages: Sequence[Stage]) -> None:
    if len(stages) < 3:
        raise InvalidRule("a route needs at least three stages", field="stages")
    if tuple(stages[:2]) != (Stage.PENDING_CONFIRMATION, Stage.SIGNED):
        raise InvalidRule("a route starts with pending_confirmation then signed", field="stages")
    if len(set(stages)) != len(stages):
        raise InvalidRule("a route visits each stage once", field="stages")


def _check_steps(steps_by_currency: dict[str, tuple[ApprovalStep, ...]]) -> None:
    for currency, steps in steps_by_currency.items():
        if len(currency) != 3 or not currency.isupper():
            raise InvalidRule(f"{currency!r} is not an ISO currency code", field="currency")
        if any(s.above < 0 for s in steps):
            raise InvalidRule("approval thresholds are not negative", field="above")
        if len({s.role for s in steps}) != len(steps):
            raise InvalidRule(f"{currency}: a role appears twice", field="role")


def _check_weights(w: HealthWeights) -> None:
    weights = (w.delivery_weight, w.cost_weight, w.feedback_weight)
    if any(x < 0 for x in weights) or w.feedback_per_30_days_for_full_score <= 0:
        raise InvalidRule("health weights are not negative", field="weights")
    if not 0 < w.yellow_from < w.red_from:
        raise InvalidRule("health thresholds need 0 < yellow_from < red_from", field="weights")


def decide(command: RulebookCommand, state: RulebookState) -> list[RulebookEvent]:
    match command:
        case PublishApprovalRules(steps_by_currency=steps):
            _check_steps(steps)
            version = state.approval.version + 1 if state.approval else 1
            return [ApprovalRulesPublished(version=version, steps_by_currency=steps)]
        case PublishRoute(order_type=order_type, stages=stages):
            _check_route(stages)
            current = state.routes.get(order_type)
            version = current.version + 1 if current else 1
            return [RoutePublished(order_type=order_type, version=version, stages=stages)]
        case PublishHealthWeights(weights=weights):
            _check_weights(weights)
            version = state.health.version + 1 if state.health else 1
            return [HealthWeightsPublished(version=version, weights=weights)]
        case PublishStageDeadlines(days=days):
            if any(d < 1 for d in days.values()):
                raise InvalidRule("a stage deadline is at least one day", field="days")
            version = state.deadlines.version + 1 if state.deadlines else 1
            return [StageDeadlinesPublished(version=version, days=days)]
        case PublishStageGates(gates=gates):
            if any(g.from_stage == g.to_stage for g in gates):
                raise InvalidRule("a stage gate leads to another stage", field="gates")
            version = state.gates.version + 1 if state.gates else 1
            return [StageGatesPublished(version=version, gates=gates)]
        case PublishPaymentTerms(terms=terms):
            check_terms(terms)
            version = state.payment_terms.version + 1 if state.payment_terms else 1
            return [PaymentTermsPublished(version=version, terms=terms)]
        case PublishExceptionRules(rules=rules):
            check_exception_rules(rules)
            version = state.exception_rules.version + 1 if state.exception_rules else 1
            return [ExceptionRulesPublished(version=version, rules=rules)]
        case PublishTaskTemplates(templates=templates):
            check_templates(templates)
            version = state.task_templates.version + 1 if state.task_templates else 1
            return [TaskTemplatesPublished(version=version, templates=templates)]
        case PublishKeyComponents(components=components):
            version = state.key_components.version + 1 if state.key_components else 1
            return [KeyComponentsPublished(version=version, components=components)]
        case PublishPrintTemplate(kind=kind, template=template):
            check_template(kind, template, "template")
            published = state.print_templates.get(kind)
            version = published.version + 1 if published else 1
            return [PrintTemplatePublished(version=version, kind=kind, template=template)]
        case _:
            assert_never(command)


def evolve(state: RulebookState, event: RulebookEvent) -> RulebookState:
    match event:
        case ApprovalRulesPublished(version=v, steps_by_currency=steps):
            approval = ApprovalRules(version=v, steps_by_currency=steps)
            return msgspec.structs.replace(state, version=state.version + 1, approval=approval)
        case RoutePublished(order_type=t, version=v, stages=stages):
            routes = {**state.routes, t: Route(order_type=t, version=v, stages=stages)}
            return msgspec.structs.replace(state, version=state.version + 1, routes=routes)
        case HealthWeightsPublished(version=v, weights=weights):
            health = HealthRules(version=v, weights=weights)
            return msgspec.structs.replace(state, version=state.version + 1, health=health)
        case StageDeadlinesPublished(version=v, days=days):
            deadlines = StageDeadlines(version=v, days=days)
            return msgspec.structs.replace(state, version=state.version + 1, deadlines=deadlines)
        case StageGatesPublished(version=v, gates=gates):
            published = StageGates(version=v, gates=gates)
            return msgspec.structs.replace(state, version=state.version + 1, gates=published)
        case PaymentTermsPublished():
            return msgspec.structs.replace(state, version=state.version + 1, payment_terms=event)
        case ExceptionRulesPublished():
            return msgspec.structs.replace(state, version=state.version + 1, exception_rules=event)
        case TaskTemplatesPublished():
            return msgspec.structs.replace(state, version=state.version + 1, task_templates=event)
        case KeyComponentsPublished():
            return msgspec.structs.replace(state, version=state.version + 1, key_components=event)
        case PrintTemplatePublished(kind=kind):
            templates = {**state.print_templates, kind: event}
            return msgspec.structs.replace(
                state, version=state.version + 1, print_templates=templates
            )
        case _:
            assert_never(event)


def default_publications() -> list[RulebookCommand]:
    """What a new installation publishes first, so every order pins real versions."""
    commands: list[RulebookCommand] = [
        PublishApprovalRules(steps_by_currency=DEFAULT_APPROVAL_STEPS)
    ]
    commands += [PublishRoute(order_type=t, stages=s) for t, s in DEFAULT_ROUTES.items()]
    commands += [
        PublishHealthWeights(weights=HealthWeights()),
        PublishStageDeadlines(days=DEFAULT_STAGE_DAYS),
        PublishStageGates(gates=DEFAULT_STAGE_GATES),
        PublishPaymentTerms(terms=DEFAULT_PAYMENT_TERMS),
        PublishExceptionRules(rules=DEFAULT_EXCEPTION_RULES),
        PublishTaskTemplates(templates=DEFAULT_TASK_TEMPLATES),
        PublishKeyComponents(components=DEFAULT_KEY_COMPONENTS),
    ]
    commands += [
        PublishPrintTemplate(kind=kind, template=template)
        for kind, template in DEFAULT_PRINT_TEMPLATES.items()
    ]
    return commands


def missing_publications(state: RulebookState) -> list[tuple[int, RulebookCommand]]:
    """The default publications (numbered, for stable command ids) whose part is absent.

    An installation made before a part of the rulebook existed gets its default on
    the next start; a part already published, default or not, is left alone.
    """
    missing: list[tuple[int, RulebookCommand]] = []
    for i, command in enumerate(default_publications()):
        match command:
            case PublishApprovalRules():
                absent = state.approval is None
            case PublishRoute(order_type=order_type):
                absent = order_type not in state.routes
            case PublishHealthWeights():
                absent = state.health is None
            case PublishStageDeadlines():
                absent = state.deadlines is None
            case PublishStageGates():
                absent = state.gates is None
            case PublishPaymentTerms():
                absent = state.payment_terms is None
            case PublishExceptionRules():
                absent = state.exception_rules is None
            case PublishTaskTemplates():
                absent = state.task_templates is None
            case PublishKeyComponents():
                absent = state.key_components is None
            case PublishPrintTemplate(kind=kind):
                absent = kind not in state.print_templates
            case _:
                assert_never(command)
        if absent:
            missing.append((i, command))
    return missing
