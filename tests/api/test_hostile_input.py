"""Hostile input a fuzzer rarely makes: each is a 4xx naming the problem, and writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from api.exports import attachment, safe_filename
from api.runtime import Runtime
from api.settings import Settings
from tests.api.conftest import order_body, signed_in

Client = TestClient[Any]


def log_end(runtime: Runtime) -> int:
    return runtime.storage.log.max_notification_id() or 0


def problem_of(response: Any, status: int) -> dict[str, Any]:
    """`response` has `status` and is a problem document saying what was wrong."""
    assert response.status_code == status, response.text
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["detail"]
    return problem


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"\xff\xfe{not utf-8", None),
        (b'{"order_type": "equipment"', None),
        (b"[]", None),
        (order_body(colour="red"), "colour"),
        (order_body(lines="two"), "lines"),
        (order_body(currency=7), "currency"),
    ],
    ids=["invalid-utf8", "truncated", "not-an-object", "unknown-field", "wrong-type", "number"],
)
def test_malformed_order_bodies_are_400(
    client: Client, runtime: Runtime, body: Any, field: str | None
) -> None:
    before = log_end(runtime)
    if isinstance(body, bytes):
        json_type = {"Content-Type": "application/json"}
        response = client.post("/orders", content=body, headers=json_type)
    else:
        response = client.post("/orders", json=body)
    problem = problem_of(response, 400)
    if field is not None:
        assert field in (problem.get("field") or "") + problem["detail"]
    assert log_end(runtime) == before


@pytest.mark.parametrize("quantity", ["1e999999", "9" * 5000, "NaN", "-Infinity", "0.0000000001"])
def test_absurd_numbers_are_refused_by_name(
    client: Client, runtime: Runtime, quantity: str
) -> None:
    body = order_body()
    body["lines"][0]["quantity"] = quantity
    before = log_end(runtime)
    response = client.post("/orders", json=body)
    assert response.status_code in (400, 422), response.text
    assert "quantity" in (response.json().get("field") or "") + response.json()["detail"]
    assert log_end(runtime) == before


def test_a_date_at_the_end_of_the_calendar_is_400_not_an_overflow(client: Client) -> None:
    response = client.post("/dunning-lists/run", json={"at": "0001-01-01T00:00:00Z"})
    assert problem_of(response, 400)["rule"] == "out_of_range"


def test_a_body_over_the_limit_is_413_and_writes_nothing(tmp_path: Path) -> None:
    small = Runtime(Settings(sqlite_path=str(tmp_path / "log.db"), data_dir=str(tmp_path),
                             upload_limit=1024, run_clock=False))  # fmt: skip
    with signed_in(small) as client:
        before = log_end(small)
        body = order_body(customer_name="x" * (3 * 2**20))
        response = client.post("/orders", json=body)
        assert response.status_code == 413, response.text
        assert log_end(small) == before


@pytest.mark.parametrize(
    "path", ["/orders/..%2F..%2Fetc%2Fpasswd", "/orders/%00", "/documents/../../etc/passwd"]
)
def test_path_tricks_find_nothing(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404), response.text


def test_a_file_name_with_folders_and_control_characters_is_cleaned(client: Client) -> None:
    order = client.post("/orders", json=order_body(), headers={"Idempotency-Key": "o"}).json()
    uploaded = client.post(
        f"/orders/{order['aggregate_id']}/documents",
        files={"file": ("..\\../etc/passwd.pdf", b"%PDF-1.7", "application/pdf")},
        data={"kind": "design_drawing", "title": "frame", "customer_must_confirm": "false"},
    )
    assert uploaded.status_code == 201, uploaded.text
    document = client.get(f"/documents/{uploaded.json()['aggregate_id']}").json()
    assert document["versions"][0]["filename"] == "passwd.pdf"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("..\\../etc/pass\r\nX-Evil: 1\x00wd.pdf", "passX-Evil: 1wd.pdf"),
        ("/", "file"),
        ("..", "file"),
        (None, "file"),
        ("图纸 A.pdf", "图纸 A.pdf"),
        ("x" * 300, "x" * 200),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_safe_filename(raw: str | None, clean: str) -> None:
    assert safe_filename(raw) == clean


def test_a_download_name_cannot_inject_a_header() -> None:
    (header,) = attachment('evil"\r\nSet-Cookie: a=b.pdf').values()
    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith('attachment; filename="evil_Set-Cookie: a=b.pdf"; ')
