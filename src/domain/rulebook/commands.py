"""Rulebook commands: each publishes a new version of one part of the rulebook."""

from __future__ import annotations

from uuid import UUID

import msgspec

from domain.order_alert import ExceptionRules
from domain.print_templates import PrintKind, PrintTemplate
from domain.receivable.terms import PaymentTerms
from domain.rulebook.approval import ApprovalStep
from domain.rulebook.health import HealthWeights
from domain.rulebook.plans import StagePlan
from domain.rulebook.positions import PositionHolder
from domain.rulebook.routes import NonEmpty, StageGate
from domain.rulebook.status_messages import StatusTemplate
from domain.rulebook.workflow import WorkflowRule
from domain.stages import Stage
from domain.stock.components import KeyComponents
from domain.work_templates import TaskTemplates

# The rulebook is a single, well-known stream.
RULEBOOK_ID = UUID("6f1c1f0e-0000-4000-8000-000000000001")


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


class PublishPositions(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Who holds which position: the whole list, replacing the one before."""

    holders: tuple[PositionHolder, ...]


class PublishStagePlans(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The planned days of each stage per order kind (and product line), and the
    production operations: the whole set, replacing the one before."""

    plans: tuple[StagePlan, ...]


class PublishStatusMessages(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """What the customer is told at which moment: the whole set, replacing the one
    before (a moment without a template is not told)."""

    templates: tuple[StatusTemplate, ...]


class PublishWorkflowRules(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The conditional workflow rules: the whole set, replacing the one before."""

    rules: tuple[WorkflowRule, ...]


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
    | PublishPositions
    | PublishStagePlans
    | PublishStatusMessages
    | PublishWorkflowRules
)
