"""One documented form per field: a time is RFC 3339 text with an offset, a decimal
is a string of digits; Unix times, JSON numbers for amounts and padded text are
refused by name (a fuzz run once compiled a dunning list for 1969-12-29)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import order_body
from tests.api.test_hostile_input import Client, log_end, problem_of


def with_line(**fields: Any) -> dict[str, Any]:
    body = order_body()
    body["lines"][0].update(fields)
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (order_body(placed_at=1_700_000_000), "placed_at"),
        (order_body(placed_at=1.7e9), "placed_at"),
        (with_line(unit_price=30000), "lines[0].unit_price"),
        (with_line(unit_price=" 100 "), "lines[0].unit_price"),
        (with_line(quantity=2), "lines[0].quantity"),
        (with_line(quantity="2e0"), "lines[0].quantity"),
        (with_line(term_months="12"), "lines[0].term_months"),
        # Reported: a negative quantity named lines[0], not the field.
        (with_line(quantity="-1"), "lines[0].quantity"),
        (with_line(discount="-5"), "lines[0].discount"),
    ],
    ids=["unix-int", "unix-float", "number-price", "padded-price", "number-quantity",
         "exponent", "numeric-string-int", "negative-quantity", "negative-discount"],
)  # fmt: skip
def test_another_form_of_a_value_is_refused_by_name(
    client: Client, runtime: Any, body: dict[str, Any], field: str
) -> None:
    before = log_end(runtime)
    problem = problem_of(client.post("/orders", json=body), 400)
    assert problem["field"] == field, problem
    assert log_end(runtime) == before


def test_a_dunning_run_at_a_unix_time_is_refused(client: Client, runtime: Any) -> None:
    before = log_end(runtime)
    problem = problem_of(client.post("/dunning-lists/run", json={"at": 0}), 400)
    assert problem["field"] == "at"
    assert log_end(runtime) == before


def test_the_documented_forms_are_accepted(client: Client) -> None:
    body = with_line(unit_price="30000.00", quantity="2")
    assert client.post("/orders", json=body).status_code == 201
