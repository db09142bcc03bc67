"""Rulebook routes: read and publish approval thresholds and stage routes."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from api.commanding import command_meta, run_command
from api.order_dto import Accepted
from api.runtime import Runtime, RuntimeDep
from application.intake import Name
from domain.deciders import RULEBOOK
from domain.order_alert import ExceptionRules
from domain.print_templates import PrintKind, PrintTemplate
from domain.receivable.terms import PaymentTerms
from domain.rulebook import (
    RULEBOOK_ID,
    ApprovalStep,
    HealthWeights,
    PositionHolder,
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
    StageGate,
    StagePlan,
    StatusTemplate,
    WorkflowRule,
)
from domain.stages import Stage
from domain.stock import ComponentNeed, KeyComponents
from domain.work_templates import ApprovalTasks, TaskTemplate, TaskTemplates

Req = Request[Any, Any, Any]


class ApprovalRulesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    steps_by_currency: dict[str, list[ApprovalStep]]
    expected_version: int | None = None


class PositionsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    holders: Annotated[list[PositionHolder], msgspec.Meta(max_length=10_000)]
    expected_version: int | None = None


class RouteIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    stages: Annotated[list[Stage], msgspec.Meta(min_length=3, max_length=20)]
    expected_version: int | None = None


class HealthWeightsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    weights: HealthWeights
    expected_version: int | None = None


class StageDeadlinesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    days: dict[Stage, Annotated[int, msgspec.Meta(ge=1, le=3650)]]
    expected_version: int | None = None


class StagePlansIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    plans: Annotated[tuple[StagePlan, ...], msgspec.Meta(max_length=500)]
    expected_version: int | None = None


class StageGatesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    gates: tuple[StageGate, ...]
    expected_version: int | None = None


class TaskTemplatesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    templates: Annotated[tuple[TaskTemplate, ...], msgspec.Meta(max_length=500)]
    approvals: ApprovalTasks = msgspec.field(default_factory=ApprovalTasks)  # defaults if left out
    expected_version: int | None = None


class KeyComponentsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    by_product: Annotated[
        dict[Name, Annotated[tuple[ComponentNeed, ...], msgspec.Meta(max_length=50)]],
        msgspec.Meta(max_length=10_000),
    ]
    expected_version: int | None = None


class PaymentTermsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    terms: PaymentTerms
    expected_version: int | None = None


class ExceptionRulesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    rules: ExceptionRules
    expected_version: int | None = None


class RulebookOut(msgspec.Struct, kw_only=True):
    version: int
    rules: dict[str, Any]


class RulebookController(Controller):
    path = "/rulebook"
    tags = ["rulebook"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def read(self, runtime: RuntimeDep) -> RulebookOut:
        """Approval thresholds and stage routes in force, with their versions."""
        state = runtime.service.load(RULEBOOK, RULEBOOK_ID)
        return RulebookOut(version=state.version, rules=msgspec.to_builtins(state))

    @post("/approval-rules", sync_to_thread=True, status_code=200)
    def publish_approval_rules(
        self, request: Req, data: JSONBody[ApprovalRulesIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish a new version of the approval thresholds; orders keep the version they pinned."""
        command = PublishApprovalRules(
            steps_by_currency={c: tuple(steps) for c, steps in data.steps_by_currency.items()}
        )
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/positions", sync_to_thread=True, status_code=200)
    def publish_positions(
        self, request: Req, data: JSONBody[PositionsIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish who holds which position (the whole list, replacing the last): each
        holder's user id, position, name, and the regions and product lines they cover
        (none: all). Approvals are given by these holders only."""
        command = PublishPositions(holders=tuple(data.holders))
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/routes/{order_type:str}", sync_to_thread=True, status_code=200)
    def publish_route(
        self, request: Req, order_type: FromPath[str], data: JSONBody[RouteIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish a new version of an order type's stage route; existing orders keep theirs."""
        command = PublishRoute(order_type=order_type, stages=tuple(data.stages))
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/health-weights", sync_to_thread=True, status_code=200)
    def publish_health_weights(
        self, request: Req, data: JSONBody[HealthWeightsIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish new weights and thresholds of the order health score."""
        command = PublishHealthWeights(weights=data.weights)
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/stage-deadlines", sync_to_thread=True, status_code=200)
    def publish_stage_deadlines(
        self, request: Req, data: JSONBody[StageDeadlinesIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish how many days each stage may take before an order is past its deadline."""
        command = PublishStageDeadlines(days=data.days)
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/stage-plans", sync_to_thread=True, status_code=200)
    def publish_stage_plans(
        self, request: Req, data: JSONBody[StagePlansIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish the planned days of each stage per order kind (and product line) and the
        production operations (工序): the whole set, replacing the one before. Each open
        order's predicted completion follows the new plans from the next morning."""
        command = PublishStagePlans(plans=data.plans)
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/stage-gates", sync_to_thread=True, status_code=200)
    def publish_stage_gates(
        self, request: Req, data: JSONBody[StageGatesIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish the stages an order leaves by itself once documents are confirmed."""
        command = PublishStageGates(gates=data.gates)
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/payment-terms", sync_to_thread=True, status_code=200)
    def publish_payment_terms(
        self, request: Req, data: JSONBody[PaymentTermsIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish milestone templates, credit rules and dunning levels and schedule.

        Receivables opened afterwards use them; open receivables keep their milestones."""
        command = PublishPaymentTerms(terms=data.terms)
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/exception-rules", sync_to_thread=True, status_code=200)
    def publish_exception_rules(
        self, request: Req, data: JSONBody[ExceptionRulesIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish the L1-L4 levels: delay thresholds, owners, actions, response times and
        who gets a written report. Alerts raised afterwards use them."""
        command = PublishExceptionRules(rules=data.rules)
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/task-templates", sync_to_thread=True, status_code=200)
    def publish_task_templates(
        self, request: Req, data: JSONBody[TaskTemplatesIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish the task each stage of a route hands out: role, title, deadline,
        escalation chain and the rules that pick the assignee by region and product
        line; and `approvals`, how long an approver and a rejection's rework may wait and
        whom they escalate to. Orders entering a stage afterwards use them."""
        templates = TaskTemplates(templates=data.templates, approvals=data.approvals)
        command = PublishTaskTemplates(templates=templates)
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/key-components", sync_to_thread=True, status_code=200)
    def publish_key_components(
        self, request: Req, data: JSONBody[KeyComponentsIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish which key components (part numbers and quantity per unit) each product
        takes: orders captured or changed afterwards reserve them in the stock ledger."""
        command = PublishKeyComponents(components=KeyComponents(by_product=data.by_product))
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/print-templates/{kind:str}", sync_to_thread=True, status_code=200)
    def publish_print_template(
        self,
        request: Req,
        kind: FromPath[PrintKind],
        data: JSONBody[PrintTemplateIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """Publish how a kind of document prints (sales_contract, delivery_note,
        dunning_letter, quote): title, paragraphs, facts with {placeholders}; a
        placeholder the kind does not know is refused, naming where it stands."""
        command = PublishPrintTemplate(kind=kind, template=data.template)
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/status-messages", sync_to_thread=True, status_code=200)
    def publish_status_messages(
        self, request: Req, data: JSONBody[StatusMessagesIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish what a customer is told, when: one template per moment (`signed`,
        `shipped`, `accepted`, or a stage entered such as `in_production`), subject and
        body with {placeholders} (order, customer, stage, stage_en, date, promised,
        contract, tracking). A moment left out is not told; an unknown placeholder is
        refused, naming where it stands."""
        command = PublishStatusMessages(templates=data.templates)
        return _publish(runtime, command, command_meta(request, data.expected_version))

    @post("/workflow-rules", sync_to_thread=True, status_code=200)
    def publish_workflow_rules(
        self, request: Req, data: JSONBody[WorkflowRulesIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish the conditional workflow rules (the whole set, replacing the one
        before): each `when` (amount above a threshold per currency, order types,
        product lines, a custom hardware line, customer tiers, credit ratings, regions;
        every condition given must hold) adds `then` approvals, department notices and
        tasks. Orders captured or changed afterwards are judged by them; try a set with
        `POST /rulebook/workflow-rules/dry-run` first."""
        command = PublishWorkflowRules(rules=data.rules)
        return _publish(runtime, command, command_meta(request, data.expected_version))


class StatusMessagesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    templates: Annotated[tuple[StatusTemplate, ...], msgspec.Meta(max_length=50)]
    expected_version: int | None = None


class WorkflowRulesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    rules: Annotated[tuple[WorkflowRule, ...], msgspec.Meta(max_length=500)]
    expected_version: int | None = None


class PrintTemplateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    template: PrintTemplate
    expected_version: int | None = None


def _publish(runtime: Runtime, command: Any, meta: Any) -> Accepted:
    return run_command(runtime, RULEBOOK, RULEBOOK_ID, command, meta)
