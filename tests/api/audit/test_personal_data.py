"""Crypto-shredding: contacts are sealed per customer; an erasure leaves history and figures."""

from __future__ import annotations

import pytest

from api.auth import Role
from api.runtime import Runtime
from domain.personal import ContactPerson, Sealed
from infrastructure.daemon.rebuild import compare
from infrastructure.keyring import SealBroken
from tests.api.conftest import bearer, order_body
from tests.policies.conftest import Client, ok

WANG = {"name": "王伟", "phone": "+86 138 0000 1234", "email": "wang.wei@hengli.example"}
ZHAO = {"name": "赵敏", "phone": "0573-8888 6666", "email": "zhao.min@hengli.example"}
ERASE = {"reason": "客户依《个人信息保护法》第47条请求删除", "at": "2026-06-01T09:00:00+08:00"}


def place(client: Client, ref: str, contact: dict[str, str], key: str | None = None) -> str:
    headers = {"Idempotency-Key": key} if key else {}
    body = order_body(ref, contact=contact)
    return str(ok(client.post("/orders", json=body, headers=headers))["aggregate_id"])


def everything_projected(runtime: Runtime) -> None:
    for live in runtime.projections.values():
        live.catch_up()


def stored_bytes(runtime: Runtime) -> bytes:
    records = runtime.storage.log.select_notifications(start=1, limit=1_000_000)
    return b"".join(r.state for r in records)


def test_contacts_never_reach_the_log_in_the_clear(client: Client, runtime: Runtime) -> None:
    order_id = place(client, "EC-1", WANG)
    detail = ok(client.get(f"/orders/{order_id}"))
    assert detail["contact"] == {**WANG, "erased": False, "withheld": False}
    assert "contact" not in detail["state"]
    stored = stored_bytes(runtime)
    for value in WANG.values():
        assert value.encode() not in stored


def test_an_erasure_shreds_the_contact_and_keeps_history_and_figures(
    client: Client, runtime: Runtime
) -> None:
    order_id = place(client, "EC-1", WANG)
    ok(client.put(f"/orders/{order_id}/contact",
                  json={"contact": ZHAO, "at": "2025-12-22T10:00:00+08:00"}))  # fmt: skip
    everything_projected(runtime)
    before = {
        "orders": ok(client.get("/orders"))["items"],
        "kpis": ok(client.get("/dashboards/sales", params={"by": "region"})),
    }

    erased = ok(client.post("/customers/C-JX-001/erasure", json=ERASE))
    everything_projected(runtime)

    assert ok(client.get(f"/orders/{order_id}"))["contact"] == {
        "name": None, "phone": None, "email": None, "erased": True, "withheld": False}  # fmt: skip
    history = ok(client.get(f"/audit/aggregates/{order_id}/history"))
    assert [e["topic"] for e in history["events"]] == ["OrderPlaced", "ContactChanged"]
    assert ok(client.get("/orders"))["items"] == before["orders"]
    assert ok(client.get("/dashboards/sales", params={"by": "region"})) == before["kpis"]
    report = ok(client.get("/audit/verify"))
    assert report["intact"]
    trail = ok(client.get(f"/audit/aggregates/{erased['aggregate_id']}/history"))
    [request] = trail["events"]
    assert (request["topic"], request["actor"]) == ("PersonalDataErased", "admin")
    for live in runtime.projections.values():
        assert compare(live) == [], live.name


def test_a_new_contact_after_an_erasure_gets_a_new_key(client: Client, runtime: Runtime) -> None:
    first = place(client, "EC-1", WANG)
    ok(client.post("/customers/C-JX-001/erasure", json=ERASE))
    second = place(client, "EC-2", ZHAO)
    assert ok(client.get(f"/orders/{first}"))["contact"]["erased"] is True
    second_contact = ok(client.get(f"/orders/{second}"))["contact"]
    assert second_contact == {**ZHAO, "erased": False, "withheld": False}
    again = ok(client.post("/customers/C-JX-001/erasure", json=ERASE))  # a second request
    assert again["version"] == 2
    assert ok(client.get(f"/orders/{second}"))["contact"]["erased"] is True


def test_a_retried_capture_seals_to_the_same_bytes_and_is_replayed(client: Client) -> None:
    first = ok(client.post("/orders", json=order_body(contact=WANG),
                           headers={"Idempotency-Key": "place-1"}))  # fmt: skip
    retried = ok(client.post("/orders", json=order_body(contact=WANG),
                             headers={"Idempotency-Key": "place-1"}))  # fmt: skip
    assert (retried["replayed"], retried["version"]) == (True, first["version"])


def test_bad_contacts_and_erasures_are_refused_and_write_nothing(
    client: Client, runtime: Runtime
) -> None:
    end = runtime.storage.log.max_notification_id()
    bad_phone = client.post("/orders", json=order_body(contact={**WANG, "phone": "call me"}))
    assert (bad_phone.status_code, bad_phone.json()["field"]) == (400, "contact.phone")
    assert client.post("/customers/C-JX-001/erasure", json={}).status_code == 400
    assert client.put("/orders/00000000-0000-4000-8000-000000000000/contact",
                      json={"contact": WANG, "at": "2025-12-22T10:00:00+08:00"}
                      ).status_code == 404  # fmt: skip
    assert runtime.storage.log.max_notification_id() == end


def test_only_an_admin_erases(client: Client, runtime: Runtime) -> None:
    for role in Role:
        if role is not Role.ADMIN:
            response = client.post("/customers/C-JX-001/erasure", json=ERASE,
                                   headers=bearer(runtime, role))  # fmt: skip
            assert response.status_code == 403, role


def test_a_sealed_value_is_bound_to_its_subject_and_its_bytes(runtime: Runtime) -> None:
    keyring = runtime.keyring
    sealed = keyring.seal("C-1", ContactPerson(name="王伟"))
    assert keyring.seal("C-1", ContactPerson(name="王伟")) == sealed  # deterministic
    assert keyring.open(sealed, ContactPerson) == ContactPerson(name="王伟")
    moved = Sealed(subject="C-2", key_id=sealed.key_id, ciphertext=sealed.ciphertext)
    assert keyring.open(moved, ContactPerson) is None  # no such key for C-2
    flipped = sealed.ciphertext[:-4] + ("AAAA" if sealed.ciphertext[-4:] != "AAAA" else "BBBB")
    with pytest.raises(SealBroken):
        keyring.open(Sealed(subject="C-1", key_id=sealed.key_id, ciphertext=flipped),
                     ContactPerson)  # fmt: skip
    assert keyring.erase("C-1") == 1
    assert keyring.open(sealed, ContactPerson) is None
    assert keyring.erase("C-1") == 0
