"""Configure, price, quote over HTTP: the catalogue, quotes, acceptance into an order, the
quote PDF, and the quote list and sales analysis (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
from litestar.testing import TestClient
from pypdf import PdfReader

from api.auth import Role
from api.runtime import Runtime
from domain.cpq.catalogue import (
    CatalogueCommand,
    PublishBundle,
    PublishPricingRules,
    PublishProduct,
    PublishValidationRules,
    SetCustomerTier,
)
from domain.order.events import UsageRecorded
from domain.testing.cpq import EXAMPLE_PRODUCTS, example_catalogue
from tests.api.conftest import bearer

Client = TestClient[Any]


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def publish(client: Client, command: CatalogueCommand) -> Any:
    body = msgspec.to_builtins(command)
    body.pop("type", None)
    match command:
        case PublishProduct():
            return client.post("/catalogue/products", json=body)
        case PublishBundle():
            return client.post("/catalogue/bundles", json=body)
        case PublishPricingRules():
            return client.post("/catalogue/pricing-rules", json=body)
        case PublishValidationRules():
            return client.post("/catalogue/validation-rules", json=body)
        case SetCustomerTier(customer_id=customer, tier=tier):
            return client.put(f"/catalogue/customer-tiers/{customer}", json={"tier": tier})
    raise AssertionError(command)


def publish_example(client: Client) -> None:
    for command in example_catalogue():
        ok(publish(client, command))


def request(*lines: dict[str, Any], customer: str = "C-1") -> dict[str, Any]:
    return {"customer_id": customer, "region": "华东", "currency": "CNY", "lines": list(lines)}


def quote_body(number: str, *lines: dict[str, Any], at: str = "2026-03-02T09:00:00+08:00"):  # type: ignore[no-untyped-def]
    return {
        "number": number, "customer_name": "星海科技", "salesperson": "li.na",
        "terms": {"order_type": "software", "promised_delivery": "2026-04-30",
                  "valid_until": "2026-03-31"},
        "request": request(*lines), "at": at,
    }  # fmt: skip


HW = {"code": "HW-G3", "quantity": "2", "discount_percent": "15"}
LIC = {"code": "LIC-V3", "quantity": "2"}
MAINT = {"code": "MAINT-HW", "quantity": "2", "term_start": "2026-04-01", "term_months": 36}


def test_a_configuration_is_priced_without_being_recorded(client: Client, runtime: Runtime) -> None:
    publish_example(client)
    head = runtime.storage.read_store.head()
    priced = ok(client.post("/quotes/price", json={"request": request(HW, LIC, MAINT),
                                                    "on": "2026-03-02"}))  # fmt: skip
    assert priced["total"] == {"amount": "245454.40", "currency": "CNY"}
    assert priced["approvals"] == ["sales_director"]
    assert runtime.storage.read_store.head() == head


def test_a_broken_configuration_is_refused_with_every_rule_named_and_nothing_written(
    client: Client, runtime: Runtime
) -> None:
    publish_example(client)
    head = runtime.storage.read_store.head()
    maint_alone = dict(MAINT)
    old_licence = {"code": "LIC-V2", "quantity": "1"}
    refused = client.post("/quotes", json=quote_body("Q-BAD", maint_alone, old_licence))
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["rule"] == "configuration_refused"
    assert [(v["rule"], v["field"]) for v in problem["details"]["violations"]] == [
        ("maintenance_covers_hardware", "lines[0]"),
        ("licence_matches_hardware", "lines[1]"),
    ]
    assert runtime.storage.read_store.head() == head
    nan = client.post("/quotes/price", json={"request": request({"code": "HW-G3",
                                                                  "quantity": "NaN"})})  # fmt: skip
    assert nan.status_code in {400, 422}, nan.text


def test_an_accepted_quote_becomes_an_order_that_later_price_changes_never_touch(
    client: Client,
) -> None:
    publish_example(client)
    drafted = ok(client.post("/quotes", json=quote_body("Q-2026-001", HW, LIC, MAINT)))
    quote_id = drafted["aggregate_id"]
    revised = quote_body("Q-2026-001", {**HW, "discount_percent": "5"}, LIC, MAINT)
    revision = {key: revised[key] for key in ("terms", "request", "at")}
    ok(client.post(f"/quotes/{quote_id}/revisions",
                   json={**revision, "reason": "customer asked for less discount"}))  # fmt: skip
    stale = client.post(f"/quotes/{quote_id}/accept", json={
        "revision": 1, "accepted_by": "王总", "at": "2026-03-05T10:00:00+08:00"})  # fmt: skip
    assert stale.json()["rule"] == "stale_revision", stale.text
    accepted = ok(client.post(f"/quotes/{quote_id}/accept", json={
        "revision": 2, "accepted_by": "王总", "at": "2026-03-05T10:00:00+08:00"},
        headers={"Idempotency-Key": "accept-1"}))  # fmt: skip
    order_id = accepted["order"]["aggregate_id"]
    quote = ok(client.get(f"/quotes/{quote_id}"))
    assert quote["status"] == "accepted"
    assert quote["order_id"] == order_id
    order = ok(client.get(f"/orders/{order_id}"))
    lines = order["state"]["lines"]
    assert [ln["line_id"] for ln in lines] == ["L1", "L2", "L3"]
    assert order["state"]["quote"]["revision"] == 2
    before = [(ln["unit_price"], ln["discount"]) for ln in lines]
    # A retry of the same acceptance is answered with the first result.
    again = ok(client.post(f"/quotes/{quote_id}/accept", json={
        "revision": 2, "accepted_by": "王总", "at": "2026-03-05T10:00:00+08:00"},
        headers={"Idempotency-Key": "accept-1"}))  # fmt: skip
    assert again["order"]["replayed"]
    assert again["quote"]["replayed"]
    # The list price goes up from the day of the quote; the order keeps its prices.
    dearer = msgspec.structs.replace(EXAMPLE_PRODUCTS[0], list_prices={"CNY": Decimal(99_000)})
    ok(publish(client, PublishProduct(product=dearer, effective_from="2026-03-01")))  # type: ignore[arg-type]
    repriced = ok(client.post("/quotes/price", json={"request": revised["request"],
                                                      "on": "2026-03-02"}))  # fmt: skip
    assert repriced["lines"][0]["unit_price"]["amount"] == "99000.00"
    order_after = ok(client.get(f"/orders/{order_id}"))
    assert [(ln["unit_price"], ln["discount"]) for ln in order_after["state"]["lines"]] == before
    closed = client.post(f"/quotes/{quote_id}/revisions",
                         json={**revision, "reason": "too late"})  # fmt: skip
    assert closed.json()["rule"] == "quote_closed"


def test_the_quote_pdf_prints_its_lines_in_chinese(client: Client) -> None:
    publish_example(client)
    quote_id = ok(client.post("/quotes", json=quote_body("Q-PDF", HW, LIC)))["aggregate_id"]
    response = client.get(f"/quotes/{quote_id}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "Q-PDF-r1.pdf" in response.headers["content-disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("报价单", "Q-PDF", "边缘服务器", "CNY 196,000.00", "sales_director"):
        assert expected in text, expected


def test_graduated_seats_print_figures_that_multiply_out_and_the_order_totals_the_quote(
    client: Client,
) -> None:
    publish_example(client)
    seats = {"code": "SAAS-USER", "quantity": "120", "term_start": "2026-04-01",
             "term_months": 12}  # fmt: skip
    quote_id = ok(client.post("/quotes", json=quote_body("Q-SEATS", seats)))["aggregate_id"]
    quote = ok(client.get(f"/quotes/{quote_id}"))
    (line,) = quote["priced"]["lines"]
    assert (line["unit_price"]["amount"], line["rounding"]["amount"]) == ("1083.33", "0.40")
    pdf = client.get(f"/quotes/{quote_id}/pdf").content
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    # 120 x 1,083.33 = 129,999.60, and 0.40 rounding make the tiers' 130,000.00.
    times = "\N{MULTIPLICATION SIGN}"
    for expected in ("CNY 1,083.33", "CNY 129,999.60", "CNY 0.40", "Rounding adjustment",
                     f"50 {times} CNY 1,200.00 = CNY 60,000.00",
                     f"70 {times} CNY 1,000.00 = CNY 70,000.00", "CNY 130,000.00"):  # fmt: skip
        assert expected in text, expected
    assert "1,083.333" not in text
    accepted = ok(client.post(f"/quotes/{quote_id}/accept", json={
        "revision": 1, "accepted_by": "王总", "at": "2026-03-05T10:00:00+08:00"}))  # fmt: skip
    order_id = accepted["order"]["aggregate_id"]
    order = ok(client.get(f"/orders/{order_id}"))
    assert order["state"]["lines"][0]["rounding"] == {"amount": "0.40", "currency": "CNY"}
    contract = client.get(f"/orders/{order_id}/contract.pdf").content
    printed = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(contract)).pages)
                       .split())  # fmt: skip
    assert all(f in printed for f in ("CNY 129,999.60", "CNY 0.40", "CNY 130,000.00")), printed
    assert order["total"] == quote["priced"]["total"] == {"amount": "130000.00", "currency": "CNY"}


def test_quotes_and_bookings_show_in_the_sales_analysis(client: Client) -> None:
    publish_example(client)
    first = ok(client.post("/quotes", json=quote_body("Q-A", {"code": "HW-G3", "quantity": "1"})))
    first = first["aggregate_id"]
    ok(client.post(f"/quotes/{first}/accept", json={
        "revision": 1, "accepted_by": "王总", "at": "2026-03-05T10:00:00+08:00"}))  # fmt: skip
    second = ok(
        client.post(
            "/quotes",
            json=quote_body(
                "Q-B", {"code": "TRAIN", "quantity": "2"}, at="2026-03-10T09:00:00+08:00"
            ),
        )
    )
    lost = ok(
        client.post(
            "/quotes",
            json=quote_body(
                "Q-C", {"code": "IMPL", "quantity": "1"}, at="2026-03-11T09:00:00+08:00"
            ),
        )
    )
    ok(client.post(f"/quotes/{second['aggregate_id']}/accept", json={
        "revision": 1, "accepted_by": "王总", "at": "2026-03-12T10:00:00+08:00"}))  # fmt: skip
    last = ok(client.post(f"/quotes/{lost['aggregate_id']}/withdraw", json={
        "reason": "went with a competitor", "at": "2026-03-20T10:00:00+08:00"}))  # fmt: skip
    wait = {"wait_for_position": last["position"]}
    page = ok(client.get("/quotes", params={**wait, "customer_id": "C-1"}))
    assert {(q["number"], q["status"], q["purpose"]) for q in page["items"]} == {
        ("Q-A", "accepted", "new"), ("Q-B", "accepted", "expansion"),
        ("Q-C", "withdrawn", "expansion"),
    }  # fmt: skip
    report = ok(
        client.get(
            "/sales/analysis",
            params={**wait, "from_month": "2026-03", "to_month": "2026-03", "as_of": "2026-03-31"},
        )
    )
    (march,) = report["bookings"]
    assert march["by_purpose"]["new"] == "80000.00"
    assert march["by_purpose"]["expansion"] == "10000.00"
    assert {f["purpose"]: f["win_rate"] for f in report["quotes"]} == {
        "new": "1.0000", "expansion": "0.5000"}  # fmt: skip
    assert report["expansion_share"] == {"CNY": "0.1111"}


def test_only_finance_prices_the_catalogue_and_only_sales_quotes(
    client: Client, runtime: Runtime
) -> None:
    client.headers.update(bearer(runtime, Role.SALES, "li.na"))
    assert publish(client, example_catalogue()[0]).status_code == 403
    client.headers.update(bearer(runtime, Role.FINANCE, "zhao.min"))
    ok(publish(client, example_catalogue()[0]))
    hardware = quote_body("Q-F", {"code": "HW-G3", "quantity": "1"})
    assert client.post("/quotes", json=hardware).status_code == 403
    client.headers.update(bearer(runtime, Role.SALES, "li.na"))
    ok(client.post("/quotes", json=hardware))


def test_reported_usage_is_charged_by_the_tier_table_the_order_pinned(
    client: Client, runtime: Runtime
) -> None:
    publish_example(client)
    calls = {"code": "API-CALLS", "quantity": "500"}
    quote_id = ok(
        client.post("/quotes", json=quote_body("Q-USE", {"code": "HW-G3", "quantity": "1"}, calls))
    )
    accepted = ok(client.post(f"/quotes/{quote_id['aggregate_id']}/accept", json={
        "revision": 1, "accepted_by": "王总", "at": "2026-03-05T10:00:00+08:00"}))  # fmt: skip
    order_id = accepted["order"]["aggregate_id"]
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-USE", "signed_at": "2026-03-06T10:00:00+08:00"}))  # fmt: skip
    # Calls get dearer for everyone from March; this order keeps the rates it was sold at.
    dearer = msgspec.to_builtins(example_catalogue()[-3])
    dearer.pop("type")
    dearer["rules"]["tiers"][1]["bands"][0]["prices"]["CNY"] = "5"
    dearer["effective_from"] = "2026-03-01"
    ok(client.post("/catalogue/pricing-rules", json=dearer))
    charges = []
    for period, quantity in (("2026-03", "300"), ("2026-04", "400")):
        done = ok(client.post(f"/orders/{order_id}/usage", json={
            "line_id": "L2", "period": period, "quantity": quantity,
            "reported_at": f"{period}-28T18:00:00+08:00"}))  # fmt: skip
        usage = [r.event for r in runtime.service.history(UUID(order_id))
                 if isinstance(r.event, UsageRecorded)]  # fmt: skip
        charges.append(usage[-1].charge.amount)
    assert charges == [Decimal(0), Decimal(400)]  # 200 above the commitment at 2.00
    twice = client.post(f"/orders/{order_id}/usage", json={
        "line_id": "L2", "period": "2026-04", "quantity": "1",
        "reported_at": "2026-04-29T18:00:00+08:00"})  # fmt: skip
    assert twice.json()["rule"] == "duplicate_usage"
    report = ok(
        client.get(
            "/sales/analysis",
            params={
                "from_month": "2026-04",
                "to_month": "2026-04",
                "wait_for_position": done["position"],
            },
        )
    )
    assert report["bookings"][0]["by_purpose"]["usage"] == "400.00"
