"""The workflow rules' dry run: what an order would trigger, before anyone captures it."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody

from api.runtime import RuntimeDep
from application.capture import capture_rules
from application.intake import PlaceOrderIn
from domain.deciders import ORDER
from domain.order.events import OrderPlaced
from domain.rulebook import Triggered, WorkflowRule, WorkflowRules
from domain.rulebook.workflow import RuleTask, check_workflow


class DryRunIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    order: PlaceOrderIn  # as `POST /orders` would be given it
    # A draft set to try instead of the rules in force (checked as a publication is).
    rules: Annotated[tuple[WorkflowRule, ...], msgspec.Meta(max_length=500)] | None = None


class DryRunOut(msgspec.Struct, kw_only=True):
    workflow_version: int  # of the rules in force; 0 for a draft
    draft: bool
    triggered: list[Triggered]  # each rule triggered, with why and what it adds
    required_approvals: list[str]  # the whole chain the order would wait for, in order
    notify: list[str]  # departments told
    tasks: list[RuleTask]  # tasks handed out


class WorkflowRulesController(Controller):
    path = "/rulebook/workflow-rules"
    tags = ["rulebook"]  # noqa: RUF012

    @post("/dry-run", sync_to_thread=True, status_code=200)
    def dry_run(self, data: JSONBody[DryRunIn], runtime: RuntimeDep) -> DryRunOut:
        """What capturing this order would trigger: the rules, why each applies, the
        approval chain, the departments told and the tasks handed out. The order is
        checked as a capture checks it and nothing is written."""
        place = data.order
        rules = capture_rules(runtime.service, place.order_type, place.customer_id)
        if data.rules is not None:
            check_workflow(data.rules)
            rules = rules._replace(workflow=WorkflowRules(version=0, rules=data.rules))
        placed = ORDER.decide(place.to_command(rules, None), ORDER.initial)[0]
        assert isinstance(placed, OrderPlaced)
        return DryRunOut(
            workflow_version=placed.workflow_version,
            draft=data.rules is not None,
            triggered=list(placed.triggered),
            required_approvals=list(placed.required_approvals),
            notify=list(dict.fromkeys(d for t in placed.triggered for d in t.notify)),
            tasks=[task for t in placed.triggered for task in t.tasks],
        )
