"""The order API end to end, on SQLite and on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from litestar.testing import TestClient

from api.runtime import Runtime
from tests.api.conftest import as_approver, order_body, publish_positions, quiet

Client = TestClient[Any]
CST = timezone(timedelta(hours=8))


def place(client: Client, key: str = "cmd-1", **overrides: Any) -> dict[str, Any]:
    response = client.post(
        "/orders", json=order_body(**overrides), headers={"Idempotency-Key": key}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def post(client: Client, order_id: str, action: str, body: dict[str, Any], key: str) -> Any:
    headers = {"Idempotency-Key": key}
    if action in ("approve", "reject"):  # given by the user the body names
        headers |= as_approver(client.app.state.runtime, body)
    return client.post(f"/orders/{order_id}/{action}", json=body, headers=headers)


def test_capture_answers_id_version_and_position(client: Client, runtime: Runtime) -> None:
    accepted = place(client)
    assert accepted["version"] == 1
    assert accepted["events"] == ["OrderPlaced"]
    assert accepted["position"] <= runtime.storage.read_store.head()
    order = client.get(f"/orders/{accepted['aggregate_id']}").json()
    assert order["version"] == 1
    assert order["total"] == {"amount": "64000.00", "currency": "CNY"}
    assert order["state"]["stage"] == "pending_confirmation"


def test_same_command_id_twice_is_applied_once(client: Client, runtime: Runtime) -> None:
    first = place(client, key="same")
    # The policies react to the order in the background (its predicted completion, its
    # stock): wait for them, so only what the retry writes is counted - nothing.
    head = quiet(runtime)
    second = place(client, key="same")
    assert {**second, "replayed": False} == first
    assert second["replayed"] is True
    assert quiet(runtime) == head


def test_same_command_id_twice_at_once_is_applied_once(client: Client, runtime: Runtime) -> None:
    order_id = place(client)["aggregate_id"]
    body = {"reason": "客户要求暂停", "at": "2025-12-21T10:00:00+08:00"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: post(client, order_id, "hold", body, "hold-1"), range(4)))
    assert {a.status_code for a in answers} == {200}
    results = [{**a.json(), "replayed": None} for a in answers]
    assert all(r == results[0] for r in results)
    holds = [r for r in runtime.service.history(UUID(order_id))
             if type(r.event).__name__ == "OrderPutOnHold"]  # fmt: skip
    assert len(holds) == 1  # (policies may add their own facts, e.g. a prediction)


def test_command_id_reused_for_another_command_is_refused(client: Client) -> None:
    order_id = place(client, key="k")["aggregate_id"]
    response = post(
        client, order_id, "hold", {"reason": "x", "at": "2025-12-21T10:00:00+08:00"}, "k"
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "command_id_reused"


def test_same_channel_reference_is_a_duplicate_not_a_second_order(client: Client) -> None:
    order_id = place(client, key="a")["aggregate_id"]
    response = client.post("/orders", json=order_body(), headers={"Idempotency-Key": "b"})
    assert response.status_code == 409
    problem = response.json()
    assert problem["rule"] == "duplicate_order"
    assert problem["details"]["aggregate_id"] == order_id
    other_channel = client.post(
        "/orders", json=order_body(channel="agent"), headers={"Idempotency-Key": "c"}
    )
    assert other_channel.status_code == 201


def test_stale_expected_version_is_409_naming_current_and_writes_nothing(
    client: Client, runtime: Runtime
) -> None:
    order_id = place(client)["aggregate_id"]
    head = runtime.storage.read_store.head()
    body = {"reason": "等待客户付款", "at": "2025-12-21T10:00:00+08:00", "expected_version": 0}
    response = post(client, order_id, "hold", body, "h")
    assert response.status_code == 409
    problem = response.json()
    assert problem["rule"] == "version_conflict"
    assert problem["details"]["current_version"] == 1
    assert problem["field"] == "expected_version"
    assert runtime.storage.read_store.head() == head
    assert post(client, order_id, "hold", {**body, "expected_version": 1}, "h2").status_code == 200


def test_bad_input_names_the_field_and_changes_nothing(client: Client, runtime: Runtime) -> None:
    head = runtime.storage.read_store.head()
    body = order_body()
    body["lines"][0]["quantity"] = "many"
    response = client.post("/orders", json=body)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == "lines[0].quantity"
    for bad in ({"unknown": 1}, {"currency": "yuan"}, {"placed_at": "2025-12-20T09:30:00"}):
        assert client.post("/orders", json=order_body(**bad)).status_code == 400
    body["lines"][0]["quantity"] = "NaN"
    assert client.post("/orders", json=body).status_code == 400
    assert runtime.storage.read_store.head() == head


def test_business_rule_violation_is_422_naming_the_rule(client: Client) -> None:
    order_id = place(client)["aggregate_id"]
    response = post(
        client,
        order_id,
        "sign",
        {"contract_number": "HT-1", "signed_at": "2025-12-22T09:00:00+08:00"},
        "s",
    )
    assert response.status_code == 200
    skip = post(
        client, order_id, "advance", {"to_stage": "testing", "at": "2025-12-23T09:00:00+08:00"}, "x"
    )
    assert skip.status_code == 422
    assert skip.json()["rule"] == "stage_skipped"
    assert skip.json()["field"] == "to_stage"


def test_unknown_order_is_404(client: Client) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/orders/{missing}").status_code == 404
    response = post(
        client, missing, "hold", {"reason": "x", "at": "2025-12-21T10:00:00+08:00"}, "m"
    )
    assert response.status_code == 404
    assert response.json()["rule"] == "order_not_found"


def test_a_large_order_goes_through_approval_stages_shipment_and_acceptance(client: Client) -> None:
    lines = [
        {
            "line_id": "L1",
            "product_code": "LINE-XL",
            "kind": "hardware",
            "quantity": "1",
            "unit_price": "600000",
        }
    ]
    publish_positions(client.app.state.runtime)
    order_id = place(client, lines=lines)["aggregate_id"]
    days = iter(range(1, 40))

    def at() -> str:
        return (datetime(2025, 12, 20, 9, tzinfo=CST) + timedelta(days=next(days))).isoformat()

    sign = {"contract_number": "HT-9", "signed_at": "2025-12-20T12:00:00+08:00"}
    assert post(client, order_id, "sign", sign, "s0").json()["rule"] == "approval_required"
    assert (
        post(
            client, order_id, "approve", {"role": "vp", "approver": "zhao", "at": at()}, "a0"
        ).status_code
        == 422
    )
    assert (
        post(
            client,
            order_id,
            "approve",
            {"role": "sales_director", "approver": "li", "at": at()},
            "a1",
        ).status_code
        == 200
    )
    assert (
        post(
            client, order_id, "approve", {"role": "vp", "approver": "zhao", "at": at()}, "a2"
        ).status_code
        == 200
    )
    assert post(client, order_id, "sign", {**sign, "signed_at": at()}, "s1").status_code == 200
    for i, stage in enumerate(
        ["designing", "material_prep", "in_production", "testing", "awaiting_shipment"]
    ):
        assert (
            post(
                client, order_id, "advance", {"to_stage": stage, "at": at()}, f"adv{i}"
            ).status_code
            == 200
        )
    early = post(client, order_id, "advance", {"to_stage": "completed", "at": at()}, "early")
    assert early.status_code == 422
    shipment = {
        "shipment_id": "SH-1",
        "lines": [{"line_id": "L1", "quantity": "1"}],
        "shipped_at": at(),
    }
    assert post(client, order_id, "shipments", shipment, "ship").status_code == 200
    done = post(client, order_id, "advance", {"to_stage": "completed", "at": at()}, "done")
    assert done.status_code == 200
    accepted = post(
        client, order_id, "acceptance", {"accepted_by": "客户验收组", "accepted_at": at()}, "acc"
    )
    assert accepted.status_code == 200
    listed = client.get(
        "/orders", params={"wait_for_position": accepted.json()["position"], "status": "completed"}
    )
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [i["order_id"] for i in items] == [order_id]
    assert items[0]["stage"] == "completed"
    state = client.get(f"/orders/{order_id}").json()["state"]
    assert [v["stage"] for v in state["stage_history"]][-2:] == ["awaiting_shipment", "completed"]
    closed = post(client, order_id, "cancel", {"reason": "late", "at": at()}, "cancel")
    assert closed.json()["rule"] == "order_closed"


def test_order_list_filters_and_paginates(client: Client) -> None:
    last = 0
    for i in range(5):
        channel = "agent" if i % 2 else "direct"
        last = place(
            client, key=f"p{i}", external_ref=f"R{i}", channel=channel, salesperson=f"s{i % 2}"
        )["position"]
    page = client.get(
        "/orders", params={"wait_for_position": last, "limit": 2, "channel": "direct"}
    ).json()
    assert page["total"] == 3
    assert len(page["items"]) == 2
    assert {i["channel"] for i in page["items"]} == {"direct"}
    rest = client.get("/orders", params={"limit": 2, "offset": 2, "channel": "direct"}).json()
    assert (len(rest["items"]), rest["total"]) == (1, 3)
    past = client.get("/orders", params={"offset": 9, "channel": "direct"}).json()
    assert (past["items"], past["total"]) == ([], 3)  # past the end: still how many there are
    assert client.get("/orders", params={"region": "无"}).json()["total"] == 0
    assert client.get("/orders", params={"salesperson": "s1"}).json()["total"] == 2
    assert client.get("/orders", params={"limit": 0}).status_code == 400


def test_change_order_is_a_numbered_revision(client: Client) -> None:
    order_id = place(client)["aggregate_id"]
    change = {
        "reason": "客户增加一套备件",
        "changed_at": "2025-12-21T09:00:00+08:00",
        "add": [
            {
                "line_id": "L3",
                "product_code": "SP-1",
                "kind": "spare_part",
                "quantity": "4",
                "unit_price": "250",
            }
        ],
        "reprice": [{"line_id": "L2", "unit_price": "4500"}],
    }
    assert post(client, order_id, "changes", change, "ch1").status_code == 200
    order = client.get(f"/orders/{order_id}").json()
    assert order["state"]["revision"] == 1
    assert order["total"]["amount"] == "64500.00"


def test_openapi_is_published(client: Client) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert "/orders" in schema["paths"]
    assert "/orders/{order_id}/advance" in schema["paths"]
