"""Dunning letters: a PDF whose Chinese text is really there, the same bytes every time."""

from __future__ import annotations

import io
from datetime import date
from uuid import UUID

import pypdf

from api.letters import dunning_letter_pdf
from domain.dunning import DunningLine
from domain.shared import Money


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


LINE = DunningLine(
    salesperson="王芳", customer_id="C-001", customer_name="苏州精工机械有限公司",
    contract_number="HT-2026-001", order_id=UUID(int=1), receivable_id=UUID(int=2),
    invoice_number="FP-0042", milestone="发货款 shipment", due_on=date(2026, 1, 20),
    days_overdue=72, outstanding=cny("38400.00"), level=3, level_name="最后催告 final demand",
    fee=cny("200.00"), interest=cny("0.00"),
)  # fmt: skip


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
