"""Work finds people: a signed order's technical task, assigned by rule, told, escalated."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.runtime import Runtime
from application.service import CommandMeta
from domain.deciders import DIRECTORY
from domain.directory import DIRECTORY_ID, Contact, SetContact
from infrastructure.daemon.runner import ProjectionRunner
from policies import notifications
from policies.every_few_minutes_escalate_overdue_tasks import EscalateOverdueTasks
from policies.when_order_enters_stage_assign_task import AssignStageTasksPolicy
from policies.when_task_assigned_notify_assignee import NotifyAssigneePolicy
from tests.policies.conftest import Client, ok, signed_order

SIGNED = datetime.fromisoformat("2025-12-21T10:00:00+08:00")
TEMPLATES = {"templates": [{
    "stage": "signed", "order_types": ["equipment"], "role": "engineer",
    "title": "技术评审 technical review", "due_in_hours": 48,
    "escalation": ["team_lead", "department_head"], "escalate_every_hours": 24,
    "assignees": [{"assignee": "eng.chen", "region": "浙江", "product_line": "输送线"}],
}]}  # fmt: skip


def run(runtime: Runtime) -> None:
    store = runtime.storage
    for policy in (AssignStageTasksPolicy(), NotifyAssigneePolicy()):
        ProjectionRunner(policy, store.log, store.mapper, store.read_store, batch_size=3).catch_up()
    runtime.dispatcher.dispatch_once()
    runtime.projections["tasks"].catch_up()


def contact(runtime: Runtime, key: str) -> None:
    runtime.service.execute(DIRECTORY, DIRECTORY_ID,
                            SetContact(key=key, contact=Contact(name=key, email=f"{key}@x.cn")),
                            CommandMeta(command_id=f"dir-{key}", actor="ops"))  # fmt: skip


def sent(runtime: Runtime) -> list[tuple[str, str]]:
    return sorted((m["kind"], m["recipient"])
                  for m in notifications.notifications(runtime.storage.read_store))  # fmt: skip


def escalate(runtime: Runtime, at: datetime) -> Any:
    job = EscalateOverdueTasks(runtime.service, runtime.storage.read_store, lambda: "tasks")
    escalated = job.run(at)
    run(runtime)
    return escalated


def test_a_signed_order_gets_its_review_task_and_the_engineer_is_told(
    client: Client, runtime: Runtime
) -> None:
    ok(client.post("/rulebook/task-templates", json=TEMPLATES))
    for key in ("eng.chen", "team_lead", "department_head"):
        contact(runtime, key)
    order_id = signed_order(client)
    run(runtime)
    run(runtime)  # redelivered: nothing new
    [task] = ok(client.get("/tasks"))
    assert (task["order_id"], task["role"], task["assignee"], task["status"]) == (
        order_id, "engineer", "eng.chen", "open")  # fmt: skip
    assert task["due_at"] == "2025-12-23T02:00:00+00:00"
    assert ok(client.get(f"/tasks/{task['task_id']}")) == task
    assert sent(runtime) == [("task_assigned", "eng.chen")]

    # Late: the team lead hears at the deadline, the department head a day later, once each.
    assert escalate(runtime, SIGNED + timedelta(hours=47)) == []
    assert len(escalate(runtime, SIGNED + timedelta(hours=49))) == 1
    assert escalate(runtime, SIGNED + timedelta(hours=50)) == []
    assert len(escalate(runtime, SIGNED + timedelta(hours=73))) == 1
    assert escalate(runtime, SIGNED + timedelta(days=30)) == []  # nobody above
    assert sent(runtime) == [("task_assigned", "eng.chen"),
                             ("task_escalated", "department_head"),
                             ("task_escalated", "team_lead")]  # fmt: skip
    [late] = ok(client.get("/tasks", params={"overdue": "true"}))
    assert (late["escalated"], late["escalated_to"]) == (2, "department_head")


def test_tasks_are_accepted_reassigned_completed_and_withdrawn_with_their_order(
    client: Client, runtime: Runtime
) -> None:
    contact(runtime, "eng.wu")
    order_id = signed_order(client)  # the default templates: a review for any engineer
    run(runtime)
    [task] = ok(client.get("/tasks", params={"role": "engineer"}))
    assert (task["assignee"], task["order_id"]) == ("", order_id)
    path, at = f"/tasks/{task['task_id']}", "2025-12-21T11:00:00+08:00"
    ok(client.post(f"{path}/accept", json={"by": "eng.chen", "at": at}))
    move = {"role": "engineer", "assignee": "eng.wu", "reason": "chen on leave", "by": "lead",
            "at": at}  # fmt: skip
    ok(client.post(f"{path}/reassign", json=move))
    run(runtime)
    assert ("task_reassigned", "eng.wu") in sent(runtime)
    assert ok(client.get(path))["status"] == "open"
    done = {"by": "eng.wu", "at": "2025-12-22T11:00:00+08:00", "note": "BOM reviewed"}
    ok(client.post(f"{path}/complete", json=done))
    run(runtime)
    assert ok(client.get("/tasks")) == []
    assert escalate(runtime, SIGNED + timedelta(days=9)) == []  # done: never escalates
    assert client.post(f"{path}/complete", json=done).status_code == 422

    other = signed_order(client, "EC-2")
    ok(client.post(f"/orders/{other}/cancel", json={
        "reason": "customer withdrew", "at": "2025-12-22T10:00:00+08:00"}))  # fmt: skip
    run(runtime)
    [withdrawn] = ok(client.get("/tasks", params={"status": "withdrawn"}))
    assert withdrawn["order_id"] == other
    assert escalate(runtime, SIGNED + timedelta(days=9)) == []


def test_working_on_a_task_that_does_not_exist_is_a_404(client: Client) -> None:
    missing = "/tasks/00000000-0000-4000-8000-000000000000"
    assert client.get(missing).status_code == 404
    answer = client.post(f"{missing}/accept", json={"by": "x", "at": "2025-12-21T11:00:00Z"})
    assert answer.status_code == 404
    assert client.get("/tasks", params={"status": "bogus"}).status_code == 400
