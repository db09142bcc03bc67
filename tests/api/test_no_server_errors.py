"""Input that once answered 500: each is now a 4xx problem naming what was wrong, and
writes nothing (the reproductions of the hardening issue, kept as regressions)."""

from __future__ import annotations

from typing import Any

import pytest

from api.runtime import Runtime
from tests.api.conftest import order_body, quiet
from tests.api.test_hostile_input import Client, log_end

AT = "2025-12-21T09:00:00+08:00"


def ids(client: Client) -> tuple[str, str]:
    """An order's id and a document's id: each an existing id of another aggregate type."""
    order_id = client.post("/orders", json=order_body()).json()["aggregate_id"]
    uploaded = client.post(
        f"/orders/{order_id}/documents",
        files={"file": ("frame.pdf", b"%PDF-1.7", "application/pdf")},
        data={"kind": "design_drawing", "title": "frame", "uploaded_at": AT},
    )
    assert uploaded.status_code == 201, uploaded.text
    quiet(client.app.state["runtime"])  # what the policies write in reply is written first
    return order_id, uploaded.json()["aggregate_id"]


def refused(response: Any, runtime: Runtime, before: int) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, response.text
    problem: dict[str, Any] = response.json()
    assert problem["detail"]
    assert log_end(runtime) == before
    return problem


def test_an_overflowing_unit_price_names_the_field(client: Client, runtime: Runtime) -> None:
    body = order_body()
    body["lines"][0]["unit_price"] = "1e999999999"
    before = log_end(runtime)
    problem = refused(client.post("/orders", json=body), runtime, before)
    assert "unit_price" in (problem.get("field") or "") + problem["detail"]


def test_a_deeply_nested_body_is_refused(client: Client, runtime: Runtime) -> None:
    body = b'{"lines": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    before = log_end(runtime)
    refused(client.post("/orders", content=body,
                        headers={"Content-Type": "application/json"}), runtime, before)  # fmt: skip


def test_an_upload_with_an_empty_file_name_is_refused_or_named(
    client: Client, runtime: Runtime
) -> None:
    order_id, _ = ids(client)
    response = client.post(
        f"/orders/{order_id}/documents",
        files={"file": ("", b"%PDF-1.7", "application/pdf")},
        data={"kind": "design_drawing", "title": "frame 2", "uploaded_at": AT},
    )
    assert response.status_code < 500, response.text
    if response.status_code < 300:  # accepted: under a name of ours, never an empty one
        document = client.get(f"/documents/{response.json()['aggregate_id']}").json()
        assert document["versions"][0]["filename"] == "file"


def test_a_long_file_name_is_accepted_whole_or_refused_never_half_written(
    client: Client, runtime: Runtime
) -> None:
    order_id, _ = ids(client)
    before = log_end(runtime)
    response = client.post(
        f"/orders/{order_id}/documents",
        files={"file": ("x" * 250 + ".pdf", b"%PDF-1.7", "application/pdf")},
        data={"kind": "design_drawing", "title": "frame 3", "uploaded_at": AT},
    )
    assert response.status_code == 201, response.text  # cut to what the event holds
    document = client.get(f"/documents/{response.json()['aggregate_id']}").json()
    assert document["versions"][0]["filename"] == "x" * 196 + ".pdf"
    assert log_end(runtime) > before


@pytest.mark.parametrize(
    ("method", "path", "body", "of"),
    [
        ("get", "/quotes/{order}", None, "order"),
        ("get", "/quotes/{order}/pdf", None, "order"),
        ("get", "/documents/{order}", None, "order"),
        ("get", "/documents/{order}/current", None, "order"),
        ("post", "/documents/{order}/shop-floor-links", {}, "order"),
        ("get", "/documents/{order}/versions/A/content", None, "order"),
        ("get", "/orders/{document}", None, "document"),
        ("post", "/orders/{document}/hold", {"reason": "x", "at": AT}, "document"),
        ("post", "/tasks/{order}/accept", {"by": "li", "at": AT}, "order"),
        ("post", "/tasks/{order}/complete", {"by": "li", "at": AT}, "order"),
        ("post", "/tasks/{order}/reassign",
         {"role": "design", "reason": "x", "by": "li", "at": AT}, "order"),
    ],
)
def test_an_id_of_another_aggregate_type_is_not_found(
    client: Client, runtime: Runtime, method: str, path: str, body: Any, of: str
) -> None:
    order_id, document_id = ids(client)
    url = path.format(order=order_id, document=document_id)
    before = log_end(runtime)
    response = client.request(method.upper(), url, json=body)
    problem = refused(response, runtime, before)
    assert response.status_code == 404, problem
