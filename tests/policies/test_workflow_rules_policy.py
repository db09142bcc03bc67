"""Workflow rules over the API: published by admin, tried in a dry run, acted on once.

Seed 004: "包含定制化硬件的订单自动通知生产部门" - an order with custom hardware
tells production by itself; rules are data, versioned, and a dry run shows what
an order would trigger before anyone captures it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.auth import Role
from api.runtime import Runtime
from domain.deciders import ORDER
from policies import outbox
from policies.when_order_triggers_workflow_rules_act import NAME, WorkflowActionsPolicy
from tests.api.conftest import order_body, signed_in
from tests.policies.conftest import Client, ok, settle
from tests.policies.test_notifications import contact, decide, rows

BIG = {
    "code": "big-zhejiang", "name": "浙江大单 Big order in Zhejiang",
    "when": {"amount_above": {"CNY": "300000"}, "regions": ["浙江"]},
    "then": {"approvals": ["general_manager"], "notify": ["finance"],
             "tasks": [{"role": "finance", "title": "信用复核 Credit review",
                        "due_in_hours": 24, "escalation": ["cfo"]}]},
}  # fmt: skip
CUSTOM = {**order_body("EC-77"), "lines": [
    {"line_id": "L1", "product_code": "CONV-X", "kind": "hardware", "quantity": "1",
     "unit_price": "420000", "product_line": "输送线", "custom": True}]}  # fmt: skip


def tasks(runtime: Runtime) -> list[dict[str, Any]]:
    return [c for c in outbox.commands(runtime.storage.read_store) if c["policy"] == NAME]


def test_a_dry_run_shows_what_an_order_would_trigger_and_writes_nothing(
    runtime: Runtime,
) -> None:
    with signed_in(runtime, Role.SALES) as sales:
        head = runtime.storage.log.max_notification_id()
        answer = ok(sales.post("/rulebook/workflow-rules/dry-run",
                               json={"order": CUSTOM, "rules": [BIG]}))  # fmt: skip
        assert answer["draft"] is True and answer["workflow_version"] == 0
        [big] = answer["triggered"]
        assert big["why"] == ["amount 420,000.00 CNY above 300,000.00", "region 浙江"]
        assert answer["required_approvals"] == ["sales_director", "general_manager"]
        # The rules in force: the default one, custom hardware to production.
        in_force = ok(sales.post("/rulebook/workflow-rules/dry-run", json={"order": CUSTOM}))
        assert [t["code"] for t in in_force["triggered"]] == ["custom-hardware-to-production"]
        assert in_force["notify"] == ["production"] and in_force["workflow_version"] == 1
        # Sales tries rules; only admin publishes them.
        refused = sales.post("/rulebook/workflow-rules", json={"rules": [BIG]})
        assert refused.status_code == 403
        assert runtime.storage.log.max_notification_id() == head


def test_a_bad_rule_is_refused_naming_the_field(client: Client) -> None:
    bad = {**BIG, "then": {}}
    answer = client.post("/rulebook/workflow-rules", json={"rules": [BIG, bad]})
    assert answer.status_code == 422
    assert answer.json()["field"] == "rules[1].code"  # the same code twice, first
    answer = client.post("/rulebook/workflow-rules",
                         json={"rules": [{**bad, "code": "other"}]})  # fmt: skip
    assert (answer.status_code, answer.json()["field"]) == (422, "rules[0].then")
    dry = client.post("/rulebook/workflow-rules/dry-run",
                      json={"order": CUSTOM, "rules": [{**bad, "code": "other"}]})  # fmt: skip
    assert (dry.status_code, dry.json()["field"]) == (422, "rules[0].then")


def test_a_captured_order_waits_for_the_added_approval_and_departments_hear_once(
    runtime: Runtime, client: Client
) -> None:
    ok(client.post("/rulebook/workflow-rules", json={"rules": [
        BIG, {"code": "custom-hw", "name": "定制硬件 Custom hardware",
              "when": {"custom_hardware": True}, "then": {"notify": ["production"]}}]}))
    contact(runtime, "production", email="shengchan@example.com")
    order_id = ok(client.post("/orders", json=CUSTOM))["aggregate_id"]
    settle(runtime)
    detail = ok(client.get(f"/orders/{order_id}"))
    assert detail["pending_approvals"] == ["sales_director", "general_manager"]
    assert [t["code"] for t in detail["state"]["triggered"]] == ["big-zhejiang", "custom-hw"]
    told = sorted((r["recipient"], r["channel"], r["status"]) for r in rows(runtime)
                  if r["policy"] == NAME)  # fmt: skip
    assert told == [("finance", "none", "failed"), ("production", "email", "pending")]
    [assign] = tasks(runtime)
    command = assign["command"]
    assert '"role":"finance"' in command and '"escalation":["cfo"]' in command
    assert '"due_at":"2025-12-21T' in command  # 24 h after it was placed
    # A change that keeps the rules triggered adds nothing; a rebuild decides nothing new.
    ok(client.post(f"/orders/{order_id}/changes", json={
        "reason": "加一台", "changed_at": "2025-12-20T12:00:00+08:00",
        "add": [{"line_id": "L2", "product_code": "CONV-X", "kind": "hardware",
                 "quantity": "1", "unit_price": "1000", "custom": True}]}))  # fmt: skip
    settle(runtime)
    decide(runtime, WorkflowActionsPolicy("a_rebuilt_copy"))
    assert len([r for r in rows(runtime) if r["policy"] == NAME]) == 2
    assert len(tasks(runtime)) == 1
    state = runtime.service.load(ORDER, UUID(order_id))
    assert [t.code for t in state.triggered] == ["big-zhejiang", "custom-hw"]
