"""A task whose stage is left is closed as obsolete, with the cause, and escalates no
further; the stage gate's task has a deadline and an escalation chain like any other.

Reported: a design task stayed open after the gate moved the order on, and
escalated to the VP."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from api.runtime import Runtime
from domain.deciders import TASK
from domain.task import TaskObsolete
from infrastructure.daemon.runner import ProjectionRunner
from policies.when_documents_confirmed_pass_stage_gate import StageGatePolicy
from policies.when_order_enters_stage_assign_task import AssignStageTasksPolicy
from policies.when_order_leaves_stage_close_its_tasks import CloseStageTasksPolicy
from tests.policies.conftest import Client, ok, signed_order
from tests.policies.test_stage_gate_policy import sign_drawings
from tests.policies.test_stage_tasks import SIGNED, TEMPLATES, escalate


def run(runtime: Runtime) -> None:
    store = runtime.storage
    for _ in range(2):  # a task assigned in the first round is seen closed in the second
        for policy in (AssignStageTasksPolicy(), StageGatePolicy(), CloseStageTasksPolicy()):
            ProjectionRunner(policy, store.log, store.mapper, store.read_store,
                             batch_size=3).catch_up()  # fmt: skip
        runtime.dispatcher.dispatch_once()
    runtime.projections["tasks"].catch_up()


def tasks(client: Client) -> dict[str, dict[str, object]]:
    return {t["title"]: t for t in ok(client.get("/tasks", params={"status": None}))}


def test_a_stage_task_is_closed_when_the_order_moves_on_and_escalates_no_further(
    client: Client, runtime: Runtime
) -> None:
    ok(client.post("/rulebook/task-templates", json=TEMPLATES))
    order_id = signed_order(client)
    run(runtime)
    [review] = ok(client.get("/tasks"))
    assert review["status"] == "open"
    ok(client.post(f"/orders/{order_id}/advance",
                   json={"to_stage": "designing", "at": "2025-12-22T09:00:00+08:00"}))  # fmt: skip
    run(runtime)
    closed = ok(client.get(f"/tasks/{review['task_id']}"))
    assert closed["status"] == "obsolete"
    assert closed["note"] == "obsolete: its stage signed is over (order moved to designing)"
    assert escalate(runtime, SIGNED + timedelta(days=10)) == []  # nobody hears of it
    [event] = [r.event for r in runtime.service.history(UUID(review["task_id"]))
               if isinstance(r.event, TaskObsolete)]  # fmt: skip
    assert event.at.isoformat() == "2025-12-22T09:00:00+08:00"  # when the order moved on
    run(runtime)  # redelivered: closed once
    assert runtime.service.load(TASK, UUID(review["task_id"])).version == 2


def test_the_gate_task_has_a_deadline_and_a_chain_and_a_done_task_stays_done(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_order(client)
    ok(client.post(f"/orders/{order_id}/advance",
                   json={"to_stage": "designing", "at": "2025-12-22T09:00:00+08:00"}))  # fmt: skip
    sign_drawings(client, order_id)
    run(runtime)
    [bom] = [t for t in ok(client.get("/tasks")) if t["role"] == "purchasing_manager"]
    assert bom["due_at"] == "2025-12-25T08:00:00+00:00"  # a day after the gate opened
    assert bom["escalation"] == "department_head,vp"
    ok(client.post(f"/tasks/{bom['task_id']}/complete",
                   json={"by": "cai.gou", "at": "2025-12-25T10:00:00+08:00"}))
    ok(client.post(f"/orders/{order_id}/advance",
                   json={"to_stage": "in_production", "at": "2025-12-26T09:00:00+08:00"}))
    run(runtime)
    assert ok(client.get(f"/tasks/{bom['task_id']}"))["status"] == "completed"
