"""The dashboard routes answer, filter and validate over HTTP."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.api.conftest import order_body

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
        ("margins", {"by": "colour"}),
        ("in-progress", {"placed_from": "yesterday"}),
    ):
        response = client.get(f"/dashboards/{route}", params=params)
        assert response.status_code == 400, route
        assert response.json()["field"] in params


def test_waiting_for_a_position_that_never_comes_is_503(client: TestClient[Any]) -> None:
    response = client.get(
        "/dashboards/in-progress", params={"wait_for_position": 10**9, "wait_timeout": 0.2}
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["rule"] == "projection_behind"
