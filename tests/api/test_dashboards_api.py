"""The dashboard routes answer, filter and validate over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from api.runtime import Runtime
from api.settings import Settings
from tests.api.conftest import order_body, signed_in

ROUTES = (
    "in-progress",
    "delivery-cycle",
    "margins",
    "bottlenecks",
    "operations",
    "kpis",
    "health",
    "subscriptions",
    "sales",
)


def test_every_dashboard_answers_with_filters(client: TestClient[Any]) -> None:
    accepted = client.post("/orders", json=order_body(), headers={"Idempotency-Key": "o"}).json()
    for route in ROUTES:
        params = {
            "region": "浙江",
            "placed_from": "2025-12-01",
            "wait_for_position": accepted["position"],
        }
        if route == "kpis":
            params["month"] = "2025-12"
        response = client.get(f"/dashboards/{route}", params=params)
        assert response.status_code == 200, (route, response.text)
    progress = client.get("/dashboards/in-progress", params={"product_line": "输送线"}).json()
    assert progress == {"by_region": {"浙江": 1}, "by_stage": {"pending_confirmation": 1}}
    sales = client.get("/dashboards/sales", params={"by": "region"}).json()
    assert sales == [{"region": "浙江", "currency": "CNY", "revenue": "64000.00", "orders": 1}]


def test_bad_dashboard_parameters_are_400_naming_them(client: TestClient[Any]) -> None:
    for route, params in (
        ("kpis", {"month": "12"}),
        ("kpis", {"month": "2025-13"}),
        ("margins", {"by": "colour"}),
        ("in-progress", {"placed_from": "yesterday"}),
    ):
        response = client.get(f"/dashboards/{route}", params=params)
        assert response.status_code == 400, route
        assert response.json()["field"] in params


def test_a_position_past_the_end_of_the_log_is_refused_at_once(client: TestClient[Any]) -> None:
    response = client.get("/dashboards/in-progress", params={"wait_for_position": 10**9})
    assert response.status_code == 400
    assert response.json()["field"] == "wait_for_position"
    assert "past the end of the log" in response.json()["detail"]


def test_waiting_for_a_position_not_yet_projected_is_503(tmp_path: Path) -> None:
    idle = Runtime(Settings(sqlite_path=str(tmp_path / "log.db"), data_dir=str(tmp_path),
                            run_projections=False, run_clock=False))  # fmt: skip
    with signed_in(idle) as client:
        accepted = client.post("/orders", json=order_body(), headers={"Idempotency-Key": "o"})
        response = client.get(
            "/dashboards/in-progress",
            params={"wait_for_position": accepted.json()["position"], "wait_timeout": 0.2},
        )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["rule"] == "projection_behind"
