"""The disclosure pack as of a closed month (issue 27, item 8): disaggregation of
revenue by kind and timing (ASC 606-10-50-5), contract balances roll-forward, and the
remaining performance obligations by time band (606-10-50-13).

The contract of tests/policies/test_revenue_policy.py: two conveyors (59,220.78 of the
76,000 price) ship in December 2025; training (4,935.06) waits for its delivery; a
year of maintenance (11,844.16) runs ratably through 2026."""

from __future__ import annotations

import csv
import io

from api.auth import Role
from api.runtime import Runtime
from tests.api.conftest import bearer
from tests.policies.conftest import Client, ok, settle
from tests.policies.test_bill_milestones_policy import ship_everything
from tests.policies.test_revenue_policy import signed_contract


def test_a_closed_month_has_its_disclosures_and_an_open_one_is_refused(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    ship_everything(client, order_id)
    settle(runtime)
    refused = client.get("/revenue/disclosures", params={"month_to": "2025-12"})
    assert (refused.status_code, refused.json()["field"]) == (422, "month_to")
    # The fuzzer's find: YYYY-MM in form, yet no month (it answered 500).
    answer = client.get("/revenue/disclosures", params={"month_to": "0000-01"})
    assert (answer.status_code, answer.json()["field"]) == (422, "month_to"), answer.text
    finance = bearer(runtime, Role.FINANCE, "zhou.kuaiji")
    ok(client.post("/revenue/periods/close", json={"month": "2025-12"}, headers=finance))
    answer = client.get("/revenue/disclosures", params={"month_from": "7483-10"})
    assert (answer.status_code, answer.json()["field"]) == (422, "month_from"), answer.text
    pack = ok(client.get("/revenue/disclosures"))  # the last closed month
    assert (pack["month_from"], pack["month_to"]) == ("2025-12", "2025-12")
    assert pack["disaggregation"] == [
        {"currency": "CNY", "kind": "hardware", "timing": "point in time", "revenue": "59220.78"},
        {"currency": "CNY", "kind": "total", "timing": "", "revenue": "59220.78"},
    ]
    assert pack["by_product_line"] == [
        {"currency": "CNY", "product_line": "输送线", "revenue": "59220.78"},
        {"currency": "CNY", "product_line": "total", "revenue": "59220.78"},
    ]
    assert pack["by_region"][0] == {"currency": "CNY", "region": "浙江", "revenue": "59220.78"}
    [rpo] = pack["remaining_obligations"]
    assert {k: rpo[k] for k in ("remaining", "within_12_months", "months_13_to_24", "later",
                                "awaiting_fulfilment")} == {
        "remaining": "16779.22", "within_12_months": "11844.16", "months_13_to_24": "0.00",
        "later": "0.00", "awaiting_fulfilment": "4935.06"}  # fmt: skip
    [december] = pack["balances"]
    assert december["month"] == "2025-12" and december["recognised"] == "59220.78"
    exported = client.get("/revenue/export", params={"report": "rpo-bands", "as_of": "2025-12-31"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0]["within_12_months"] == "11844.16"
