"""Projection status over HTTP and as Prometheus metrics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from litestar.testing import TestClient

from api.runtime import Runtime
from domain.document_version.events import DocumentKind, FileFacts, VersionUploaded
from domain.envelope import Recorded
from infrastructure.daemon.rebuild import rebuild
from tests.api.conftest import order_body
from tests.api.test_receivables_api import settled


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


def poison(runtime: Runtime, order_id: str) -> str:
    """An event written before its values were checked at the door (as an older release
    could): a document version whose file name is longer than the type allows."""
    document_id = uuid4()
    event = VersionUploaded(
        order_id=UUID(order_id), kind=DocumentKind.DESIGN_DRAWING, title="frame", label="A",
        major=1, minor=0, file=FileFacts(sha256="0" * 64, size=1, media_type="application/pdf",
                                         filename="x" * 300),
        uploaded_by="old release", uploaded_at=datetime(2025, 12, 20, tzinfo=UTC),
        change_note="", customer_must_confirm=False,
    )  # fmt: skip
    runtime.service.events.put([Recorded(
        originator_id=document_id, originator_version=1, timestamp=datetime.now(UTC),
        actor="old release", command_id="poison", correlation_id="", causation_id="",
        event=event)])  # fmt: skip
    return str(document_id)


def test_one_bad_event_holds_back_its_aggregate_and_everyone_elses_reports_go_on(
    client: TestClient[Any], runtime: Runtime
) -> None:
    first = client.post("/orders", json=order_body("EC-1")).json()["aggregate_id"]
    document_id = poison(runtime, first)
    second = client.post("/orders", json=order_body("EC-2")).json()
    client.post(f"/orders/{second['aggregate_id']}/sign", json={
        "contract_number": "HT-2", "signed_at": "2025-12-21T10:00:00+08:00"})  # fmt: skip
    settled(client, runtime)
    listed = client.get("/orders", params={"wait_for_position": second["position"]}).json()
    assert {o["external_ref"] for o in listed["items"]} == {"EC-1", "EC-2"}
    receivable = client.get(f"/receivables/{second['aggregate_id']}")
    assert receivable.status_code == 200, receivable.text  # the billing policy went on
    report = {p["name"]: p for p in client.get("/projections").json()}
    documents = report["documents"]
    assert documents["status"] == "degraded"
    assert documents["held"] == 1
    assert documents["parked"]["originator_id"] == document_id
    assert documents["lag"] == 0
    assert report["order_list"]["held"] == 0
    metrics = client.get("/metrics").text
    assert 'orderhub_projection_held_aggregates{projection="documents"} 1.0' in metrics
