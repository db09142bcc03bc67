"""Signing makes the order a revenue contract; fulfilment earns it; closed months stay shut."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.auth import Role
from api.runtime import Runtime
from domain.decider import topic_of
from domain.order.events import OrderCancelled
from infrastructure.daemon.rebuild import compare, rebuild
from policies.when_order_signed_recognise_revenue import NAME as POLICY
from policies.when_order_signed_recognise_revenue import RecogniseRevenuePolicy
from tests.api.conftest import bearer, order_body
from tests.policies.conftest import Client, ok, settle
from tests.policies.test_bill_milestones_policy import ship_everything

MAINTENANCE = {"line_id": "L3", "product_code": "MNT-1Y", "kind": "maintenance", "quantity": "1",
               "unit_price": "12000", "term_start": "2026-01-01", "term_months": 12}  # fmt: skip
SIGN = {"contract_number": "HT-606", "signed_at": "2025-12-21T10:00:00+08:00"}


def signed_contract(client: Client, runtime: Runtime) -> str:
    body = order_body()
    body["lines"].append(MAINTENANCE)
    order_id = str(ok(client.post("/orders", json=body))["aggregate_id"])
    ok(client.post(f"/orders/{order_id}/sign", json=SIGN))
    settle(runtime)
    return order_id


def schedule(client: Client, order_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    rows = ok(client.get("/revenue/schedule", params={"order_id": order_id}))
    return {(r["month"], r["obligation_id"]): r for r in rows}


def test_signing_identifies_the_contract_and_allocates_by_ssp(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    contract = ok(client.get(f"/revenue/contracts/{order_id}", params={"as_of": "2025-12-31"}))
    assert (contract["contract_number"], contract["terminated_on"]) == ("HT-606", None)
    assert contract["transaction_price"] == "76000.00"
    by_id = {o["obligation_id"]: o for o in contract["obligations"]}
    # SSPs 60,000 / 5,000 / 12,000 share a price of 76,000.
    assert {k: o["allocated"] for k, o in by_id.items()} == {
        "L1": "59220.78", "L2": "4935.06", "L3": "11844.16"}  # fmt: skip
    assert {k: o["pattern"] for k, o in by_id.items()} == {
        "L1": "point_in_time", "L2": "point_in_time", "L3": "ratable"}  # fmt: skip
    assert by_id["L1"]["remaining"] == "59220.78"


def test_shipments_and_facts_earn_revenue_and_a_closed_month_never_changes(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    ship_everything(client, order_id)  # both conveyors shipped in December
    settle(runtime)
    before = schedule(client, order_id)
    assert before["2025-12", "L1"]["amount"] == "59220.78"
    assert before["2026-01", "L3"]["amount"] == "1005.94"  # 31 of 365 days

    finance = bearer(runtime, Role.FINANCE, "zhou.kuaiji")
    close = {"month": "2025-12", "at": "2026-01-05T10:00:00+08:00", "note": "December books"}
    ok(client.post("/revenue/periods/close", json=close, headers=finance))
    assert ok(client.get("/revenue/periods")) == {
        "closed_through": "2025-12", "soft_closed_through": None, "warnings": []}  # fmt: skip
    # The training was given on 30 December but reported only now.
    late = {"fact": "training_delivered", "on": "2025-12-30",
            "lines": [{"line_id": "L2", "quantity": "1"}], "source": "trainer's report"}  # fmt: skip
    fact = ok(client.post(f"/revenue/contracts/{order_id}/fulfilments", json=late))
    settle(runtime)

    after = schedule(client, order_id)
    december = {k: v for k, v in after.items() if k[0] == "2025-12"}
    assert december == {k: v for k, v in before.items() if k[0] == "2025-12"}
    adjustment = after["2026-01", "L2"]
    assert (adjustment["regular"], adjustment["adjustment"]) == ("0.00", "4935.06")
    assert fact["version"] in adjustment["versions"]
    contract = ok(client.get(f"/revenue/contracts/{order_id}", params={"as_of": "2026-01-31"}))
    recognised = {o["obligation_id"]: o["recognised"] for o in contract["obligations"]}
    assert recognised == {"L1": "59220.78", "L2": "4935.06", "L3": "1005.94"}
    assert compare(runtime.projections["revenue"]) == []  # rebuilt from the log: the same

    # As known just before the late report, January had no training revenue at all.
    fact_time = runtime.service.history(UUID(fact["aggregate_id"]))[-1].timestamp
    then = ok(client.get(f"/revenue/contracts/{order_id}/as-known",
                         params={"at": (fact_time - timedelta(microseconds=1)).isoformat()}))  # fmt: skip
    now = ok(client.get(f"/revenue/contracts/{order_id}/as-known",
                        params={"at": fact_time.isoformat()}))  # fmt: skip
    assert {b["amount"] for b in then["bookings"] if b["obligation_id"] == "L2"} == {"0.00"}
    assert {(b["month"], b["obligation_id"]): b["amount"] for b in now["bookings"]} == {
        (r["month"], r["obligation_id"]): r["amount"] for r in after.values()}  # fmt: skip

    export = client.get("/revenue/export", params={"report": "schedule", "order_id": order_id})
    table = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert {(r["month"], r["obligation_id"], r["adjustment"]) for r in table
            if Decimal(r["adjustment"])} == {("2026-01", "L2", "4935.06")}  # fmt: skip


def test_balances_remaining_obligations_and_the_waterfall(client: Client, runtime: Runtime) -> None:
    order_id = signed_contract(client, runtime)
    invoice = {"invoice_number": "FP-1", "milestone_id": "m1",
               "issued_at": "2025-12-22T10:00:00+08:00"}  # fmt: skip
    ok(client.post(f"/receivables/{order_id}/invoices", json=invoice))  # 30 % of 76,000
    ship_everything(client, order_id)
    settle(runtime)

    balances = ok(client.get("/revenue/balances", params={
        "order_id": order_id, "month_from": "2025-12-01", "month_to": "2026-01-01"}))  # fmt: skip
    december, january = balances
    assert (december["opening"], december["billed"], december["recognised"]) == (
        "0.00", "22800.00", "59220.78")  # fmt: skip
    assert (december["closing"], december["asset"], december["liability"]) == (
        "-36420.78", "36420.78", "0.00")  # fmt: skip
    assert january["opening"] == december["closing"]
    assert january["closing"] == str(Decimal(january["opening"]) - Decimal("1005.94"))

    [rpo] = ok(client.get("/revenue/remaining-obligations", params={"as_of": "2025-12-31"}))
    assert (rpo["remaining"], rpo["within_12_months"], rpo["later"], rpo["awaiting_fulfilment"]) == (
        "16779.22", "11844.16", "0.00", "4935.06")  # fmt: skip
    waterfall = ok(client.get("/revenue/waterfall", params={"month_from": "2026-01-01"}))
    assert [w["month"] for w in waterfall] == [f"2026-{m:02}" for m in range(1, 13)]
    assert sum(Decimal(w["amount"]) for w in waterfall) == Decimal("11844.16")
    known = ok(client.get(f"/revenue/contracts/{order_id}/as-known",
                          params={"at": "2099-01-01T00:00:00Z"}))  # fmt: skip
    first = known["balances"][0]
    assert (first["month"], first["billed"], first["closing"], first["asset"]) == (
        "2025-12", "22800.00", "-36420.78", "36420.78")  # fmt: skip
    sheet = client.get("/revenue/export", params={"report": "balances", "format": "xlsx",
                                                  "month_from": "2025-12-01"})  # fmt: skip
    assert sheet.status_code == 200
    assert sheet.content[:2] == b"PK"  # a zip: the XLSX container


def test_periods_close_in_order_and_only_once_ended(client: Client, runtime: Runtime) -> None:
    finance = bearer(runtime, Role.FINANCE)
    early = {"month": "2026-01", "at": "2026-01-20T10:00:00+08:00"}
    refused = client.post("/revenue/periods/close", json=early, headers=finance)
    assert (refused.status_code, refused.json()["field"]) == (422, "month")
    ok(client.post("/revenue/periods/close", json={"month": "2025-11", "at": "2026-01-02T09:00:00Z"},
                   headers=finance))  # fmt: skip
    skipped = {"month": "2026-01", "at": "2026-02-02T09:00:00Z"}
    refused = client.post("/revenue/periods/close", json=skipped, headers=finance)
    assert "close 2025-12 before 2026-01" in refused.json()["detail"]
    bad = client.post("/revenue/periods/close", json={"month": "2025-13"}, headers=finance)
    assert (bad.status_code, bad.json()["field"]) == (400, "month")


def test_a_variable_bonus_enters_the_price_as_finance_constrains_it(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    finance = bearer(runtime, Role.FINANCE)
    bonus = {"name": "early delivery bonus", "method": "most_likely_amount",
             "outcomes": [{"amount": "7700", "probability": "0.7"},
                          {"amount": "0", "probability": "0.3"}],
             "constraint": "3850", "reason": "half is at risk from the port strike",
             "on": "2025-12-22"}  # fmt: skip
    ok(client.post(f"/revenue/contracts/{order_id}/variable-consideration", json=bonus,
                   headers=finance))  # fmt: skip
    settle(runtime)
    contract = ok(client.get(f"/revenue/contracts/{order_id}"))
    assert contract["transaction_price"] == "79850.00"
    no_reason = {**bonus, "reason": ""}
    refused = client.post(f"/revenue/contracts/{order_id}/variable-consideration",
                          json=no_reason, headers=finance)  # fmt: skip
    assert refused.status_code == 422
    unsigned = client.post("/revenue/contracts/00000000-0000-4000-8000-000000000000/fulfilments",
                           json={"fact": "completed", "on": "2026-01-01", "obligation_id": "L1"})  # fmt: skip
    assert unsigned.status_code == 404


def test_a_re_estimate_dated_before_signing_is_refused_saying_so_on_its_day(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    finance = bearer(runtime, Role.FINANCE)
    bonus = {"name": "early delivery bonus", "method": "most_likely_amount",
             "outcomes": [{"amount": "7700", "probability": "1"}]}  # fmt: skip
    route = f"/revenue/contracts/{order_id}/variable-consideration"
    early = client.post(route, json={**bonus, "on": "2020-01-01"}, headers=finance)
    assert (early.status_code, early.json()["field"]) == (422, "on"), early.text
    assert early.json()["detail"] == (
        "a change dated 2020-01-01 is before the contract was signed, on 2025-12-21"
    )
    ok(client.post(route, json={**bonus, "on": "2026-05-01"}, headers=finance))
    late = client.post(route, json={**bonus, "on": "2026-02-01"}, headers=finance)
    assert (late.status_code, late.json()["field"]) == (422, "on"), late.text
    assert late.json()["detail"] == (
        "a change dated 2026-02-01 is before the last one, dated 2026-05-01; "
        "changes come in date order"
    )


def test_finance_publishes_patterns_by_kind_and_a_line_may_say_otherwise(
    client: Client, runtime: Runtime
) -> None:
    finance = bearer(runtime, Role.FINANCE)
    on_acceptance = {"pattern": "point_in_time", "trigger": "acceptance"}
    ok(client.post("/revenue/patterns", json={"by_kind": {"hardware": on_acceptance}},
                   headers=finance))  # fmt: skip
    patterns = ok(client.get("/revenue/patterns"))
    assert patterns["version"] == 1
    assert patterns["by_kind"]["hardware"]["trigger"] == "acceptance"
    assert patterns["by_kind"]["subscription"]["pattern"] == "ratable"  # the default stays
    body = order_body()
    body["lines"][1]["revenue"] = {"pattern": "milestones", "milestones": [
        {"milestone_id": "theory", "share": "0.5"}, {"milestone_id": "practice", "share": "0.5"}]}  # fmt: skip
    order_id = str(ok(client.post("/orders", json=body))["aggregate_id"])
    ok(client.post(f"/orders/{order_id}/sign", json=SIGN))
    settle(runtime)
    contract = ok(client.get(f"/revenue/contracts/{order_id}"))
    assert {o["obligation_id"]: o["pattern"] for o in contract["obligations"]} == {
        "L1": "point_in_time", "L2": "milestones"}  # fmt: skip
    ship_everything(client, order_id)  # shipped, but hardware now earns on acceptance
    ok(client.post(f"/revenue/contracts/{order_id}/fulfilments", json={
        "fact": "milestone_reached", "on": "2025-12-23", "obligation_id": "L2",
        "milestone_id": "theory"}))  # fmt: skip
    settle(runtime)
    december = {r["obligation_id"]: r["amount"] for r in ok(client.get(
        "/revenue/schedule", params={"order_id": order_id})) if r["month"] == "2025-12"}  # fmt: skip
    assert december["L1"] == "0.00"
    assert december["L2"] == str(Decimal(contract["obligations"][1]["allocated"]) / 2)


def test_patterns_that_cannot_work_are_refused_by_field(client: Client, runtime: Runtime) -> None:
    finance = bearer(runtime, Role.FINANCE)
    ratable_hardware = {"by_kind": {"hardware": {"pattern": "ratable"}}}
    refused = client.post("/revenue/patterns", json=ratable_hardware, headers=finance)
    assert (refused.status_code, refused.json()["field"]) == (422, "by_kind.hardware")
    body = order_body()
    body["lines"][1]["revenue"] = {"pattern": "milestones", "milestones": [
        {"milestone_id": "theory", "share": "0.5"}]}  # fmt: skip
    refused = client.post("/orders", json=body)
    assert (refused.status_code, refused.json()["field"]) == (422, "lines[1].revenue")


def test_the_order_carries_its_revenue_terms_and_finance_classifies_a_change(
    client: Client, runtime: Runtime
) -> None:
    """IFRS 15 IE Example 34, Case A, captured as an order: A, B and C at SSPs 40, 55 and
    45 sold for 100, B and C regularly together for 60 — the discount is theirs."""
    lines = [{"line_id": lid, "product_code": lid, "kind": "hardware", "quantity": "1",
              "unit_price": price, "standalone_selling_price": ssp}
             for lid, price, ssp in (("A", "40", "40"), ("B", "35", "55"), ("C", "25", "45"))]  # fmt: skip
    terms = {"discounts": [{"obligations": ["B", "C"],
                            "reason": "B and C regularly sold together for 60"}]}  # fmt: skip
    body = order_body(lines=lines, revenue_terms=terms, currency="USD")
    order_id = str(ok(client.post("/orders", json=body))["aggregate_id"])
    ok(client.post(f"/orders/{order_id}/sign", json=SIGN))
    settle(runtime)
    contract = ok(client.get(f"/revenue/contracts/{order_id}"))
    assert {o["obligation_id"]: o["allocated"] for o in contract["obligations"]} == {
        "A": "40.00", "B": "33.00", "C": "27.00"}  # fmt: skip

    added = {"line_id": "D", "product_code": "D", "kind": "training", "quantity": "1",
             "unit_price": "10", "standalone_selling_price": "10"}  # fmt: skip
    change = {"reason": "customer adds a course", "changed_at": "2025-12-22T10:00:00+08:00",
              "add": [added], "revenue_classification": {
                  "treatment": "prospective", "reason": "priced with the remaining goods"}}  # fmt: skip
    ok(client.post(f"/orders/{order_id}/changes", json=change))
    settle(runtime)
    [modified] = [r.event for r in runtime.service.history(UUID(contract["contract_id"]))
                  if type(r.event).__name__ == "ContractModified"]  # fmt: skip
    assert (modified.treatment.value, modified.by_rule.value) == (
        "prospective", "separate_contract")  # fmt: skip
    assert modified.reason == "priced with the remaining goods"


def test_revenue_terms_naming_what_the_order_lacks_are_refused(client: Client) -> None:
    body = order_body(revenue_terms={"residual": ["L9"]})
    refused = client.post("/orders", json=body)
    assert (refused.status_code, refused.json()["field"]) == (422, "revenue_terms.residual")


def test_a_cancellation_after_signing_ends_the_contract_keeping_what_was_earned(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    ship_everything(client, order_id)  # the conveyors (L1) in December; no training (L2)
    cancel = {"reason": "客户资金链断裂, 终止合同", "at": "2026-03-31T18:00:00+08:00"}
    ok(client.post(f"/orders/{order_id}/cancel", json=cancel))
    settle(runtime)

    contract = ok(client.get(f"/revenue/contracts/{order_id}", params={"as_of": "2026-12-31"}))
    assert contract["terminated_on"] == "2026-03-31"
    by_id = {o["obligation_id"]: o for o in contract["obligations"]}
    # Maintenance earned January-March by day (90 of 365 days of 11,844.16), then nothing.
    earned = {"L1": "59220.78", "L2": "0.00", "L3": "2920.48"}
    assert {k: o["recognised"] for k, o in by_id.items()} == earned
    assert {k: o["allocated"] for k, o in by_id.items()} == earned
    assert {o["remaining"] for o in by_id.values()} == {"0.00"}
    months = schedule(client, order_id)
    earning = {m for (m, oid), row in months.items() if oid == "L3" and row["amount"] != "0.00"}
    assert earning == {"2026-01", "2026-02", "2026-03"}
    remaining = client.get("/revenue/remaining-obligations", params={"as_of": "2026-03-31"})
    assert ok(remaining) == []

    late = {"fact": "training_delivered", "on": "2026-03-15", "source": "trainer's report",
            "lines": [{"line_id": "L2", "quantity": "1"}]}  # fmt: skip
    refused = client.post(f"/revenue/contracts/{order_id}/fulfilments", json=late)
    assert refused.status_code == 422, refused.text
    assert "terminated" in refused.json()["detail"]
    assert compare(runtime.projections["revenue"]) == []  # rebuilt from the log: the same


def test_a_rebuilt_policy_terminates_contracts_of_orders_cancelled_before_it_could(
    client: Client, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A release whose policy did not hear cancellations: the contract outlives its order.
    blind = RecogniseRevenuePolicy.topics - {topic_of(OrderCancelled)}
    monkeypatch.setattr(RecogniseRevenuePolicy, "topics", blind)
    order_id = signed_contract(client, runtime)
    cancel = {"reason": "客户撤单", "at": "2026-01-31T18:00:00+08:00"}
    ok(client.post(f"/orders/{order_id}/cancel", json=cancel))
    settle(runtime)
    contract = f"/revenue/contracts/{order_id}"
    kept = ok(client.get(contract, params={"as_of": "2026-12-31"}))
    assert kept["transaction_price"] == "76000.00"

    monkeypatch.undo()  # this release: the policy rebuilt from the log decides what it missed
    rebuild(runtime.projections[POLICY])
    settle(runtime)
    ended = ok(client.get(contract, params={"as_of": "2026-12-31"}))
    assert ended["transaction_price"] == "1005.94"  # January's maintenance, nothing else
    history = ok(client.get(f"/audit/aggregates/{ended['contract_id']}/history"))
    topics = [e["topic"] for e in history["events"]]
    assert sum(t.endswith("ContractTerminated") for t in topics) == 1, topics
