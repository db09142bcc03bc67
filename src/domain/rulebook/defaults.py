"""The rules a new installation starts with, and which of them a rulebook still lacks."""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from domain.document_version import DocumentKind
from domain.order_alert import DEFAULT_EXCEPTION_RULES
from domain.print_templates import DEFAULT_PRINT_TEMPLATES
from domain.receivable.terms import DEFAULT_PAYMENT_TERMS
from domain.rulebook.approval import ApprovalStep
from domain.rulebook.commands import (
    PublishApprovalRules,
    PublishExceptionRules,
    PublishHealthWeights,
    PublishKeyComponents,
    PublishPaymentTerms,
    PublishPositions,
    PublishPrintTemplate,
    PublishRoute,
    PublishStageDeadlines,
    PublishStageGates,
    PublishStagePlans,
    PublishStatusMessages,
    PublishTaskTemplates,
    PublishWorkflowRules,
    RulebookCommand,
)
from domain.rulebook.health import HealthWeights
from domain.rulebook.plans import DEFAULT_STAGE_PLANS
from domain.rulebook.routes import StageGate
from domain.rulebook.state import RulebookState
from domain.rulebook.status_messages import DEFAULT_STATUS_MESSAGES
from domain.rulebook.workflow import DEFAULT_WORKFLOW_RULES
from domain.stages import Stage
from domain.stock.components import DEFAULT_KEY_COMPONENTS
from domain.work_templates import DEFAULT_TASK_TEMPLATES


def _steps(director: int, vp: int) -> tuple[ApprovalStep, ...]:
    return (
        ApprovalStep(above=Decimal(director), role="sales_director"),
        ApprovalStep(above=Decimal(vp), role="vp"),
    )


# The thresholds are set in CNY. USD and EUR carry rounded equivalents so an
# overseas order is reviewed like a domestic one of the same size; finance
# publishes its own figures as a new rulebook version. Other currencies fall back
# to every role (see ApprovalRules.required_roles).
DEFAULT_APPROVAL_STEPS: dict[str, tuple[ApprovalStep, ...]] = {
    "CNY": _steps(100_000, 500_000),
    "USD": _steps(14_000, 70_000),
    "EUR": _steps(13_000, 65_000),
}

_S = Stage
DEFAULT_ROUTES: dict[str, tuple[Stage, ...]] = {
    # Non-standard equipment: the full route, design included.
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

# Days a stage may take before an order is past its stage deadline: a 45-day
# equipment cycle (design 5, materials 10, machining 15, assembly and testing 10,
# acceptance 5) plus working assumptions for the other stages.
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

DEFAULT_STAGE_GATES = (
    StageGate(
        from_stage=Stage.DESIGNING,
        to_stage=Stage.MATERIAL_PREP,
        confirmed_documents=(DocumentKind.DESIGN_DRAWING,),
        notify_role="purchasing_manager",
        task="核对物料清单: check the bill of materials",
    ),
)


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
    # Later parts come last: each default's number (its command id) never changes.
    commands.append(PublishStagePlans(plans=DEFAULT_STAGE_PLANS))
    commands.append(PublishStatusMessages(templates=DEFAULT_STATUS_MESSAGES))
    commands.append(PublishWorkflowRules(rules=DEFAULT_WORKFLOW_RULES))
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
            case PublishStagePlans():
                absent = state.plans is None
            case PublishStatusMessages():
                absent = state.status_messages is None
            case PublishWorkflowRules():
                absent = state.workflow is None
            case PublishPositions():  # none by default: who holds what is the company's
                absent = state.positions is None
            case _:
                assert_never(command)
        if absent:
            missing.append((i, command))
    return missing
