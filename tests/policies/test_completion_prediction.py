"""The system sees delays itself: the plan, stock and the clock move the predicted
completion, and L1-L4 follow it with nobody typing a date (issue 26, item 2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from api.settings import Settings
from domain.deciders import ORDER, ORDER_ALERT
from domain.order_alert import order_alert_id
from infrastructure.daemon.runner import ProjectionRunner
from policies.every_morning_predict_completion import DailyPredictions
from policies.when_order_captured_reserve_stock import ReserveStockPolicy
from policies.when_order_progresses_predict_completion import PredictCompletionPolicy
from policies.when_order_slips_raise_exception import RaiseExceptionPolicy
from policies.when_stock_runs_short_warn_order import WarnOrderPolicy
from tests.api.conftest import order_body, signed_in
from tests.policies.conftest import Client, ok


class Clock:
    def __init__(self, now: str) -> None:
        self.now = datetime.fromisoformat(now)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock("2025-12-21T10:00:00+08:00")


@pytest.fixture
def runtime(store_settings: tuple[str, str], tmp_path: Path, clock: Clock) -> Runtime:
    database_url, sqlite_path = store_settings
    settings = Settings(database_url=database_url, sqlite_path=sqlite_path,
                        data_dir=str(tmp_path), run_projections=False)  # fmt: skip
    return Runtime(settings, clock=clock)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[Client]:
    with signed_in(runtime) as test_client:
        yield test_client


def run(runtime: Runtime, *extra: Any) -> None:
    """Predict, then assess: each policy caught up and its commands executed, until quiet."""
    store = runtime.storage
    for _ in range(4):  # reserve, warn, predict, assess: each a step through the outbox
        for policy in (*extra, PredictCompletionPolicy(), RaiseExceptionPolicy()):
            ProjectionRunner(policy, store.log, store.mapper, store.read_store).catch_up()
        runtime.dispatcher.dispatch_once()
    runtime.projections["order_list"].catch_up()
    runtime.projections["order_alerts"].catch_up()


def signed(client: Client, promised: str, ref: str = "EC-P1") -> str:
    order_id = str(ok(client.post("/orders", json=order_body(ref, promised_delivery=promised)))[
        "aggregate_id"])  # fmt: skip
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": f"HT-{ref}", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
    return order_id


def level(runtime: Runtime, order_id: str) -> str:
    return runtime.service.load(ORDER_ALERT, order_alert_id(UUID(order_id))).level


def test_a_plan_eight_days_past_the_promise_raises_l3_with_nothing_typed(
    client: Client, runtime: Runtime
) -> None:
    """Signed 21 Dec; the seed's 45-day plan ends 4 Feb; promised 27 Jan: 8 days late."""
    order_id = signed(client, "2026-01-27")
    run(runtime)
    assert level(runtime, order_id) == "L3"
    prediction = ok(client.get(f"/orders/{order_id}"))["state"]["prediction"]
    assert (prediction["predicted"], prediction["late_days"], prediction["basis"]) == (
        "2026-02-04", 8, "plan")  # fmt: skip
    board = ok(client.get("/dashboards/production"))
    [row] = board["orders"]
    assert (row["order_id"], row["late_days"], row["level"], row["basis"]) == (
        order_id, 8, "L3", "plan")  # fmt: skip
    assert "已签约 since 2025-12-21" in row["why"]
    assert board["by_level"] == {"L3": 1}
    [listed] = ok(client.get("/orders"))["items"]
    assert listed["expected_completion"] == "2026-02-04"


def test_an_order_on_plan_raises_nothing(client: Client, runtime: Runtime) -> None:
    order_id = signed(client, "2026-02-10")
    run(runtime)
    assert level(runtime, order_id) == ""
    assert ok(client.get("/dashboards/production"))["by_level"] == {"on_time": 1}


def test_a_stuck_order_escalates_as_the_days_pass_on_a_fixed_clock(
    client: Client, runtime: Runtime, clock: Clock
) -> None:
    """Promised 10 Feb, planned for 4 Feb, and left at 已签约: each morning it is
    predicted 45 days from that day, so it turns L1, then L2, then L3."""
    order_id = signed(client, "2026-02-10")
    run(runtime)
    mornings = DailyPredictions(runtime.service, runtime.storage.read_store,
                                lambda: runtime.projections["order_list"].copy)  # fmt: skip
    seen = []
    for day in ("2025-12-27", "2025-12-28", "2025-12-31", "2026-01-04"):
        clock.now = datetime.fromisoformat(f"{day}T08:00:00+08:00")
        moved = mornings.run(clock.now)
        version = runtime.service.load(ORDER, UUID(order_id)).version
        mornings.run(clock.now)  # a second firing that morning: answered, nothing recorded
        assert runtime.service.load(ORDER, UUID(order_id)).version == version
        run(runtime)
        seen.append((day, moved == [UUID(order_id)], level(runtime, order_id)))
    assert seen == [("2025-12-27", True, ""), ("2025-12-28", True, "L1"),
                    ("2025-12-31", True, "L2"), ("2026-01-04", True, "L3")]  # fmt: skip
    state = runtime.service.load(ORDER, UUID(order_id))
    assert state.prediction is not None
    assert (str(state.prediction.predicted), state.prediction.late_days) == ("2026-02-18", 8)


def test_a_shortfall_that_pushes_the_feasible_date_past_the_promise_raises_it(
    client: Client, runtime: Runtime
) -> None:
    """Materials in on 20 Mar; production and inspection plan 30 days more: 19 Apr
    against a promise of 1 Mar is 49 days late, with nothing typed."""
    at = "2025-12-19T09:00:00+08:00"
    ok(client.put("/stock/SERVO-750W", json={"name": "伺服电机 750W", "safety_level": "1",
                                              "alternatives": [], "at": at}))  # fmt: skip
    ok(client.post("/stock/SERVO-750W/expected-receipts", json={
        "reference": "PO-7", "quantity": "10", "due_on": "2026-03-20", "at": at}))  # fmt: skip
    servo = [{"line_id": "L1", "product_code": "SV-AS2-750W", "kind": "hardware",
              "quantity": "3", "unit_price": "7800"}]  # fmt: skip
    order_id = ok(client.post("/orders", json=order_body(lines=servo)))["aggregate_id"]
    run(runtime, ReserveStockPolicy(), WarnOrderPolicy())
    prediction = runtime.service.load(ORDER, UUID(order_id)).prediction
    assert prediction is not None
    assert (str(prediction.predicted), prediction.basis.value) == ("2026-04-19", "stock")
    assert "SERVO-750W" in prediction.why
    assert level(runtime, order_id) == "L3"


def test_a_date_entered_takes_precedence_and_names_who(client: Client, runtime: Runtime) -> None:
    order_id = signed(client, "2026-01-27")
    ok(client.post(f"/orders/{order_id}/expected-completion", json={
        "expected_completion": "2026-01-26", "reason": "second shift booked"}))  # fmt: skip
    run(runtime)
    prediction = runtime.service.load(ORDER, UUID(order_id)).prediction
    assert prediction is not None
    assert (prediction.basis.value, prediction.late_days) == ("entered", -1)
    assert "second shift booked" in prediction.why
    assert "entered by admin" in prediction.why
    assert level(runtime, order_id) == ""


def test_operations_are_recorded_and_feed_the_heat_map(
    client: Client, runtime: Runtime, clock: Clock
) -> None:
    order_id = signed(client, "2026-03-01")
    for stage, at in (("designing", "2025-12-22"), ("material_prep", "2025-12-27"),
                      ("in_production", "2026-01-06")):  # fmt: skip
        ok(client.post(f"/orders/{order_id}/advance",
                       json={"to_stage": stage, "at": f"{at}T09:00:00+08:00"}))  # fmt: skip
    path = f"/orders/{order_id}/operations"
    ok(client.post(f"{path}/machining/start", json={"at": "2026-01-06T09:00:00+08:00",
                                                    "team": "机加工二组"}))  # fmt: skip
    again = client.post(f"{path}/machining/start", json={"at": "2026-01-06T10:00:00+08:00"})
    assert (again.status_code, again.json()["field"]) == (422, "operation")
    unknown = client.post(f"{path}/painting/start", json={"at": "2026-01-06T10:00:00+08:00"})
    assert unknown.status_code == 422
    assert "machining, assembly_commissioning" in unknown.json()["detail"]
    ok(client.post(f"{path}/machining/finish", json={"at": "2026-01-26T09:00:00+08:00"}))
    clock.now = datetime.fromisoformat("2026-01-26T12:00:00+08:00")
    ok(client.post(f"{path}/assembly_commissioning/start",
                   json={"at": "2026-01-26T13:00:00+08:00", "team": "装配一组"}))  # fmt: skip
    run(runtime)
    state = runtime.service.load(ORDER, UUID(order_id))
    assert state.prediction is not None
    # machining took 20 days (planned 15); assembly 10 from 26 Jan, inspection 5: 10 Feb
    assert str(state.prediction.predicted) == "2026-02-10"
    heat = ok(client.get("/dashboards/operation-bottlenecks"))
    assert heat == [{"week": "2026-W02", "operation": "machining", "runs": 1,
                     "total_days": "20.0", "average_days": "20.0"}]  # fmt: skip
    [row] = ok(client.get("/dashboards/production"))["orders"]
    assert (row["operation"], row["team"]) == ("assembly_commissioning", "装配一组")
