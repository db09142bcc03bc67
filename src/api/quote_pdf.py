"""A quote as PDF (报价单), in Chinese and English, from the quote's current revision.

Same typesetting as the dunning letters (reportlab, built-in CID font, invariant
mode): the same revision renders to the same bytes.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from api.letters import BODY, FONT, TITLE, money_text
from domain.cpq.pricing import QuoteLine
from domain.cpq.quote import QuoteState

_HEAD = ("行 Line", "产品 Product", "数量 Qty", "单价 Unit price", "折扣 Discount", "金额 Net")


def _quantity(line: QuoteLine) -> str:
    return f"{line.quantity.normalize():f} {line.unit}"


def _description(line: QuoteLine) -> str:
    text = f"{line.product_code} · {line.name}"
    if line.bundle_code:
        text += f" ({line.bundle_code})"
    if line.term_start and line.term_months:
        text += f"\n{line.term_start.isoformat()} +{line.term_months} 个月 months"
        if len(line.years) > 1:
            text += "\n" + "; ".join(f"Y{y.year}: {money_text(y.charged)}" for y in line.years)
    return text


def quote_pdf(state: QuoteState, *, company: str) -> bytes:
    assert state.priced is not None
    assert state.terms is not None
    assert state.request is not None
    priced, terms = state.priced, state.terms
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), invariant=1,
                            title=f"报价单 Quotation {state.number}", author=company,
                            leftMargin=15 * mm, rightMargin=15 * mm)  # fmt: skip
    rows: list[list[str | Paragraph]] = [list(_HEAD)]
    for line in priced.lines:
        rows.append([
            line.line_id, Paragraph(escape(_description(line)).replace("\n", "<br/>"), BODY),
            _quantity(line), money_text(line.unit_price.rounded()),
            money_text(line.discount), money_text(line.net),
        ])  # fmt: skip
    rows.append(["", "合计 Total", "", "", "", money_text(priced.total)])
    table = Table(rows, colWidths=[18 * mm, 120 * mm, 25 * mm, 38 * mm, 30 * mm, 36 * mm],
                  repeatRows=1)  # fmt: skip
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 9.5),
        ("GRID", (0, 0), (-1, -1), 0.4, "#999999"),
        ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
        ("BACKGROUND", (0, -1), (-1, -1), "#eeeeee"),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    customer = escape(state.customer_name)
    story = [
        Paragraph(f"报价单 Quotation {escape(state.number)} · 第 {state.revision} 版 "
                  f"revision {state.revision}", TITLE),
        Paragraph(f"{escape(company)} · 销售 Sales: {escape(state.salesperson)}", BODY),
        Paragraph(f"致 To: {customer} · 区域 Region: {escape(state.request.region)}", BODY),
        Paragraph(f"有效期至 Valid until: {terms.valid_until.isoformat()} · "
                  f"交付日期 Delivery: {terms.promised_delivery.isoformat()}", BODY),
        Spacer(1, 5 * mm),
        table,
        Spacer(1, 5 * mm),
        Paragraph(f"价格依据价目表第 {priced.catalogue_revision} 版 (报价日 "
                  f"{priced.priced_on.isoformat()})。Prices per catalogue revision "
                  f"{priced.catalogue_revision}, priced on {priced.priced_on.isoformat()}.",
                  BODY),
    ]  # fmt: skip
    if priced.approvals:
        story.append(Paragraph(f"折扣待审批 Discount subject to approval by: "
                               f"{escape(', '.join(priced.approvals))}", BODY))  # fmt: skip
    doc.build(story)
    return out.getvalue()
