"""Projection status over HTTP and as Prometheus metrics."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from api.runtime import Runtime
from infrastructure.daemon.rebuild import rebuild
from tests.api.conftest import order_body


def test_projections_report_position_head_lag_and_status(client: TestClient[Any]) -> None:
    accepted = client.post("/orders", json=order_body(), headers={"Idempotency-Key": "p"}).json()
    client.get("/orders", params={"wait_for_position": accepted["position"]})
    report = {p["name"]: p for p in client.get("/projections").json()}
    order_list = report["order_list"]
    assert order_list["status"] == "running"
    assert order_list["position"] >= accepted["position"]
    assert order_list["lag"] == order_list["head"] - order_list["position"]
    assert order_list["parked"] is None


def test_metrics_are_prometheus_text(client: TestClient[Any]) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'orderhub_projection_lag{projection="order_list"}' in response.text
    assert "orderhub_log_head " in response.text


def test_retrying_an_unknown_projection_is_404(client: TestClient[Any]) -> None:
    assert client.post("/projections/nope/retry").status_code == 404
    assert client.post("/projections/order_list/retry").json()["status"] == "running"


def test_reads_follow_a_rebuild(client: TestClient[Any], runtime: Runtime) -> None:
    accepted = client.post("/orders", json=order_body(), headers={"Idempotency-Key": "r"}).json()
    client.get("/orders", params={"wait_for_position": accepted["position"]})
    rebuild(runtime.projections["order_list"])
    page = client.get("/orders").json()
    assert [item["order_id"] for item in page["items"]] == [accepted["aggregate_id"]]
