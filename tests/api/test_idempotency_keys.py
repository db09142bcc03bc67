"""Idempotency keys: a client's key is its own, a retry always gets the first answer.

A client's `Idempotency-Key` is scoped by the client's user and hashed, so no
client can predict, pre-empt or collide with the ids the policies, the clock and
natural keys (a bank reference) give their commands, nor with another user's
keys. A retry of the same request with the same key is answered with the first
answer even where the server fills in the time or seals a value afresh.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from api.auth import Role
from api.runtime import Runtime
from tests.api.conftest import bearer, order_body
from tests.api.test_receivables_api import invoice, pay, settled
from tests.policies.conftest import Client, ok

SIGN = {"contract_number": "HT-2025-088", "signed_at": "2025-12-21T10:00:00+08:00"}
HOLD = {"reason": "客户要求暂停", "at": "2025-12-21T09:00:00+08:00"}


def place(client: Client, ref: str = "EC-2025-0001") -> str:
    return str(ok(client.post("/orders", json=order_body(ref)))["aggregate_id"])


def test_a_policys_command_id_sent_as_a_key_does_not_suppress_the_receivable(
    client: Client, runtime: Runtime
) -> None:
    order_id = place(client)
    policy_id = f"when_order_progresses_bill_milestones:{order_id}:open"
    sales = {**bearer(runtime, Role.SALES, "wang.fang"), "Idempotency-Key": policy_id}
    ok(client.post(f"/orders/{order_id}/hold", json=HOLD, headers=sales))
    ok(client.post(f"/orders/{order_id}/resume", json={"at": "2025-12-21T09:30:00+08:00"}))
    ok(client.post(f"/orders/{order_id}/sign", json=SIGN))
    settled(client, runtime)
    receivable = ok(client.get(f"/receivables/{order_id}"))
    assert receivable["milestones"][0]["status"] == "billable"


def test_a_bank_reference_sent_as_a_key_does_not_block_the_payment(
    client: Client, runtime: Runtime
) -> None:
    order_id = place(client)
    ok(client.post(f"/orders/{order_id}/sign", json=SIGN))
    settled(client, runtime)
    invoice(client, order_id, "INV-1", "m1")
    sales = {**bearer(runtime, Role.SALES, "wang.fang"), "Idempotency-Key": "bank:ICBC-0001"}
    later = {**HOLD, "at": "2025-12-22T09:00:00+08:00"}
    ok(client.post(f"/orders/{order_id}/hold", json=later, headers=sales))
    paid = ok(pay(client, order_id, "ICBC-0001", "10000.00", "2026-01-05T10:00:00+08:00"))
    assert not paid["replayed"]
    assert paid["events"] == ["PaymentReceived"]


def test_two_users_with_the_same_key_do_not_collide(client: Client, runtime: Runtime) -> None:
    wang = {**bearer(runtime, Role.SALES, "wang.fang"), "Idempotency-Key": "order-1"}
    li = {**bearer(runtime, Role.SALES, "li.na"), "Idempotency-Key": "order-1"}
    first = client.post("/orders", json=order_body("EC-A"), headers=wang)
    second = client.post("/orders", json=order_body("EC-B"), headers=li)
    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert first.json()["aggregate_id"] != second.json()["aggregate_id"]
    again = client.post("/orders", json=order_body("EC-A"), headers=wang)
    assert again.json()["replayed"]
    assert again.json()["aggregate_id"] == first.json()["aggregate_id"]


def test_the_same_key_with_another_body_is_still_refused(client: Client) -> None:
    key = {"Idempotency-Key": "place-once"}
    ok(client.post("/orders", json=order_body("EC-A"), headers=key))
    reused = client.post("/orders", json=order_body("EC-B"), headers=key)
    assert reused.status_code == 409
    assert reused.json()["rule"] == "command_id_reused"


def test_the_log_records_no_clients_key_as_a_command_id(client: Client, runtime: Runtime) -> None:
    key = {"Idempotency-Key": "when_order_captured_reserve_stock:x"}
    order_id = ok(client.post("/orders", json=order_body(), headers=key))["aggregate_id"]
    recorded = runtime.service.history(UUID(order_id))[0]
    assert recorded.command_id.startswith("client:")
    assert "when_order_captured_reserve_stock" not in recorded.command_id


@pytest.mark.parametrize(
    "header", ["Idempotency-Key", "X-Correlation-Id", "X-Causation-Id"]
)
def test_an_overlong_header_is_refused_by_name_and_writes_nothing(
    client: Client, runtime: Runtime, header: str
) -> None:
    before = runtime.storage.log.max_notification_id() or 0
    response = client.post("/orders", json=order_body(), headers={header: "k" * 60_000})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == header.lower()
    assert (runtime.storage.log.max_notification_id() or 0) == before


# --- retries where the server fills in the time -------------------------------------


def retried(send: Any) -> tuple[Any, Any]:
    first, second = send(), send()
    assert first.status_code < 300, first.text
    assert second.status_code == first.status_code, second.text
    return first.json(), second.json()


def test_a_customer_record_without_a_time_retried_gets_the_first_answer(client: Client) -> None:
    body = {"name": "嘉兴恒力", "region": "浙江",
            "contact": {"name": "王伟", "phone": "+86 138 0000 1234", "email": "w@x.example"}}
    key = {"Idempotency-Key": "customer-1"}
    first, second = retried(lambda: client.put("/customers/C-1", json=body, headers=key))
    assert second["replayed"]
    assert second["position"] == first["position"]


def test_an_erasure_without_a_time_retried_gets_the_first_answer(client: Client) -> None:
    place(client)
    key = {"Idempotency-Key": "erase-1"}
    body = {"reason": "客户请求删除"}
    first, second = retried(
        lambda: client.post("/customers/C-JX-001/erasure", json=body, headers=key)
    )
    assert second["replayed"]
    assert second["position"] == first["position"]


def test_an_upload_without_a_time_retried_gets_the_first_answer(client: Client) -> None:
    order_id = place(client)
    key = {"Idempotency-Key": "upload-1"}

    def send() -> Any:
        return client.post(
            f"/orders/{order_id}/documents", headers=key,
            files={"file": ("frame.pdf", b"%PDF-1.7 frame", "application/pdf")},
            data={"kind": "design_drawing", "title": "Conveyor frame"},
        )  # fmt: skip

    first, second = retried(send)
    assert second["replayed"]
    assert second["label"] == first["label"]
    other = client.post(
        f"/orders/{order_id}/documents", headers=key,
        files={"file": ("frame.pdf", b"%PDF-1.7 another frame", "application/pdf")},
        data={"kind": "design_drawing", "title": "Conveyor frame"},
    )  # fmt: skip
    assert other.status_code == 409
