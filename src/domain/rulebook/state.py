"""Rulebook state and `evolve`: the latest version of each part, as published."""

from __future__ import annotations

from typing import assert_never

import msgspec

from domain.print_templates import PrintKind
from domain.rulebook.approval import ApprovalRules
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
from domain.rulebook.health import HealthRules
from domain.rulebook.plans import StagePlans
from domain.rulebook.positions import Positions
from domain.rulebook.routes import Route, StageDeadlines, StageGates
from domain.rulebook.status_messages import StatusMessages
from domain.rulebook.workflow import WorkflowRules


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
    positions: Positions | None = None  # who holds which position (none: nobody approves)
    plans: StagePlans | None = None  # planned stage days and operations per order kind
    status_messages: StatusMessages | None = None  # what the customer is told, when
    workflow: WorkflowRules | None = None  # conditional approvals, notices and tasks


INITIAL = RulebookState()


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
        case PositionsPublished(version=v, holders=holders):
            positions = Positions(version=v, holders=holders)
            return msgspec.structs.replace(state, version=state.version + 1, positions=positions)
        case StagePlansPublished(version=v, plans=plans):
            published_plans = StagePlans(version=v, plans=plans)
            return msgspec.structs.replace(state, version=state.version + 1, plans=published_plans)
        case StatusMessagesPublished(version=v, templates=templates):
            messages = StatusMessages(version=v, templates=templates)
            return msgspec.structs.replace(
                state, version=state.version + 1, status_messages=messages
            )
        case WorkflowRulesPublished(version=v, rules=rules):
            workflow = WorkflowRules(version=v, rules=rules)
            return msgspec.structs.replace(state, version=state.version + 1, workflow=workflow)
        case _:
            assert_never(event)
