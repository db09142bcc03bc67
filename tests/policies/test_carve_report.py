"""The carve-in / carve-out report per contract line, with the SSP used and why
(issue 27, item 4): the worked example of tests/domain/test_ssp_ranges.py at a tenth of
its size (below the sales director's threshold), captured over the API with the ranges
stated on the lines: SSPs 9,500 / 6,000 / 1,100 share 15,500 as 8,870.48 / 5,602.41 /
1,027.11."""

from __future__ import annotations

from api.runtime import Runtime
from tests.api.conftest import order_body
from tests.policies.conftest import Client, ok, settle

LINES = [
    {"line_id": "HW", "product_code": "CONV-800", "kind": "hardware", "quantity": "1",
     "unit_price": "9500", "standalone_selling_price": "9000",
     "ssp_range": {"low": "8000", "high": "10000"}},
    {"line_id": "LIC", "product_code": "LIC-1", "kind": "software_licence", "quantity": "1",
     "unit_price": "5000", "standalone_selling_price": "6000"},
    {"line_id": "MNT", "product_code": "MNT-1Y", "kind": "maintenance", "quantity": "1",
     "unit_price": "1000", "standalone_selling_price": "1200", "term_start": "2026-01-01",
     "term_months": 12, "ssp_range": {"low": "1100", "high": "1300"}},
]  # fmt: skip


def test_the_carve_report_shows_each_lines_ssp_why_and_carve(
    client: Client, runtime: Runtime
) -> None:
    order_id = ok(client.post("/orders", json=order_body("EC-CARVE", lines=LINES)))["aggregate_id"]
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-CARVE", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
    settle(runtime)
    rows = {r["obligation_id"]: r for r in ok(client.get(f"/revenue/contracts/{order_id}/carve"))}
    assert {k: (r["ssp"], r["allocated"], r["carve"], r["direction"]) for k, r in rows.items()} == {
        "HW": ("9500.00", "8870.48", "-629.52", "carve-out"),
        "LIC": ("6000.00", "5602.41", "602.41", "carve-in"),
        "MNT": ("1100.00", "1027.11", "27.11", "carve-in"),
    }
    assert "below the SSP range" in rows["MNT"]["ssp_basis"][0]
    bad = client.post("/orders", json=order_body("EC-BAD", lines=[
        {**LINES[0], "ssp_range": {"low": "10000", "high": "8000"}}]))  # fmt: skip
    assert bad.status_code in (400, 422)
    assert "ssp_range" in bad.text
