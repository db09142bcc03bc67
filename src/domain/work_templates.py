"""Task templates: the work each stage of an order's route hands to a person.

When an order enters a stage (signing included), every template for that stage
and the order's route becomes a task with a deadline, given to the person the
template's assignee rules choose by the order's region and product lines (or to
anyone in the role, when no rule matches), and escalating up the template's
chain while it stays open past its deadline (事找人: work finds people).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

import msgspec

from domain.shared import DomainError, Name
from domain.stages import Stage
from domain.task import AssignTask, Hours


class AssigneeRule(msgspec.Struct, frozen=True, kw_only=True):
    """`assignee` takes the task for orders in `region` with a line of `product_line`;
    an empty condition matches every order."""

    assignee: Name
    region: str = ""
    product_line: str = ""

    def matches(self, region: str, product_lines: Iterable[str]) -> bool:
        return (not self.region or self.region == region) and (
            not self.product_line or self.product_line in product_lines
        )


class TaskTemplate(msgspec.Struct, frozen=True, kw_only=True):
    stage: Stage
    order_types: tuple[Name, ...] = ()  # the routes it applies to; empty: every route
    role: Name
    title: Name
    due_in_hours: Hours
    escalation: Annotated[tuple[Name, ...], msgspec.Meta(max_length=10)] = ()
    escalate_every_hours: Hours = 24
    assignees: tuple[AssigneeRule, ...] = ()  # the first that matches decides

    def applies_to(self, order_type: str, stage: Stage) -> bool:
        return self.stage == stage and (not self.order_types or order_type in self.order_types)

    def assignee_for(self, region: str, product_lines: Iterable[str]) -> str:
        lines = frozenset(product_lines)
        return next((r.assignee for r in self.assignees if r.matches(region, lines)), "")


class ApprovalTasks(msgspec.Struct, frozen=True, kw_only=True):
    """How long an order may wait for each approver before it escalates, and to whom;
    and how long its salesperson has to rework a rejected order (no approval waits
    unseen and no rejected order stalls)."""

    due_in_hours: Hours = 24
    escalate_every_hours: Hours = 24
    escalation: dict[str, tuple[Name, ...]] = msgspec.field(
        default_factory=lambda: {
            "sales_director": ("vp", "general_manager"),
            "vp": ("general_manager",),
        }
    )
    rework_due_in_hours: Hours = 48
    rework_escalation: tuple[Name, ...] = ("sales_director",)


class TaskTemplates(msgspec.Struct, frozen=True, kw_only=True):
    templates: tuple[TaskTemplate, ...]
    approvals: ApprovalTasks = msgspec.field(default_factory=ApprovalTasks)


_CHAIN = ("team_lead", "department_head", "vp")

DEFAULT_TASK_TEMPLATES = TaskTemplates(
    templates=(
        # Seed 000: a signed order reaches the technical department at once.
        TaskTemplate(stage=Stage.SIGNED, order_types=("equipment", "standard_parts"),
                     role="engineer", title="技术评审: technical review of the signed order",
                     due_in_hours=48, escalation=_CHAIN),
        TaskTemplate(stage=Stage.SIGNED, order_types=("software",), role="engineer",
                     title="开通准备: prepare provisioning", due_in_hours=48, escalation=_CHAIN),
        TaskTemplate(stage=Stage.DESIGNING, role="engineer",
                     title="设计图纸: design drawings for customer sign-off",
                     due_in_hours=5 * 24, escalation=_CHAIN),
        TaskTemplate(stage=Stage.IN_PRODUCTION, role="production_supervisor",
                     title="排产: schedule production", due_in_hours=24, escalation=_CHAIN[1:]),
        TaskTemplate(stage=Stage.TESTING, role="quality_engineer",
                     title="出厂测试: factory acceptance test", due_in_hours=10 * 24,
                     escalation=_CHAIN[1:]),
        TaskTemplate(stage=Stage.AWAITING_SHIPMENT, role="logistics",
                     title="安排发货: arrange shipment", due_in_hours=3 * 24,
                     escalation=_CHAIN[1:]),
    )
)  # fmt: skip


class InvalidTaskTemplates(DomainError):
    rule = "invalid_task_templates"


def check_templates(templates: TaskTemplates) -> None:
    seen: set[tuple[Stage, str, str]] = set()
    for i, t in enumerate(templates.templates):
        for order_type in t.order_types or ("",):
            key = (t.stage, order_type, t.title)
            if key in seen:
                raise InvalidTaskTemplates(
                    f"templates[{i}]: {t.title!r} is given twice for {t.stage.value}",
                    field="templates",
                )
            seen.add(key)
        if len(set(t.escalation)) != len(t.escalation):
            raise InvalidTaskTemplates(f"templates[{i}]: a role appears twice in the chain",
                                       field="escalation")  # fmt: skip
    for role, chain in templates.approvals.escalation.items():
        if role in chain or len(set(chain)) != len(chain):
            raise InvalidTaskTemplates(f"approvals: {role}'s chain repeats a role",
                                       field="approvals.escalation")  # fmt: skip


def tasks_on_entering(  # noqa: PLR0913 - the order facts a template reads
    templates: TaskTemplates,
    *,
    order_id: UUID,
    order_type: str,
    stage: Stage,
    region: str,
    product_lines: Sequence[str],
    entered_at: datetime,
) -> list[AssignTask]:
    """The tasks an order entering `stage` at `entered_at` is given, one per template."""
    return [
        AssignTask(
            order_id=order_id,
            role=t.role,
            title=t.title,
            assigned_at=entered_at,
            reason=f"order entered {stage.value}",
            assignee=t.assignee_for(region, product_lines),
            due_at=entered_at + timedelta(hours=t.due_in_hours),
            escalation=t.escalation,
            escalate_every_hours=t.escalate_every_hours,
            stage=stage,
        )
        for t in templates.templates
        if t.applies_to(order_type, stage)
    ]


def approval_task(
    rules: ApprovalTasks, *, order_id: UUID, order_ref: str, role: str, waiting_since: datetime
) -> AssignTask:
    """The task of the approver an order waits for."""
    return AssignTask(
        order_id=order_id,
        role=role,
        title=f"审批订单 Approve order {order_ref}",
        assigned_at=waiting_since,
        reason=f"order {order_ref} waits for the {role}'s approval",
        due_at=waiting_since + timedelta(hours=rules.due_in_hours),
        escalation=rules.escalation.get(role, ()),
        escalate_every_hours=rules.escalate_every_hours,
    )


def rework_task(  # noqa: PLR0913 - the rejection's facts
    rules: ApprovalTasks,
    *,
    order_id: UUID,
    order_ref: str,
    salesperson: str,
    rejected_by: str,
    reason: str,
    rejected_at: datetime,
) -> AssignTask:
    """A rejected order goes back to its owner, the salesperson, with the reason."""
    return AssignTask(
        order_id=order_id,
        role="sales",
        assignee=salesperson,
        title=f"订单被驳回 Rework rejected order {order_ref}",
        assigned_at=rejected_at,
        reason=f"rejected by {rejected_by}: {reason}",
        due_at=rejected_at + timedelta(hours=rules.rework_due_in_hours),
        escalation=rules.rework_escalation,
        escalate_every_hours=rules.escalate_every_hours,
    )
