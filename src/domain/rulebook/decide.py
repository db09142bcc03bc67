"""`decide`: checks a publication and gives it the next version number of its part."""

from __future__ import annotations

from typing import assert_never

from domain.order_alert import check_rules as check_exception_rules
from domain.print_templates import check_template
from domain.receivable.terms import check_terms
from domain.rulebook import rules
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
from domain.rulebook.events import (
    ApprovalRulesPublished,
    ExceptionRulesPublished,
    HealthWeightsPublished,
    KeyComponentsPublished,
    PaymentTermsPublished,
    PositionsPublished,
    PrintTemplatePublished,
    RoutePublished,
    RulebookEvent,
    StageDeadlinesPublished,
    StageGatesPublished,
    StagePlansPublished,
    StatusMessagesPublished,
    TaskTemplatesPublished,
    WorkflowRulesPublished,
)
from domain.rulebook.state import RulebookState
from domain.rulebook.status_messages import check_messages
from domain.rulebook.workflow import check_workflow
from domain.work_templates import check_templates


def decide(command: RulebookCommand, state: RulebookState) -> list[RulebookEvent]:
    match command:
        case PublishApprovalRules(steps_by_currency=steps):
            rules.check_steps(steps)
            version = state.approval.version + 1 if state.approval else 1
            return [ApprovalRulesPublished(version=version, steps_by_currency=steps)]
        case PublishRoute(order_type=order_type, stages=stages):
            rules.check_route(order_type, stages)
            current = state.routes.get(order_type)
            version = current.version + 1 if current else 1
            return [RoutePublished(order_type=order_type, version=version, stages=stages)]
        case PublishHealthWeights(weights=weights):
            rules.check_weights(weights)
            version = state.health.version + 1 if state.health else 1
            return [HealthWeightsPublished(version=version, weights=weights)]
        case PublishStageDeadlines(days=days):
            rules.check_deadlines(days)
            version = state.deadlines.version + 1 if state.deadlines else 1
            return [StageDeadlinesPublished(version=version, days=days)]
        case PublishStageGates(gates=gates):
            rules.check_gates(gates)
            version = state.gates.version + 1 if state.gates else 1
            return [StageGatesPublished(version=version, gates=gates)]
        case PublishPaymentTerms(terms=terms):
            check_terms(terms)
            version = state.payment_terms.version + 1 if state.payment_terms else 1
            return [PaymentTermsPublished(version=version, terms=terms)]
        case PublishExceptionRules(rules=exception_rules):
            check_exception_rules(exception_rules)
            version = state.exception_rules.version + 1 if state.exception_rules else 1
            return [ExceptionRulesPublished(version=version, rules=exception_rules)]
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
        case PublishPositions(holders=holders):
            rules.check_positions(holders)
            version = state.positions.version + 1 if state.positions else 1
            return [PositionsPublished(version=version, holders=holders)]
        case PublishStagePlans(plans=plans):
            rules.check_plans(plans, state.routes)
            version = state.plans.version + 1 if state.plans else 1
            return [StagePlansPublished(version=version, plans=plans)]
        case PublishStatusMessages(templates=templates):
            check_messages(templates)
            version = state.status_messages.version + 1 if state.status_messages else 1
            return [StatusMessagesPublished(version=version, templates=templates)]
        case PublishWorkflowRules(rules=workflow_rules):
            check_workflow(workflow_rules)
            version = state.workflow.version + 1 if state.workflow else 1
            return [WorkflowRulesPublished(version=version, rules=workflow_rules)]
        case _:
            assert_never(command)
