"""The rulebook over HTTP: versions, validation, and orders pinning what was in force."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from api.runtime import Runtime
from api.settings import Settings
from domain.deciders import RULEBOOK
from domain.rulebook import RULEBOOK_ID
from tests.api.conftest import order_body

NEW_RULES = {
    "steps_by_currency": {
        "CNY": [{"above": "50000", "role": "sales_director"}, {"above": "500000", "role": "vp"}]
    }
}


def test_publishing_rules_makes_a_new_version_and_old_orders_keep_theirs(
    client: TestClient[Any],
) -> None:
    first = client.post("/orders", json=order_body("A"), headers={"Idempotency-Key": "a"}).json()
    before = client.get("/rulebook").json()
    published = client.post(
        "/rulebook/approval-rules", json=NEW_RULES, headers={"Idempotency-Key": "r"}
    )
    assert published.status_code == 200
    after = client.get("/rulebook").json()
    assert after["rules"]["approval"]["version"] == before["rules"]["approval"]["version"] + 1
    second = client.post("/orders", json=order_body("B"), headers={"Idempotency-Key": "b"}).json()
    old = client.get(f"/orders/{first['aggregate_id']}").json()
    new = client.get(f"/orders/{second['aggregate_id']}").json()
    assert old["pending_approvals"] == []  # 64,000 CNY: no approval under the old rules
    assert new["pending_approvals"] == ["sales_director"]  # above 50,000 under the new ones
    assert new["state"]["approval_rules_version"] == old["state"]["approval_rules_version"] + 1


def test_a_route_must_start_pending_then_signed(client: TestClient[Any]) -> None:
    bad = client.post(
        "/rulebook/routes/equipment", json={"stages": ["signed", "designing", "completed"]}
    )
    assert bad.status_code == 422
    assert bad.json()["rule"] == "invalid_rule"
    good = client.post(
        "/rulebook/routes/quick",
        json={"stages": ["pending_confirmation", "signed", "awaiting_shipment", "completed"]},
    )
    assert good.status_code == 200
    quick = client.post(
        "/orders", json=order_body("Q", order_type="quick"), headers={"Idempotency-Key": "q"}
    )
    assert quick.status_code == 201


def test_an_unknown_order_type_is_refused_naming_the_known_ones(client: TestClient[Any]) -> None:
    response = client.post("/orders", json=order_body(order_type="spaceship"))
    assert response.status_code == 422
    assert response.json()["field"] == "order_type"
    assert "equipment" in response.json()["detail"]


def test_a_restart_leaves_a_published_rulebook_alone(
    client: TestClient[Any], runtime: Runtime
) -> None:
    client.post("/rulebook/approval-rules", json=NEW_RULES, headers={"Idempotency-Key": "r"})
    version = runtime.service.load(RULEBOOK, RULEBOOK_ID).version
    settings: Settings = runtime.settings
    again = Runtime(settings)
    again.bootstrap()
    assert again.service.load(RULEBOOK, RULEBOOK_ID).version == version
    again.stop()


def test_health_weights_and_stage_deadlines_are_published_over_http(
    client: TestClient[Any],
) -> None:
    weights = {"weights": {"delivery_weight": "1", "yellow_from": "0.01", "red_from": "0.02"}}
    assert client.post("/rulebook/health-weights", json=weights).status_code == 200
    days = {"days": {"pending_confirmation": 1}}
    assert client.post("/rulebook/stage-deadlines", json=days).status_code == 200
    rules = client.get("/rulebook").json()["rules"]
    assert rules["health"]["version"] == 2
    assert rules["deadlines"]["days"] == {"pending_confirmation": 1}
    bad = client.post("/rulebook/stage-deadlines", json={"days": {"pending_confirmation": 0}})
    assert bad.status_code == 400
    late = client.post("/orders", json=order_body(), headers={"Idempotency-Key": "o"}).json()
    client.get("/orders", params={"wait_for_position": late["position"]})
    ops = client.get("/dashboards/operations", params={"as_of": "2025-12-25T00:00:00Z"}).json()
    assert [o["stage"] for o in ops["past_stage_deadline"]] == ["pending_confirmation"]


def test_payment_terms_are_published_and_checked(client: TestClient[Any]) -> None:
    terms = client.get("/rulebook").json()["rules"]["payment_terms"]["terms"]
    assert [m["percent"] for m in terms["templates"][0]["milestones"]] == ["30", "60", "10"]
    terms["dunning"]["annual_interest_rate"] = "0.06"
    terms["credit"]["on_time_streak_for_priority"] = 5
    assert client.post("/rulebook/payment-terms", json={"terms": terms}).status_code == 200
    published = client.get("/rulebook").json()["rules"]["payment_terms"]
    assert (published["version"], published["terms"]["credit"]["on_time_streak_for_priority"]) == (
        2, 5)  # fmt: skip
    terms["templates"][0]["milestones"][0]["percent"] = "31"
    refused = client.post("/rulebook/payment-terms", json={"terms": terms})
    assert refused.status_code == 422
    assert refused.json()["field"] == "percent"


def test_exception_rules_are_published_and_checked(client: TestClient[Any]) -> None:
    rules = client.get("/rulebook").json()["rules"]["exception_rules"]["rules"]
    assert [lv["min_delay_days"] for lv in rules["levels"]] == [1, 4, 8, None]
    rules["levels"][2]["owners"] = ["vp", "coo"]
    assert client.post("/rulebook/exception-rules", json={"rules": rules}).status_code == 200
    published = client.get("/rulebook").json()["rules"]["exception_rules"]
    assert published["version"] == 2
    rules["levels"][1]["min_delay_days"] = 9  # L2 would start after L3
    refused = client.post("/rulebook/exception-rules", json={"rules": rules})
    assert refused.status_code == 422
    assert refused.json()["rule"] == "invalid_exception_rules"


def test_the_approval_waits_documented_for_task_templates_are_accepted(
    client: TestClient[Any],
) -> None:
    """Reported: docs/operators.md documents an `approvals` part of the task templates
    that the endpoint refused."""
    approvals = {"due_in_hours": 12, "escalate_every_hours": 6,
                 "escalation": {"sales_director": ["vp"]}, "rework_due_in_hours": 24,
                 "rework_escalation": ["sales_director"]}  # fmt: skip
    answer = client.post("/rulebook/task-templates", json={"templates": [], "approvals": approvals})
    assert answer.status_code == 200, answer.text
    book = client.get("/rulebook").json()["rules"]
    assert book["task_templates"]["templates"]["approvals"] == approvals
    bad = client.post("/rulebook/task-templates",
                      json={"templates": [], "approvals": {"due_in_hours": -1}})  # fmt: skip
    assert bad.status_code == 400
