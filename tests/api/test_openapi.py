"""The OpenAPI document says what the routes do: exact answers, who needs a token."""

from __future__ import annotations

from typing import Any

from tests.api.test_hostile_input import Client


def schema(client: Client) -> dict[str, Any]:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_no_answer_is_documented_as_anything(client: Client) -> None:
    """A list route that also exports CSV/XLSX once said `oneOf [Page, {}]`."""
    vague = [
        f"{method.upper()} {path}"
        for path, operations in schema(client)["paths"].items()
        for method, operation in operations.items()
        for answer in operation.get("responses", {}).values()
        for media in answer.get("content", {}).values()
        if {} in media.get("schema", {}).get("oneOf", [])
    ]
    assert vague == []
    orders = schema(client)["paths"]["/orders"]["get"]["responses"]["200"]
    assert orders["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderPage"}  # fmt: skip


def test_the_public_routes_are_documented_as_needing_no_token(client: Client) -> None:
    paths = schema(client)["paths"]
    # An empty requirement: anyone may call it (the default elsewhere is a bearer token).
    assert paths["/health"]["get"]["security"] == [{}]
    assert paths["/health/live"]["get"]["security"] == [{}]
    assert "security" not in paths["/orders"]["get"]  # the document's default: a bearer token


def test_a_wrong_method_says_which_are_allowed(client: Client) -> None:
    response = client.delete("/orders")
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST", "OPTIONS"}
    assert response.json()["rule"] == "method_not_allowed"
