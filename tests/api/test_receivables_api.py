"""Finance over HTTP: invoices, payments, credit notes, aging, DSO, dunning lists and letters."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pytest
from litestar.testing import TestClient

from api.runtime import Runtime
from tests.api.conftest import order_body

Client = TestClient[Any]


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def settled(client: Client, runtime: Runtime) -> None:
    """Let the policies and the dispatcher run until the log is quiet."""
    for _ in range(3):
        head = runtime.storage.read_store.head()
        for live in runtime.projections.values():
            assert live.wait_for(head, timeout=10)
        runtime.dispatcher.dispatch_once()


@pytest.fixture
def signed(client: Client, runtime: Runtime) -> str:
    order_id = str(ok(client.post("/orders", json=order_body()))["aggregate_id"])
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-2025-088", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
    settled(client, runtime)
    return order_id


def pay(client: Client, order_id: str, ref: str, amount: str, at: str) -> Any:
    return client.post(f"/receivables/{order_id}/payments", json={
        "bank_reference": ref, "amount": amount, "currency": "CNY", "received_at": at})  # fmt: skip


def invoice(client: Client, order_id: str, number: str, milestone: str) -> Any:
    return client.post(f"/receivables/{order_id}/invoices", json={
        "invoice_number": number, "milestone_id": milestone,
        "issued_at": "2025-12-21T11:00:00+08:00"})  # fmt: skip


def test_a_signed_order_has_its_thirty_sixty_ten_receivable(client: Client, signed: str) -> None:
    receivable = ok(client.get(f"/receivables/{signed}"))
    assert [m["amount"]["amount"] for m in receivable["milestones"]] == [
        "19200.00", "38400.00", "6400.00"]  # fmt: skip
    assert [m["status"] for m in receivable["milestones"]] == ["billable", "scheduled",
                                                               "scheduled"]  # fmt: skip
    assert receivable["milestones"][0]["due_on"] == "2026-01-20"


def test_invoice_and_pay_then_the_same_bank_reference_is_not_recorded_twice(
    client: Client, runtime: Runtime, signed: str
) -> None:
    invoice(client, signed, "INV-1", "m1")
    first = ok(pay(client, signed, "ICBC-0001", "10000.00", "2026-01-05T10:00:00+08:00"))
    again = ok(pay(client, signed, "ICBC-0001", "10000.00", "2026-01-05T10:00:00+08:00"))
    assert again["replayed"]
    assert again["position"] == first["position"]
    different = pay(client, signed, "ICBC-0001", "99.00", "2026-01-05T10:00:00+08:00")
    assert different.status_code == 409
    issued = ok(client.get(f"/receivables/{signed}"))["invoices"][0]
    assert issued["outstanding"]["amount"] == "9200.00"
    assert ok(client.get(f"/receivables/{signed}"))["milestones"][0]["status"] == "partly_paid"


def test_bad_input_is_refused_with_the_field_and_changes_nothing(
    client: Client, signed: str
) -> None:
    before = ok(client.get(f"/receivables/{signed}"))["version"]
    wrong = invoice(client, signed, "INV-9", "m2")
    assert wrong.status_code == 422
    assert wrong.json()["rule"] == "milestone_not_billable"
    negative = pay(client, signed, "B-9", "-1", "2026-01-05T10:00:00+08:00")
    assert negative.status_code == 400
    assert ok(client.get(f"/receivables/{signed}"))["version"] == before
    assert client.get("/receivables/00000000-0000-4000-8000-000000000000").status_code == 404


def test_aging_puts_the_overdue_invoice_in_its_bucket_as_of_a_date(
    client: Client, runtime: Runtime, signed: str
) -> None:
    invoice(client, signed, "INV-1", "m1")
    settled(client, runtime)
    [row] = ok(client.get("/receivables/aging", params={"as_of": "2026-03-01", "by": "customer"}))
    assert row["customer_id"] == "C-JX-001"
    assert row["31_60"] == "19200.00"  # due 2026-01-20: 40 days overdue on 1 March
    [current] = ok(client.get("/receivables/aging", params={"as_of": "2026-01-10"}))
    assert current["current"] == "19200.00"


def test_open_items_say_how_late_each_invoice_is_and_aging_exports(
    client: Client, runtime: Runtime, signed: str
) -> None:
    invoice(client, signed, "INV-1", "m1")
    settled(client, runtime)
    [item] = ok(client.get("/receivables/open-items", params={"as_of": "2026-03-01"}))
    assert (item["invoice_number"], item["days_overdue"], item["bucket"]) == ("INV-1", 40, "31_60")
    assert ok(client.get("/receivables/open-items", params={"salesperson": "nobody"})) == []
    exported = client.get("/receivables/aging/export", params={"as_of": "2026-03-01"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["customer_id", "customer_name", "currency"]
    assert rows[1][rows[0].index("31_60")] == "19200.00"
    xlsx = client.get("/receivables/aging/export", params={"as_of": "2026-03-01", "format": "xlsx"})
    assert "attachment" in xlsx.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.cell(2, 1).value == "C-JX-001"


def test_weekly_dunning_lists_the_overdue_item_once_with_exports_and_a_letter(
    client: Client, runtime: Runtime, signed: str
) -> None:
    invoice(client, signed, "INV-1", "m1")
    settled(client, runtime)
    monday_ten = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Monday
    run = ok(client.post("/dunning-lists/run", json={"at": monday_ten.isoformat()}))
    again = ok(client.post("/dunning-lists/run", json={"at": "2026-03-08T12:00:00+08:00"}))
    assert again["list_id"] == run["list_id"]  # the same firing: one list
    assert run["scheduled_for"] == "2026-03-02T09:00:00+08:00"
    listed = ok(client.get(f"/dunning-lists/{run['list_id']}"))
    [line] = listed["lines"]
    assert (line["days_overdue"], line["level"], line["salesperson"]) == (41, 2, "wang.fang")

    exported = client.get(f"/dunning-lists/{run['list_id']}/export", params={"format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][3] == "HT-2025-088"
    assert rows[1][11] == "19200.00"
    xlsx = client.get(f"/dunning-lists/{run['list_id']}/export", params={"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.cell(2, 4).value == "HT-2025-088"
    letter = client.get(f"/dunning-lists/{run['list_id']}/lines/1/letter.pdf")
    assert letter.status_code == 200
    assert letter.content.startswith(b"%PDF")
    assert client.get(f"/dunning-lists/{run['list_id']}/lines/2/letter.pdf").status_code == 404
    settled(client, runtime)
    assert [r["list_id"] for r in ok(client.get("/dunning-lists"))][-1] == run["list_id"]
    credit = ok(client.get("/customers/C-JX-001/credit"))
    assert credit["rating"] == "watch"
    assert "dunning list" in credit["changes"][0]["reason"]


def test_a_run_later_in_the_week_adds_what_fell_overdue_since_and_tells_it_once(
    client: Client, runtime: Runtime, signed: str
) -> None:
    invoice(client, signed, "INV-1", "m1")  # due 20 January: overdue on Monday
    later = str(ok(client.post("/orders", json=order_body("EC-2026-0002")))["aggregate_id"])
    ok(client.post(f"/orders/{later}/sign", json={
        "contract_number": "HT-2026-011", "signed_at": "2026-02-01T10:00:00+08:00"}))  # fmt: skip
    settled(client, runtime)  # INV-2 falls due on 3 March: overdue from Wednesday
    ok(client.post(f"/receivables/{later}/invoices", json={
        "invoice_number": "INV-2", "milestone_id": "m1",
        "issued_at": "2026-02-01T11:00:00+08:00"}))  # fmt: skip
    settled(client, runtime)

    monday = ok(client.post("/dunning-lists/run", json={"at": "2026-03-02T10:00:00+08:00"}))
    wednesday = ok(client.post("/dunning-lists/run", json={"at": "2026-03-04T10:00:00+08:00"}))
    again = ok(client.post("/dunning-lists/run", json={"at": "2026-03-04T15:00:00+08:00"}))
    assert monday["list_id"] == wednesday["list_id"] == again["list_id"]
    assert [(r["revision"], r["lines"]) for r in (monday, wednesday, again)] == [
        (1, 1), (2, 2), (None, 2)]  # fmt: skip

    week = ok(client.get(f"/dunning-lists/{monday['list_id']}"))
    assert [(ln["invoice_number"], ln["revision"], ln["n"]) for ln in week["lines"]] == [
        ("INV-1", 1, 1), ("INV-2", 2, 2)]  # fmt: skip
    assert [(r["revision"], r["as_of"], r["lines"]) for r in week["revisions"]] == [
        (1, "2026-03-02", 1), (2, "2026-03-04", 1)]  # fmt: skip
    assert week["lines"][1]["days_overdue"] == 1
    [new] = ok(client.get(f"/dunning-lists/{monday['list_id']}", params={"revision": 2}))["lines"]
    assert new["invoice_number"] == "INV-2"
    assert client.get(f"/dunning-lists/{monday['list_id']}/lines/2/letter.pdf").status_code == 200

    settled(client, runtime)
    [row] = ok(client.get("/dunning-lists"))
    assert (row["revision"], row["lines"], row["as_of"]) == (2, 2, "2026-03-04")
    told = [m for m in ok(client.get("/notifications"))
            if m["kind"] == "dunning_list_ready" and m["recipient"] == "wang.fang"]  # fmt: skip
    assert len(told) == 2
    first, second = sorted(told, key=lambda m: m["caused_at"])
    assert "INV-1" in first["body"]
    assert "INV-2" not in first["body"]
    assert second["body"].startswith("2. ")  # line 2 of the list, as in its letter's address
    assert "INV-2" in second["body"]
    assert "INV-1" not in second["body"]
