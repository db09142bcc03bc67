"""Printed documents from editable templates: the Chinese text is really there, the same
bytes every time, and an edited template prints what the business wrote."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from uuid import UUID

import pypdf
from litestar.testing import TestClient

from api.printing import dunning_letter, render
from domain.dunning import DunningLine
from domain.print_templates import DEFAULT_PRINT_TEMPLATES, PrintKind
from domain.shared import Money
from tests.api.conftest import order_body

Client = TestClient[Any]


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


LINE = DunningLine(
    salesperson="王芳", customer_id="C-001", customer_name="苏州精工机械有限公司",
    contract_number="HT-2026-001", order_id=UUID(int=1), receivable_id=UUID(int=2),
    invoice_number="FP-0042", milestone="发货款 shipment", due_on=date(2026, 1, 20),
    days_overdue=72, outstanding=cny("38400.00"), level=3, level_name="最后催告 final demand",
    fee=cny("200.00"), interest=cny("0.00"),
)  # fmt: skip


def dunning_letter_pdf(line: DunningLine, *, company: str, as_of: date) -> bytes:
    values = dunning_letter(line, company=company, as_of=as_of)
    template = DEFAULT_PRINT_TEMPLATES[PrintKind.DUNNING_LETTER]
    return render(template, values, None, author=company)


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_letter_says_who_owes_what_in_chinese_and_english() -> None:
    pdf = dunning_letter_pdf(LINE, company="嘉兴恒力", as_of=date(2026, 4, 1))
    assert pdf.startswith(b"%PDF")
    assert b"STSong-Light" in pdf
    text = text_of(pdf)
    expected = ("催款函", "苏州精工机械有限公司", "HT-2026-001", "FP-0042", "CNY 38,400.00",
                "CNY 200.00", "CNY 38,600.00", "逾期 61-90 天", "王芳", "嘉兴恒力")  # fmt: skip
    for part in expected:
        assert part in text, part
    assert "Interest" not in text  # no interest configured: no line for it


def test_the_same_line_renders_the_same_bytes() -> None:
    first = dunning_letter_pdf(LINE, company="X", as_of=date(2026, 4, 1))
    assert first == dunning_letter_pdf(LINE, company="X", as_of=date(2026, 4, 1))


def test_an_unknown_placeholder_is_refused_where_it_stands(client: Client) -> None:
    template = {"title": "合同 {contract_number}", "opening": ["致 {customer}"]}
    refused = client.post("/rulebook/print-templates/sales_contract", json={"template": template})
    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "invalid_template"
    assert refused.json()["field"] == "template.opening[0]"
    broken = client.post("/rulebook/print-templates/quote", json={"template": {"title": "{oops"}})
    assert broken.json()["field"] == "template.title"


def test_the_contract_and_delivery_note_print_from_the_templates_the_business_edits(
    client: Client,
) -> None:
    order_id = ok(client.post("/orders", json=order_body("PRINT-1")))["aggregate_id"]
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-PRINT-1", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
    contract = client.get(f"/orders/{order_id}/contract.pdf")
    assert contract.status_code == 200
    text = text_of(contract.content)
    for part in ("销售合同", "HT-PRINT-1", "嘉兴恒力输送设备有限公司", "CONV-800", "CNY 64,000.00"):
        assert part in text, part
    edited = {"title": "购销合同 {contract_number}",
              "opening": ["甲方 {company},乙方 {customer_name}"],
              "facts": [{"label": "总价", "value": "{total}"}], "lines_table": True}  # fmt: skip
    ok(client.post("/rulebook/print-templates/sales_contract", json={"template": edited}))
    text = text_of(client.get(f"/orders/{order_id}/contract.pdf").content)
    assert "购销合同 HT-PRINT-1" in text
    assert "乙方 嘉兴恒力输送设备有限公司" in text
    assert "销售合同" not in text
    for stage in ("designing", "material_prep", "in_production", "testing", "awaiting_shipment"):
        ok(client.post(f"/orders/{order_id}/advance", json={
            "to_stage": stage, "at": "2025-12-22T10:00:00+08:00"}))  # fmt: skip
    ok(client.post(f"/orders/{order_id}/shipments", json={
        "shipment_id": "SH-1", "lines": [{"line_id": "L1", "quantity": "1"}],
        "shipped_at": "2025-12-23T10:00:00+08:00", "carrier": "顺丰 SF Express",
        "tracking_number": "SF123"}))  # fmt: skip
    note = client.get(f"/orders/{order_id}/shipments/SH-1/delivery-note.pdf")
    assert note.status_code == 200
    text = text_of(note.content)
    for part in ("送货单", "SH-1", "顺丰 SF Express", "SF123", "CONV-800"):
        assert part in text, part
    assert client.get(f"/orders/{order_id}/shipments/NOPE/delivery-note.pdf").status_code == 404
