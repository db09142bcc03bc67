"""Who signed: only the customer confirms as the customer (through a signed one-time
link sent to them); staff confirm on the customer's behalf, named on the signature."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec

from api.auth import Role
from api.runtime import Runtime
from infrastructure.signing import SignedFacts, SigningKey
from tests.api.conftest import bearer
from tests.api.test_documents import DRAWING_V1, DRAWING_V2, place, upload
from tests.policies.conftest import Client, ok

SHA = hashlib.sha256(DRAWING_V1).hexdigest()
SIGNED_AT = "2025-12-21T15:00:00+08:00"


def drawing(client: Client) -> tuple[str, str, str]:
    """An order, its drawing awaiting the customer, and the drawing's version label."""
    order_id = place(client)
    uploaded = ok(upload(client, order_id, DRAWING_V1))
    return order_id, uploaded["aggregate_id"], uploaded["label"]


def test_staff_cannot_sign_as_the_customer(client: Client, runtime: Runtime) -> None:
    _, document_id, label = drawing(client)
    sales = bearer(runtime, Role.SALES, "wang.fang")
    url = f"/documents/{document_id}/versions/{label}/confirm"
    claimed = client.post(url, headers=sales, json={
        "sha256": SHA, "signer": "客户张总", "signed_at": SIGNED_AT,
        "on_behalf_of_customer": False})  # fmt: skip
    assert claimed.status_code == 422, claimed.text
    assert claimed.json()["rule"] == "customer_signs_by_link"
    assert client.get(f"/documents/{document_id}").json()["versions"][0]["signer"] is None


def test_a_confirmation_by_staff_is_on_behalf_and_names_who_recorded_it(
    client: Client, runtime: Runtime
) -> None:
    _, document_id, label = drawing(client)
    sales = bearer(runtime, Role.SALES, "wang.fang")
    ok(client.post(f"/documents/{document_id}/versions/{label}/confirm", headers=sales,
                   json={"sha256": SHA, "signer": "客户张总", "signed_at": SIGNED_AT}))  # fmt: skip
    version = client.get(f"/documents/{document_id}").json()["versions"][0]
    assert version["signer"] == "客户张总"
    assert version["on_behalf_of_customer"] is True
    assert version["recorded_by"] == "wang.fang"
    assert version["signature_valid"] is True


def link(client: Client, runtime: Runtime, document_id: str, label: str) -> str:
    made = ok(client.post(f"/documents/{document_id}/versions/{label}/confirmation-link",
                          headers=bearer(runtime, Role.SALES, "wang.fang"),
                          json={"signer": "张总", "days": 7}))  # fmt: skip
    assert made["url"].endswith(made["token"])
    return str(made["token"])


def test_the_customer_confirms_through_the_link_once(client: Client, runtime: Runtime) -> None:
    _, document_id, label = drawing(client)
    token = link(client, runtime, document_id, label)
    anonymous: dict[str, Any] = {"Authorization": ""}
    shown = client.get(f"/customer-confirmations/{token}", headers=anonymous)
    assert shown.status_code == 200, shown.text
    assert shown.json()["sha256"] == SHA
    first = client.post(f"/customer-confirmations/{token}", headers=anonymous, json={})
    assert first.status_code == 200, first.text
    again = client.post(f"/customer-confirmations/{token}", headers=anonymous, json={})
    assert again.json()["replayed"]  # once: a second click is the first answer
    version = client.get(f"/documents/{document_id}").json()["versions"][0]
    assert (version["signer"], version["on_behalf_of_customer"]) == ("张总", False)
    assert version["recorded_by"] == "customer link"
    assert version["signature_valid"] is True


def test_a_forged_stale_or_expired_link_confirms_nothing(client: Client, runtime: Runtime) -> None:
    order_id, document_id, label = drawing(client)
    token = link(client, runtime, document_id, label)
    anonymous: dict[str, Any] = {"Authorization": ""}
    forged = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert client.post(f"/customer-confirmations/{forged}", headers=anonymous,
                       json={}).status_code == 403  # fmt: skip
    # A MAC with characters no MAC has (the fuzzer found it answering 500).
    non_ascii = token.partition(".")[0] + ".ñ±"
    assert client.post(f"/customer-confirmations/{non_ascii}", headers=anonymous,
                       json={}).status_code == 403  # fmt: skip
    ok(upload(client, order_id, DRAWING_V2, note="bore 14 mm", day="21"))  # a new version
    stale = client.post(f"/customer-confirmations/{token}", headers=anonymous, json={})
    assert stale.json()["rule"] == "not_latest_version", stale.text
    assert client.get(f"/documents/{document_id}").json()["versions"][0]["signer"] is None


def test_signatures_made_before_recorded_by_existed_still_verify() -> None:
    """A confirmation signed by an earlier release signed six facts; they encode alike."""
    facts = SignedFacts(document_id=UUID(int=1), label="V1.0", sha256=SHA, signer="Wang Wei",
                        on_behalf_of_customer=True,
                        signed_at=datetime(2025, 12, 21, 7, tzinfo=UTC))  # fmt: skip
    key = SigningKey(b"0123456789abcdef0123456789abcdef")
    earlier = hmac.new(key._key, msgspec.json.encode([
        str(UUID(int=1)), "V1.0", SHA, "Wang Wei", True, "2025-12-21T07:00:00Z"]),
        hashlib.sha256).hexdigest()  # fmt: skip
    assert key.verify(facts, earlier)
