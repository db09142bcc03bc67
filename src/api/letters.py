"""Dunning letters as PDF, in Chinese and English.

Chinese renders with reportlab's built-in CID font STSong-Light (the reader's
Adobe Asian font pack supplies the glyphs; no font file ships with us). Output
is deterministic (reportlab's invariant mode), so a letter re-rendered from the
same list line is byte-identical.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from domain.dunning import DunningLine
from domain.shared import Money
from projections.receivables_queries import bucket

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=24, spaceAfter=6 * mm)
_AGING = {
    "current": "未到期 not yet due",
    "1_30": "逾期 1-30 天 1-30 days overdue",
    "31_60": "逾期 31-60 天 31-60 days overdue",
    "61_90": "逾期 61-90 天 61-90 days overdue",
    "over_90": "逾期 90 天以上 over 90 days overdue",
}


def money_text(m: Money) -> str:
    return f"{m.currency} {m.amount:,.2f}"


def _facts(line: DunningLine) -> list[tuple[str, str]]:
    rows = [
        ("合同编号 Contract", line.contract_number),
        ("发票号 Invoice", line.invoice_number),
        ("款项 Milestone", line.milestone),
        ("到期日 Due date", line.due_on.isoformat()),
        ("逾期天数 Days overdue", str(line.days_overdue)),
        ("账龄 Aging", _AGING[bucket(line.days_overdue)]),
        ("催收级别 Level", f"{line.level} · {line.level_name}"),
        ("未付金额 Outstanding", money_text(line.outstanding)),
    ]
    if line.fee.amount:
        rows.append(("催收费用 Fee", money_text(line.fee)))
    if line.interest.amount:
        rows.append(("逾期利息 Interest", money_text(line.interest)))
    rows.append(("应付合计 Total due", money_text(line.total)))
    return rows


def dunning_letter_pdf(line: DunningLine, *, company: str, as_of: date) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, invariant=1, title="催款函 Payment reminder",
                            author=company, leftMargin=20 * mm, rightMargin=20 * mm)  # fmt: skip
    table = Table([[k, v] for k, v in _facts(line)], colWidths=[55 * mm, 105 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 10.5),
        ("GRID", (0, 0), (-1, -1), 0.4, "#999999"),
        ("BACKGROUND", (0, -1), (-1, -1), "#eeeeee"),
    ]))  # fmt: skip
    customer = escape(line.customer_name)
    story = [
        Paragraph("催款函 Payment reminder", TITLE),
        Paragraph(f"{escape(company)} · {as_of.isoformat()}", BODY),
        Spacer(1, 6 * mm),
        Paragraph(f"致 {customer}:", BODY),
        Paragraph(
            f"根据合同 {escape(line.contract_number)},下列款项已逾期 {line.days_overdue} 天,"
            "请于收到本函后尽快安排付款。如已付款,请忽略本函并告知我们付款信息。",
            BODY,
        ),
        Paragraph(
            f"Dear {customer}, under contract {escape(line.contract_number)} the amount below "
            f"is {line.days_overdue} days overdue. Please arrange payment promptly; if you have "
            "paid already, kindly send us the payment details and disregard this letter.",
            BODY,
        ),
        Spacer(1, 5 * mm),
        table,
        Spacer(1, 8 * mm),
        Paragraph(f"联系人 Contact: {escape(line.salesperson)}", BODY),
        Paragraph(f"{escape(company)} 财务部 Finance", BODY),
    ]
    doc.build(story)
    return out.getvalue()
