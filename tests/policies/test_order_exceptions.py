"""L1-L4 exceptions from the order's facts: raised, reported, escalated, closed — each once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from api.settings import Settings
from application.service import CommandMeta
from domain.deciders import DIRECTORY, ORDER_ALERT
from domain.directory import DIRECTORY_ID, Contact, SetContact
from domain.order_alert import order_alert_id
from infrastructure.daemon.runner import ProjectionRunner
from policies import notifications
from policies.every_few_minutes_escalate_unanswered_alerts import EscalateUnanswered
from policies.when_alert_raised_notify_owners import NotifyAlertOwnersPolicy
from policies.when_order_progresses_predict_completion import PredictCompletionPolicy
from policies.when_order_slips_raise_exception import RaiseExceptionPolicy
from tests.api.conftest import order_body
from tests.policies.conftest import Client, ok


@pytest.fixture
def runtime(store_settings: tuple[str, str], tmp_path: Path) -> Runtime:
    """Facts recorded on 22 Dec 2025, before the orders' promise of 1 Mar 2026 (each
    prediction counts from the day its fact was recorded)."""
    database_url, sqlite_path = store_settings
    settings = Settings(database_url=database_url, sqlite_path=sqlite_path,
                        data_dir=str(tmp_path), run_projections=False)  # fmt: skip
    return Runtime(settings, clock=lambda: RECORDED_AT)


def run(runtime: Runtime, *policies: Any) -> None:
    """Predict completions, then the policies given; each caught up, commands executed."""
    store = runtime.storage
    for _ in range(2):
        for policy in (PredictCompletionPolicy(), *policies):
            ProjectionRunner(policy, store.log, store.mapper, store.read_store).catch_up()
        runtime.dispatcher.dispatch_once()
    runtime.projections["order_alerts"].catch_up()


RECORDED_AT = datetime.fromisoformat("2025-12-22T10:00:00+08:00")


def placed(client: Client) -> str:
    return str(ok(client.post("/orders", json=order_body()))["aggregate_id"])  # due 2026-03-01


def expect(client: Client, order_id: str, day: str) -> None:
    ok(client.post(f"/orders/{order_id}/expected-completion",
                   json={"expected_completion": day, "reason": "welding line down"}))  # fmt: skip


def level(runtime: Runtime, order_id: str) -> str:
    return runtime.service.load(ORDER_ALERT, order_alert_id(UUID(order_id))).level


def test_a_slipping_order_raises_l1_then_l3_with_a_report_to_the_executives(
    client: Client, runtime: Runtime
) -> None:
    for key in ("team_lead", "vp", "executives"):
        runtime.service.execute(
            DIRECTORY, DIRECTORY_ID,
            SetContact(key=key, contact=Contact(name=key, email=f"{key}@example.com")),
            CommandMeta(command_id=f"dir-{key}", actor="ops"),
        )  # fmt: skip
    order_id = placed(client)
    expect(client, order_id, "2026-03-03")
    run(runtime, RaiseExceptionPolicy())
    [alert] = ok(client.get("/exceptions"))
    assert (alert["level"], alert["owners"], alert["order_id"]) == ("L1", "team_lead", order_id)
    expect(client, order_id, "2026-03-11")
    run(runtime, RaiseExceptionPolicy(), NotifyAlertOwnersPolicy())
    run(runtime, RaiseExceptionPolicy(), NotifyAlertOwnersPolicy())  # redelivery: nothing new
    assert level(runtime, order_id) == "L3"
    messages = notifications.notifications(runtime.storage.read_store)
    assert sorted((m["recipient"], m["kind"]) for m in messages) == [
        ("executives", "exception_report"), ("team_lead", "exception_raised"),
        ("vp", "exception_raised")]  # fmt: skip
    report = next(m for m in messages if m["kind"] == "exception_report")
    assert "L3" in report["subject"]
    assert "嘉兴恒力输送设备有限公司" in report["body"]


def test_no_response_escalates_once_and_a_response_stops_it(
    client: Client, runtime: Runtime
) -> None:
    order_id = placed(client)
    expect(client, order_id, "2026-03-02")
    run(runtime, RaiseExceptionPolicy())
    escalate = EscalateUnanswered(runtime.service, runtime.storage.read_store,
                                  lambda: "order_alerts")  # fmt: skip
    later = datetime.now(UTC) + timedelta(hours=3)
    assert escalate.run(later)
    escalate.run(later + timedelta(minutes=5))  # the same overdue L1 again: already escalated
    assert level(runtime, order_id) == "L2"
    runtime.projections["order_alerts"].catch_up()
    ok(client.post(f"/exceptions/{order_id}/respond", json={
        "by": "supervisor.liu", "note": "overtime approved", "at": later.isoformat()}))  # fmt: skip
    runtime.projections["order_alerts"].catch_up()
    assert escalate.run(later + timedelta(days=2)) == []
    [alert] = ok(client.get("/exceptions"))
    assert (alert["status"], alert["responded_by"]) == ("responded", "supervisor.liu")


def test_a_complaint_is_l4_until_closed_and_cancelling_closes_it(
    client: Client, runtime: Runtime
) -> None:
    order_id = placed(client)
    ok(client.post(f"/orders/{order_id}/complaints", json={
        "description": "conveyor belt noise", "at": "2025-12-22T10:00:00+08:00"}))  # fmt: skip
    expect(client, order_id, "2026-03-01")  # on schedule: an L4 stays
    run(runtime, RaiseExceptionPolicy())
    assert level(runtime, order_id) == "L4"
    ok(client.post(f"/orders/{order_id}/cancel", json={
        "reason": "customer withdrew", "at": "2025-12-23T10:00:00+08:00"}))  # fmt: skip
    run(runtime, RaiseExceptionPolicy())
    assert level(runtime, order_id) == ""
    assert ok(client.get("/exceptions")) == []
    [closed] = ok(client.get("/exceptions", params={"open_only": "false"}))
    assert closed["resolution"] == "order cancelled"
    refused = client.post(f"/exceptions/{order_id}/close", json={
        "by": "gm", "resolution": "x", "at": "2025-12-24T10:00:00+08:00"})  # fmt: skip
    assert refused.status_code == 422


def test_the_exception_list_filters_by_order(client: Client, runtime: Runtime) -> None:
    """Reported: GET /exceptions ignored `order_id`."""
    late = placed(client)
    other = str(ok(client.post("/orders", json=order_body("EC-OTHER"),
                               headers={"Idempotency-Key": "other"}))["aggregate_id"])  # fmt: skip
    for order_id in (late, other):
        expect(client, order_id, "2026-03-11")
    run(runtime, RaiseExceptionPolicy())
    assert len(ok(client.get("/exceptions"))) == 2
    [alert] = ok(client.get("/exceptions", params={"order_id": late}))
    assert alert["order_id"] == late
    assert ok(client.get("/exceptions", params={"order_id": str(UUID(int=1))})) == []
    assert client.get("/exceptions", params={"order_id": "EC-1"}).status_code == 400


def test_an_order_with_an_open_l3_is_red_on_the_health_board(
    client: Client, runtime: Runtime
) -> None:
    order_id = placed(client)
    expect(client, order_id, "2026-03-11")  # 10 days past its promise: L3
    run(runtime, RaiseExceptionPolicy())
    runtime.projections["order_list"].catch_up()
    assert level(runtime, order_id) == "L3"
    [health] = ok(client.get("/dashboards/health"))
    assert (health["order_id"], health["light"], health["exception_level"]) == (
        order_id, "red", "L3")  # fmt: skip
    assert "open L3 exception: at least red" in health["why"]
