"""Rulebook events: each publication, with the version number it was given."""

from __future__ import annotations

import msgspec

from domain.order_alert import ExceptionRules
from domain.print_templates import PrintKind, PrintTemplate
from domain.receivable.terms import PaymentTerms
from domain.rulebook.approval import ApprovalStep
from domain.rulebook.health import HealthWeights
from domain.rulebook.plans import StagePlan
from domain.rulebook.positions import PositionHolder
from domain.rulebook.routes import StageGate
from domain.rulebook.status_messages import StatusTemplate
from domain.rulebook.workflow import WorkflowRule
from domain.stages import Stage
from domain.stock.components import KeyComponents
from domain.work_templates import TaskTemplates


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


class PositionsPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    holders: tuple[PositionHolder, ...]


class StagePlansPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    plans: tuple[StagePlan, ...]


class StatusMessagesPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    templates: tuple[StatusTemplate, ...]


class WorkflowRulesPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    rules: tuple[WorkflowRule, ...]


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
    | PositionsPublished
    | StagePlansPublished
    | StatusMessagesPublished
    | WorkflowRulesPublished
)
