"""Contract costs over the API (ASC 340-40): finance records a commission; the report
shows its treatment, amortisation and balance.

The contract of tests/policies/test_revenue_policy.py (76,000: conveyors 59,220.78,
training 4,935.06, a year of maintenance 11,844.16 through 2026) with a 10 %
commission of 7,600 incurred at signing on 2025-12-21: the revenue runs until
2026-12-31, beyond a year, so it is capitalised. Once the conveyors ship in December,
59,220.78 of 76,000 is recognised: 7,600 x 59,220.78 / 76,000 = 5,922.08 is amortised
in December, leaving 1,677.92 as an asset."""

from __future__ import annotations

from api.auth import Role
from api.runtime import Runtime
from tests.api.conftest import bearer
from tests.policies.conftest import Client, ok, settle
from tests.policies.test_bill_milestones_policy import ship_everything
from tests.policies.test_revenue_policy import signed_contract

COMMISSION = {"cost_id": "commission-wang", "amount": "7600", "incurred_on": "2025-12-21",
              "description": "销售佣金 10% sales commission"}  # fmt: skip


def test_a_commission_is_capitalised_and_amortised_with_the_contracts_revenue(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    ship_everything(client, order_id)
    settle(runtime)
    sales = bearer(runtime, Role.SALES, "wang.fang")
    path = f"/revenue/contracts/{order_id}/costs"
    assert client.post(path, json=COMMISSION, headers=sales).status_code == 403
    finance = bearer(runtime, Role.FINANCE, "zhou.kuaiji")
    ok(client.post(path, json=COMMISSION, headers=finance))
    again = client.post(path, json=COMMISSION, headers=finance | {"Idempotency-Key": "x2"})
    assert (again.status_code, again.json()["field"]) == (422, "cost_id")
    settle(runtime)
    [row] = ok(client.get("/revenue/contract-costs", params={"as_of": "2025-12-31"}))
    assert (row["treatment"], row["amount"]) == ("capitalised", "7600")
    assert "until 2026-12-31, beyond a year" in row["reason"]
    assert (row["amortised_in_month"], row["amortised_to_date"], row["balance"]) == (
        "5922.08", "5922.08", "1677.92")  # fmt: skip
