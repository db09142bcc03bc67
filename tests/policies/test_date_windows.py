"""Every date gets a sane window: a typing error is a 422 naming the field, never a 500
and never a parked read model (issue 27, item 11)."""

from __future__ import annotations

import pytest

from api.runtime import Runtime
from tests.policies.conftest import Client, ok, settle
from tests.policies.test_revenue_policy import signed_contract

TRAINING = {"fact": "training_delivered", "lines": [{"line_id": "L2", "quantity": "1"}]}


def refused(answer: object, field: str) -> dict[str, str]:
    assert answer.status_code == 422, answer.text  # type: ignore[attr-defined]
    problem: dict[str, str] = answer.json()  # type: ignore[attr-defined]
    assert problem["field"] == field, problem
    return problem


def test_a_fact_dated_in_9999_is_refused_and_every_report_stays_current(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    far = client.post(f"/revenue/contracts/{order_id}/fulfilments",
                      json={**TRAINING, "on": "9999-12-31"})  # fmt: skip
    assert "after today" in refused(far, "on")["detail"]
    settle(runtime)
    assert runtime.projections["revenue"].status() == "running"
    ok(client.get("/revenue/remaining-obligations"))
    # A later fact on the same contract still goes through.
    ok(client.post(f"/revenue/contracts/{order_id}/fulfilments",
                   json={**TRAINING, "on": "2025-12-30"}))  # fmt: skip


def test_a_fact_years_before_the_signing_is_refused_naming_the_signing_day(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)  # signed 2025-12-21
    early = client.post(f"/revenue/contracts/{order_id}/fulfilments",
                        json={**TRAINING, "on": "2019-06-01"})  # fmt: skip
    assert "before the contract began on 2025-12-21" in refused(early, "on")["detail"]
    contract = ok(client.get(f"/revenue/contracts/{order_id}", params={"as_of": "2025-12-31"}))
    assert {o["obligation_id"]: o["recognised"] for o in contract["obligations"]}["L2"] == "0.00"


def test_a_re_estimate_dated_before_the_signing_is_refused(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    bonus = {"name": "early-delivery bonus", "method": "most_likely_amount",
             "outcomes": [{"amount": "3000", "probability": "0.8"}], "on": "2020-01-01"}  # fmt: skip
    answer = client.post(f"/revenue/contracts/{order_id}/variable-consideration", json=bonus)
    assert "before the contract was signed, on 2025-12-21" in refused(answer, "on")["detail"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/revenue/remaining-obligations", {"as_of": "9999-12-31"}, "as_of"),
        ("/revenue/export", {"report": "remaining-obligations", "as_of": "0001-01-01"}, "as_of"),
        ("/revenue/balances", {"month_from": "2026-05-01", "month_to": "2026-01-01"}, "month_to"),
        ("/revenue/schedule", {"month_from": "9999-12-01"}, "month_from"),
        ("/receivables/aging", {"as_of": "9999-12-31"}, "as_of"),
        ("/receivables/open-items", {"as_of": "9999-12-31"}, "as_of"),
        ("/receivables/dso", {"start": "2026-03-01", "end": "2026-01-01"}, "end"),
        ("/receivables/dso", {"start": "0001-01-01", "end": "2026-01-01"}, "start"),
        ("/sales/analysis", {"from_month": "2026-01", "to_month": "2026-02",
                             "as_of": "9999-12-31"}, "as_of"),
    ],
)  # fmt: skip
def test_a_report_asked_for_an_absurd_date_answers_422_naming_it(
    client: Client, path: str, params: dict[str, str], field: str
) -> None:
    refused(client.get(path, params=params), field)
