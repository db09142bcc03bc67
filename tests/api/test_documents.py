"""Document routes: upload, sign-off, and only the current version handed out for work."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from uuid import UUID

from litestar.testing import TestClient

from api.runtime import Runtime
from api.settings import Settings
from tests.api.conftest import order_body, signed_in

Client = TestClient[Any]
DRAWING_V1 = b"%PDF-1.7 frame, bore 12 mm" * 100
DRAWING_V2 = b"%PDF-1.7 frame, bore 14 mm" * 100


def place(client: Client) -> str:
    response = client.post("/orders", json=order_body(), headers={"Idempotency-Key": "place-1"})
    assert response.status_code == 201, response.text
    return str(response.json()["aggregate_id"])


def upload(
    client: Client, order_id: str, content: bytes, *, note: str = "", day: str = "20"
) -> Any:
    return client.post(
        f"/orders/{order_id}/documents",
        files={"file": ("frame.pdf", content, "application/pdf")},
        data={
            "kind": "design_drawing",
            "title": "Conveyor frame",
            "change_note": note,
            "uploaded_at": f"2025-12-{day}T10:00:00+08:00",
        },
    )


def confirm(client: Client, document_id: str, label: str, content: bytes) -> Any:
    return client.post(
        f"/documents/{document_id}/versions/{label}/confirm",
        json={
            "sha256": hashlib.sha256(content).hexdigest(),
            "signer": "Wang Wei",
            "signed_at": "2025-12-21T15:00:00+08:00",
        },
    )


def test_a_drawing_is_handed_out_only_after_the_customer_signs_it(client: Client) -> None:
    order_id = place(client)
    uploaded = upload(client, order_id, DRAWING_V1)
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    document_id, label = body["aggregate_id"], body["label"]
    assert label == "V1.0_20251220"

    refused = client.get(f"/documents/{document_id}/current")
    assert refused.status_code == 409
    assert refused.json()["rule"] == "no_current_version"

    assert confirm(client, document_id, label, DRAWING_V1).status_code == 200
    current = client.get(f"/documents/{document_id}/current")
    assert current.status_code == 200
    assert current.content == DRAWING_V1
    assert current.headers["x-document-version"] == label

    detail = client.get(f"/documents/{document_id}").json()
    assert detail["current"] == label
    assert detail["versions"][0]["signer"] == "Wang Wei"
    assert detail["versions"][0]["signature_valid"] is True


def test_a_superseded_drawing_is_gone_for_work_but_kept_for_auditors(client: Client) -> None:
    order_id = place(client)
    document_id = upload(client, order_id, DRAWING_V1).json()["aggregate_id"]
    confirm(client, document_id, "V1.0_20251220", DRAWING_V1)

    no_note = upload(client, order_id, DRAWING_V2, day="21")
    assert no_note.status_code == 422
    assert (no_note.json()["rule"], no_note.json()["field"]) == (
        "change_note_required",
        "change_note",
    )
    assert len(client.get(f"/documents/{document_id}").json()["versions"]) == 1

    second = upload(client, order_id, DRAWING_V2, note="customer asked for a 14 mm bore", day="21")
    assert second.json()["label"] == "V1.1_20251221"
    # Until the customer signs V1.1, the shop floor keeps V1.0.
    assert client.get(f"/documents/{document_id}/current").content == DRAWING_V1
    confirmed = confirm(client, document_id, "V1.1_20251221", DRAWING_V2)
    assert confirmed.status_code == 200

    gone = client.get(f"/documents/{document_id}/versions/V1.0_20251220/content")
    assert gone.status_code == 410
    assert gone.json()["details"]["current"] == "V1.1_20251221"
    assert "V1.1_20251221" in gone.json()["detail"]
    audit = client.get(f"/audit/documents/{document_id}/versions/V1.0_20251220/content")
    assert audit.status_code == 200
    assert audit.content == DRAWING_V1

    listed = client.get(
        f"/orders/{order_id}/documents", params={"wait_for_position": confirmed.json()["position"]}
    ).json()
    assert [(v["label"], v["status"]) for v in listed] == [
        ("V1.0_20251220", "superseded"),
        ("V1.1_20251221", "confirmed"),
    ]


def test_a_corrupted_file_is_never_served(client: Client, runtime: Runtime) -> None:
    order_id = place(client)
    document_id = upload(client, order_id, DRAWING_V1).json()["aggregate_id"]
    confirm(client, document_id, "V1.0_20251220", DRAWING_V1)
    stored = runtime.blobs.path_of(hashlib.sha256(DRAWING_V1).hexdigest())
    stored.chmod(0o644)
    stored.write_bytes(DRAWING_V1.replace(b"12", b"21"))

    response = client.get(f"/documents/{document_id}/current")
    assert response.status_code == 500
    assert response.json()["rule"] == "file_corrupted"
    assert b"21 mm" not in response.content


def test_an_upload_to_an_unknown_order_changes_nothing(client: Client) -> None:
    response = upload(client, str(UUID(int=7)), DRAWING_V1)
    assert response.status_code == 404
    assert response.json()["rule"] == "order_not_found"


def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(
    store_settings: tuple[str, str], tmp_path: Path
) -> None:
    database_url, sqlite_path = store_settings
    settings = Settings(
        database_url=database_url,
        sqlite_path=sqlite_path,
        data_dir=str(tmp_path),
        upload_limit=1000,
    )
    small = Runtime(settings)
    with signed_in(small) as client:
        order_id = place(client)
        response = upload(client, order_id, DRAWING_V1)
        assert response.status_code == 413
        assert response.json()["rule"] == "file_too_large"
        assert client.get(f"/orders/{order_id}/documents").json() == []
    blobs = [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert blobs == []
