"""Task templates: each stage of a route hands out its tasks, to the person a rule picks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest
from hypothesis import given as for_all
from hypothesis import strategies as st

from domain.rulebook import PublishTaskTemplates, TaskTemplatesPublished
from domain.stages import Stage
from domain.task import INITIAL, AssignTask, EscalateTask, TaskEscalated, decide, evolve
from domain.work_templates import (
    DEFAULT_TASK_TEMPLATES,
    ApprovalTasks,
    AssigneeRule,
    InvalidTaskTemplates,
    TaskTemplate,
    TaskTemplates,
    approval_task,
    check_templates,
    rework_task,
    tasks_on_entering,
)
from tests.domain.test_rulebook import given

CST = timezone(timedelta(hours=8))
SIGNED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
REVIEW = TaskTemplate(
    stage=Stage.SIGNED, order_types=("equipment",), role="engineer", title="技术评审",
    due_in_hours=48, escalation=("team_lead", "department_head"),
    assignees=(AssigneeRule(assignee="eng.zhou", region="华南", product_line="conveyor"),
               AssigneeRule(assignee="eng.chen", region="华东"),
               AssigneeRule(assignee="eng.li")),
)  # fmt: skip


def entering(stage: Stage, *, order_type: str = "equipment", region: str = "华东",
             lines: tuple[str, ...] = ("conveyor",)) -> list[AssignTask]:  # fmt: skip
    return tasks_on_entering(
        TaskTemplates(templates=(REVIEW,)), order_id=UUID(int=1), order_type=order_type,
        stage=stage, region=region, product_lines=lines, entered_at=SIGNED_AT,
    )  # fmt: skip


def test_a_signed_order_gets_its_technical_review_due_in_two_days() -> None:
    [task] = entering(Stage.SIGNED)
    assert (task.role, task.assignee, task.title) == ("engineer", "eng.chen", "技术评审")
    assert task.due_at == SIGNED_AT + timedelta(hours=48)
    assert task.escalation == ("team_lead", "department_head")
    assert task.reason == "order entered signed"


def test_the_first_matching_rule_picks_the_engineer() -> None:
    assert entering(Stage.SIGNED, region="华南")[0].assignee == "eng.zhou"
    assert entering(Stage.SIGNED, region="华南", lines=("lifter",))[0].assignee == "eng.li"
    unruled = TaskTemplates(templates=(TaskTemplate(
        stage=Stage.SIGNED, role="engineer", title="t", due_in_hours=1),))  # fmt: skip
    [task] = tasks_on_entering(unruled, order_id=UUID(int=1), order_type="software",
                               stage=Stage.SIGNED, region="x", product_lines=(),
                               entered_at=SIGNED_AT)  # fmt: skip
    assert task.assignee == ""  # anyone in the role


def test_templates_apply_to_their_stage_and_routes_only() -> None:
    assert entering(Stage.DESIGNING) == []
    assert entering(Stage.SIGNED, order_type="software") == []


def test_the_defaults_give_every_signed_order_a_technical_task() -> None:
    for order_type in ("equipment", "standard_parts", "software"):
        tasks = tasks_on_entering(DEFAULT_TASK_TEMPLATES, order_id=UUID(int=1),
                                  order_type=order_type, stage=Stage.SIGNED, region="华东",
                                  product_lines=(), entered_at=SIGNED_AT)  # fmt: skip
        assert [t.role for t in tasks] == ["engineer"]
        assert tasks[0].escalation[:2] == ("team_lead", "department_head")


def test_templates_are_published_as_versioned_rulebook_data() -> None:
    templates = TaskTemplates(templates=(REVIEW,))
    given().when(PublishTaskTemplates(templates=templates)).then(
        TaskTemplatesPublished(version=1, templates=templates)
    )
    twice = TaskTemplates(templates=(REVIEW, REVIEW))
    given().when(PublishTaskTemplates(templates=twice)).raises(
        InvalidTaskTemplates, field="templates"
    )
    loop = TaskTemplate(stage=Stage.SIGNED, role="engineer", title="t", due_in_hours=1,
                        escalation=("team_lead", "team_lead"))  # fmt: skip
    with pytest.raises(InvalidTaskTemplates):
        check_templates(TaskTemplates(templates=(loop,)))


@for_all(
    hours=st.lists(st.integers(min_value=0, max_value=24 * 10), max_size=12),
    every=st.integers(min_value=1, max_value=72),
    chain=st.integers(min_value=0, max_value=4),
)
def test_a_late_task_climbs_each_level_once_in_order_however_the_clock_fires(
    hours: list[int], every: int, chain: int
) -> None:
    roles = tuple(f"level{i}" for i in range(1, chain + 1))
    assign = AssignTask(order_id=UUID(int=1), role="engineer", title="t", assigned_at=SIGNED_AT,
                        due_at=SIGNED_AT, escalation=roles, escalate_every_hours=every)  # fmt: skip
    state = evolve(INITIAL, *decide(assign, INITIAL))
    levels = []
    for h in hours:  # the clock may fire late, twice, or out of order (two instances)
        for event in decide(EscalateTask(as_of=SIGNED_AT + timedelta(hours=h)), state):
            assert isinstance(event, TaskEscalated)
            levels.append((event.level, event.to_role))
            state = evolve(state, event)
    latest = max(hours, default=0)
    reached = 0 if latest == 0 else min(chain, 1 + latest // every)
    assert levels == [(i, roles[i - 1]) for i in range(1, reached + 1)]


def test_approvers_and_rework_have_deadlines_and_chains() -> None:
    rules = ApprovalTasks()
    wait = approval_task(rules, order_id=UUID(int=1), order_ref="EC-1", role="sales_director",
                         waiting_since=SIGNED_AT)  # fmt: skip
    assert (wait.due_at, wait.escalation) == (SIGNED_AT + timedelta(hours=24),
                                              ("vp", "general_manager"))  # fmt: skip
    assert approval_task(rules, order_id=UUID(int=1), order_ref="EC-1", role="credit_control",
                         waiting_since=SIGNED_AT).escalation == ()  # fmt: skip
    back = rework_task(rules, order_id=UUID(int=1), order_ref="EC-1", salesperson="wang.fang",
                       rejected_by="vp zhao", reason="margin", rejected_at=SIGNED_AT)  # fmt: skip
    assert (back.role, back.assignee, back.reason) == ("sales", "wang.fang",
                                                       "rejected by vp zhao: margin")  # fmt: skip
    looping = ApprovalTasks(escalation={"vp": ("vp",)})
    with pytest.raises(InvalidTaskTemplates):
        check_templates(TaskTemplates(templates=(), approvals=looping))
