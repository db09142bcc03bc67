"""A closed month reopens only when finance asks with a reason and an admin, another
person, approves; a soft-closed month still books, and every answer says so."""

from __future__ import annotations

from decimal import Decimal

from api.auth import Role
from api.runtime import Runtime
from domain.revenue_periods import PERIODS_ID
from infrastructure.daemon.rebuild import compare
from tests.api.conftest import bearer
from tests.policies.conftest import Client, ok, settle
from tests.policies.test_bill_milestones_policy import ship_everything
from tests.policies.test_revenue_policy import schedule, signed_contract

REQUESTS = "/revenue/periods/reopen-requests"
WHY = "the trainer's December report came after the close"
LATE_TRAINING = {"fact": "training_delivered", "on": "2025-12-30", "source": "trainer's report",
                 "lines": [{"line_id": "L2", "quantity": "1"}]}  # fmt: skip
BONUS = {"name": "early delivery bonus", "method": "most_likely_amount",
         "outcomes": [{"amount": "7700", "probability": "1"}], "on": "2025-12-29"}  # fmt: skip


def test_a_closed_month_reopens_on_finances_request_and_an_admins_approval(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    ship_everything(client, order_id)
    settle(runtime)  # December earns the conveyors before it closes
    zhou, qian = bearer(runtime, Role.FINANCE, "zhou.kuaiji"), bearer(runtime, Role.FINANCE, "qian")
    december = {"month": "2025-12", "at": "2026-01-05T10:00:00+08:00"}
    ok(client.post("/revenue/periods/close", json=december, headers=zhou))
    late = f"/revenue/contracts/{order_id}/fulfilments"
    ok(client.post(late, json=LATE_TRAINING, headers=zhou))  # booked in January, adjusting
    settle(runtime)
    assert schedule(client, order_id)["2026-01", "L2"]["adjustment"] == "4935.06"

    ask = {"month": "2025-12", "reason": WHY}
    sales = client.post(REQUESTS, json=ask, headers=bearer(runtime, Role.SALES, "sun"))
    assert sales.status_code == 403
    silent = client.post(REQUESTS, json={**ask, "reason": " "}, headers=zhou)
    assert (silent.status_code, silent.json()["field"]) == (422, "reason")
    november = client.post(REQUESTS, json={**ask, "month": "2025-11"}, headers=zhou)
    assert (november.status_code, november.json()["field"]) == (422, "month")
    asked = ok(client.post(REQUESTS, json=ask, headers=zhou))
    approve = f"{REQUESTS}/{asked['request_id']}/approve"
    assert client.post(approve, json={}, headers=qian).status_code == 403  # finance never approves
    own = client.post(approve, json={}, headers=bearer(runtime, Role.ADMIN, "zhou.kuaiji"))
    assert (own.status_code, own.json()["field"]) == (422, "by"), own.text
    assert ok(client.get("/revenue/periods"))["closed_through"] == "2025-12"  # still closed
    ok(client.post(approve, json={}, headers=bearer(runtime, Role.ADMIN, "li.admin")))
    assert ok(client.get("/revenue/periods"))["closed_through"] is None

    # December is open again: a fact dated in it books in it; January keeps its adjustment.
    ok(client.post(f"/revenue/contracts/{order_id}/variable-consideration", json=BONUS,
                   headers=zhou))  # fmt: skip
    settle(runtime)
    after = schedule(client, order_id)
    assert Decimal(after["2025-12", "L1"]["regular"]) > Decimal("59220.78")
    assert after["2025-12", "L1"]["adjustment"] == "0.00"
    assert ("2026-01", "L1") not in after  # nothing late for the conveyors
    assert after["2026-01", "L2"]["adjustment"] == "4935.06"  # it happened: it stays
    contract = ok(client.get(f"/revenue/contracts/{order_id}", params={"as_of": "2026-01-31"}))
    assert contract["transaction_price"] == "83700.00"
    booked = sum(Decimal(r["amount"]) for (m, _), r in after.items() if m <= "2026-01")
    assert booked == sum(Decimal(o["recognised"]) for o in contract["obligations"])
    known = ok(client.get(f"/revenue/contracts/{order_id}/as-known",
                          params={"at": "2099-01-01T00:00:00Z"}))  # fmt: skip
    assert {(b["month"], b["obligation_id"]): b["amount"] for b in known["bookings"]} == {
        k: r["amount"] for k, r in after.items()}  # fmt: skip
    assert compare(runtime.projections["revenue"]) == []  # rebuilt from the log: the same

    history = ok(client.get(f"/audit/aggregates/{PERIODS_ID}/history"))["events"]
    steps = [(e["topic"].rsplit(".", 1)[-1].rsplit(":", 1)[-1], e["actor"]) for e in history]
    assert steps[-2:] == [("PeriodReopenRequested", "zhou.kuaiji"), ("PeriodReopened", "li.admin")]
    assert history[-1]["event"]["reason"] == WHY
    assert history[-1]["event"]["requested_by"] == "zhou.kuaiji"
    # Re-closing is a close like any other.
    ok(client.post("/revenue/periods/close", json=december, headers=zhou))
    assert ok(client.get("/revenue/periods"))["closed_through"] == "2025-12"
    spent = client.post(approve, json={}, headers=bearer(runtime, Role.ADMIN, "li.admin"))
    assert (spent.status_code, spent.json()["field"]) == (422, "request_id")


def test_a_soft_closed_month_still_books_and_every_answer_warns(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_contract(client, runtime)
    ship_everything(client, order_id)
    settle(runtime)
    finance = bearer(runtime, Role.FINANCE, "zhou.kuaiji")
    soft = {"month": "2025-12", "at": "2026-01-02T10:00:00+08:00", "note": "preliminary"}
    assert client.post("/revenue/periods/soft-close", json=soft,
                       headers=bearer(runtime, Role.SALES, "sun")).status_code == 403  # fmt: skip
    ok(client.post("/revenue/periods/soft-close", json=soft, headers=finance))
    periods = ok(client.get("/revenue/periods"))
    assert (periods["closed_through"], periods["soft_closed_through"]) == (None, "2025-12")
    assert [w[:23] for w in periods["warnings"]] == ["2025-12 is soft-closed:"]

    fact = ok(client.post(f"/revenue/contracts/{order_id}/fulfilments", json=LATE_TRAINING,
                          headers=finance))  # fmt: skip
    assert [w[:23] for w in fact["warnings"]] == ["2025-12 is soft-closed:"]
    bonus = ok(client.post(f"/revenue/contracts/{order_id}/variable-consideration",
                           json=BONUS, headers=finance))  # fmt: skip
    assert bonus["warnings"] == fact["warnings"]
    settle(runtime)
    december = schedule(client, order_id)["2025-12", "L2"]
    assert (december["adjustment"], Decimal(december["regular"]) > 0) == ("0.00", True)

    ok(client.post("/revenue/periods/close", json={**soft, "at": "2026-01-05T10:00:00+08:00"},
                   headers=finance))  # fmt: skip
    assert ok(client.get("/revenue/periods")) == {
        "closed_through": "2025-12", "soft_closed_through": None, "warnings": []}  # fmt: skip
    later = ok(client.post(f"/revenue/contracts/{order_id}/variable-consideration",
                           json={**BONUS, "on": "2026-01-02"}, headers=finance))  # fmt: skip
    assert later["warnings"] == []  # booked in January, which is open
