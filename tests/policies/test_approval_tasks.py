"""Approvals that wait too long escalate; a rejection goes back to the salesperson."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.runtime import Runtime
from infrastructure.daemon.runner import ProjectionRunner
from policies import notifications
from policies.every_few_minutes_escalate_overdue_tasks import EscalateOverdueTasks
from policies.when_order_awaits_approval_assign_approver import AssignApproverPolicy
from policies.when_task_assigned_notify_assignee import NotifyAssigneePolicy
from tests.api.conftest import as_approver, order_body, publish_positions
from tests.policies.conftest import Client, ok
from tests.policies.test_stage_tasks import contact

PLACED = datetime.fromisoformat("2025-12-20T09:30:00+08:00")
BIG = [{"line_id": "L1", "product_code": "LINE-XL", "kind": "hardware", "quantity": "1",
        "unit_price": "600000"}]  # fmt: skip


def run(runtime: Runtime) -> None:
    store = runtime.storage
    ProjectionRunner(AssignApproverPolicy(), store.log, store.mapper, store.read_store,
                     batch_size=2).catch_up()  # fmt: skip
    runtime.dispatcher.dispatch_once()
    ProjectionRunner(NotifyAssigneePolicy(), store.log, store.mapper, store.read_store).catch_up()
    runtime.projections["tasks"].catch_up()


def todo(client: Client) -> list[tuple[str, str, str]]:
    return [(t["role"], t["assignee"], t["title"]) for t in ok(client.get("/tasks"))]


def at(hours: int) -> str:
    return (PLACED + timedelta(hours=hours)).isoformat()


def act(client: Client, order_id: str, verb: str, body: dict[str, Any]) -> None:
    headers = as_approver(client.app.state.runtime, body) if "approver" in body else {}
    ok(client.post(f"/orders/{order_id}/{verb}", json=body, headers=headers))


def test_each_approver_in_turn_has_a_task_and_a_rejection_returns_to_sales(
    client: Client, runtime: Runtime
) -> None:
    contact(runtime, "wang.fang")
    publish_positions(runtime)
    order_id = ok(client.post("/orders", json=order_body(lines=BIG)))["aggregate_id"]
    run(runtime)
    run(runtime)  # redelivered: nothing new
    [(role, _, title)] = todo(client)
    assert (role, title) == ("sales_director", "审批订单 Approve order EC-2025-0001")
    [task] = ok(client.get("/tasks"))
    assert task["due_at"] == "2025-12-21T01:30:00+00:00"  # a day to approve
    assert task["escalation"] == "vp,general_manager"

    act(client, order_id, "approve", {"role": "sales_director", "approver": "li", "at": at(2)})
    run(runtime)
    assert [r for r, _, _ in todo(client)] == ["vp"]
    assert ok(client.get(f"/tasks/{task['task_id']}"))["completed_by"] == "li"

    act(client, order_id, "reject", {"role": "vp", "approver": "zhao", "at": at(3),
                                     "reason": "margin too thin"})  # fmt: skip
    run(runtime)
    [(role, assignee, title)] = todo(client)
    assert (role, assignee) == ("sales", "wang.fang")
    [rework] = ok(client.get("/tasks"))
    assert rework["reason"] == "rejected by vp zhao: margin too thin"
    kinds = [(m["kind"], m["recipient"])
             for m in notifications.notifications(runtime.storage.read_store)]  # fmt: skip
    assert ("task_assigned", "wang.fang") in kinds

    reprice = [{"line_id": "L1", "unit_price": "620000"}]
    act(client, order_id, "changes",
        {"reason": "price raised", "changed_at": at(5), "reprice": reprice})  # fmt: skip
    run(runtime)
    assert [r for r, _, _ in todo(client)] == ["sales_director"]  # approvals start again
    assert ok(client.get(f"/tasks/{rework['task_id']}"))["note"] == "order changed (revision 1)"


def test_an_approval_nobody_gives_escalates_and_signing_ends_the_waiting(
    client: Client, runtime: Runtime
) -> None:
    publish_positions(runtime)
    order_id = ok(client.post("/orders", json=order_body(lines=BIG)))["aggregate_id"]
    run(runtime)
    job = EscalateOverdueTasks(runtime.service, runtime.storage.read_store, lambda: "tasks")
    assert job.run(PLACED + timedelta(hours=23)) == []
    assert len(job.run(PLACED + timedelta(hours=25))) == 1
    runtime.projections["tasks"].catch_up()
    [task] = ok(client.get("/tasks"))
    assert (task["escalated"], task["escalated_to"]) == (1, "vp")
    for role, who in (("sales_director", "li"), ("vp", "zhao")):
        act(client, order_id, "approve", {"role": role, "approver": who, "at": at(30)})
    act(client, order_id, "sign", {"contract_number": "HT-9", "signed_at": at(31)})
    run(runtime)
    assert todo(client) == []
