"""Printed documents (PDF): sales contract, delivery note, dunning letter, quote.

Each is its kind's print template from the rulebook (domain.print_templates),
filled with the document's values and typeset with reportlab. Chinese renders
with reportlab's built-in CID font STSong-Light (the reader's Adobe Asian font
pack supplies the glyphs; no font file ships with us). Output is deterministic
(invariant mode): the same document and template give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple
from xml.sax.saxutils import escape

from litestar import Response
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from api.exports import attachment
from api.runtime import Runtime
from domain.cpq.pricing import QuoteLine
from domain.cpq.quote import QuoteState
from domain.deciders import RULEBOOK
from domain.dunning import DunningLine
from domain.order.events import OrderLine, ShipmentRecorded
from domain.order.state import OrderState
from domain.print_templates import DEFAULT_PRINT_TEMPLATES, PrintKind, PrintTemplate, fill
from domain.receivable.state import ReceivableState
from domain.rulebook import RULEBOOK_ID
from domain.shared import Money, minor_units
from projections.receivables_queries import bucket

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=24, spaceAfter=6 * mm)
_CELL = ParagraphStyle("cell", parent=BODY, fontSize=9, leading=12)
_AGING = {
    "current": "未到期 not yet due",
    "1_30": "逾期 1-30 天 1-30 days overdue",
    "31_60": "逾期 31-60 天 31-60 days overdue",
    "61_90": "逾期 61-90 天 61-90 days overdue",
    "over_90": "逾期 90 天以上 over 90 days overdue",
}
_WIDTH = 170 * mm  # A4 less the margins
_TIMES = "\N{MULTIPLICATION SIGN}"


class Lines(NamedTuple):
    header: tuple[str, ...]
    rows: list[list[str]]
    widths: tuple[float, ...]  # shares of the page width


def money_text(m: Money) -> str:
    """An amount to its currency's minor unit."""
    return f"{m.currency} {m.amount:,.{minor_units(m.currency)}f}"


def price_text(m: Money) -> str:
    """A unit price as it is kept: to the minor unit, or to the finer digits a catalogue
    price has (at most a millionth)."""
    finer = _decimals(m.amount.normalize())
    return f"{m.currency} {m.amount:,.{min(6, max(minor_units(m.currency), finer))}f}"


def _decimals(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _amount(m: Money) -> str:
    return money_text(m) if m.amount else ""


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(rows: list[list[str]], widths: Sequence[float], *, head: bool) -> Table:
    cells = [[_para(c, _CELL) for c in row] for row in rows]
    table = Table(cells, colWidths=[w * _WIDTH for w in widths], repeatRows=1 if head else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.4, "#999999"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if head:
        style.append(("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"))
    table.setStyle(TableStyle(style))
    return table


def printed(
    runtime: Runtime, kind: PrintKind, document: tuple[Mapping[str, str], Lines | None], name: str
) -> Response[bytes]:
    """A document printed with its kind's template in the rulebook (the default until one is
    published), as a PDF download called `name`."""
    published = runtime.service.load(RULEBOOK, RULEBOOK_ID).print_templates.get(kind)
    template = published.template if published else DEFAULT_PRINT_TEMPLATES[kind]
    values, lines = document
    body = render(template, values, lines, author=runtime.settings.company_name)
    return Response(body, media_type="application/pdf", headers=attachment(name))


def render(
    template: PrintTemplate, values: Mapping[str, str], lines: Lines | None, *, author: str
) -> bytes:
    """The template filled with `values` as a PDF. A fact whose value comes out empty (no
    fee, no carrier) and an empty paragraph are left out."""
    out = io.BytesIO()
    title = fill(template.title, values)
    doc = SimpleDocTemplate(out, pagesize=A4, invariant=1, title=title, author=author,
                            leftMargin=20 * mm, rightMargin=20 * mm)  # fmt: skip
    story: list[Flowable] = [_para(title, TITLE)]
    story += [_para(t, BODY) for t in (fill(p, values) for p in template.opening) if t.strip()]
    story.append(Spacer(1, 5 * mm))
    if template.lines_table and lines is not None:
        story += [_table([list(lines.header), *lines.rows], lines.widths, head=True),
                  Spacer(1, 5 * mm)]  # fmt: skip
    facts = [[fill(f.label, values), fill(f.value, values)] for f in template.facts]
    facts = [row for row in facts if row[1].strip()]
    if facts:
        story += [_table(facts, (0.35, 0.65), head=False), Spacer(1, 6 * mm)]
    story += [_para(t, BODY) for t in (fill(p, values) for p in template.closing) if t.strip()]
    doc.build(story)
    return out.getvalue()


# --- the values of each kind ----------------------------------------------------


def dunning_letter(line: DunningLine, *, company: str, as_of: date) -> dict[str, str]:
    return {
        "company": company, "printed_on": as_of.isoformat(),
        "customer_name": line.customer_name, "customer_id": line.customer_id,
        "contract_number": line.contract_number, "invoice_number": line.invoice_number,
        "milestone": line.milestone, "due_on": line.due_on.isoformat(),
        "days_overdue": str(line.days_overdue), "aging": _AGING[bucket(line.days_overdue)],
        "level": str(line.level), "level_name": line.level_name,
        "outstanding": money_text(line.outstanding), "fee": _amount(line.fee),
        "interest": _amount(line.interest), "total": money_text(line.total),
        "salesperson": line.salesperson,
    }  # fmt: skip


_ORDER_HEAD = (
    "行 Line",
    "产品 Product",
    "数量 Qty",
    "单价 Unit price",
    "折扣 Discount",
    "金额 Net",
)
_ORDER_WIDTHS = (0.08, 0.34, 0.1, 0.17, 0.14, 0.17)


def _priced_rows(line: OrderLine | QuoteLine, description: str) -> list[list[str]]:
    """A line as printed: quantity x unit price less discount, and a line's rounding
    adjustment on a row of its own, so every row multiplies out and the rows add up to
    the total."""
    rounding = line.rounding or Money.zero(line.unit_price.currency)
    rows = [[line.line_id, description, f"{line.quantity.normalize():f}",
             price_text(line.unit_price), _amount(line.discount),
             money_text(line.net - rounding)]]  # fmt: skip
    if rounding.amount:
        step = Money(amount=Decimal(1).scaleb(-_decimals(line.unit_price.amount)),
                     currency=rounding.currency)  # fmt: skip
        rows.append([line.line_id, f"舍入调整 Rounding adjustment: 单价取整至 unit price rounded "
                     f"to {price_text(step)}; 行合计 line total {money_text(line.gross)}",
                     "", "", "", money_text(rounding)])  # fmt: skip
    return rows


def _tier_text(line: QuoteLine) -> str:
    """How a tier table priced the line (a year's, for a term), when it used more than one
    price."""
    if len(line.tiers) < 2:
        return ""
    charges = "".join(f"\n{t.units.normalize():f} {_TIMES} {price_text(t.price)} = "
                      f"{money_text(t.price.times(t.units).rounded())}"
                      for t in line.tiers)  # fmt: skip
    return f"\n分档 Tiers{' 每年 a year' if line.term_months else ''}:{charges}"


def _term(start: date | None, months: int | None) -> str:
    return f"\n{start.isoformat()} +{months} 个月 months" if start and months else ""


def quote(state: QuoteState, *, company: str, today: date) -> tuple[dict[str, str], Lines]:
    assert state.priced is not None
    assert state.terms is not None
    assert state.request is not None
    priced = state.priced
    rows = []
    for line in priced.lines:
        text = f"{line.product_code} · {line.name}"
        text += f" ({line.bundle_code})" if line.bundle_code else ""
        text += _term(line.term_start, line.term_months) + _tier_text(line)
        if len(line.years) > 1:
            text += "\n" + "; ".join(f"Y{y.year}: {money_text(y.charged)}" for y in line.years)
        rows += _priced_rows(line, text)
    approvals = ", ".join(priced.approvals)
    pending = f"折扣待审批 Discount subject to approval by: {approvals}" if approvals else ""
    values = {
        "company": company, "printed_on": today.isoformat(),
        "customer_name": state.customer_name, "customer_id": state.request.customer_id,
        "number": state.number, "revision": str(state.revision),
        "salesperson": state.salesperson, "region": state.request.region,
        "valid_until": state.terms.valid_until.isoformat(),
        "promised_delivery": state.terms.promised_delivery.isoformat(),
        "total": money_text(priced.total), "catalogue_revision": str(priced.catalogue_revision),
        "priced_on": priced.priced_on.isoformat(),
        "approvals": pending,
    }  # fmt: skip
    return values, Lines(_ORDER_HEAD, rows, _ORDER_WIDTHS)


def _payment_terms(receivable: ReceivableState) -> str:
    return " · ".join(f"{m.milestone.term.name} {m.milestone.term.percent.normalize():f}%"
                      for m in receivable.milestones)  # fmt: skip


def sales_contract(
    order: OrderState, receivable: ReceivableState, *, company: str, today: date
) -> tuple[dict[str, str], Lines]:
    rows = [row for ln in order.lines
            for row in _priced_rows(ln, f"{ln.product_code} · {ln.description}".rstrip(" ·")
                                    + _term(ln.term_start, ln.term_months))]  # fmt: skip
    values = {
        "company": company, "printed_on": today.isoformat(),
        "customer_name": order.customer_name, "customer_id": order.customer_id,
        "contract_number": order.contract_number or "(未签约 unsigned)",
        "signed_on": order.signed_at.date().isoformat() if order.signed_at else "",
        "order_ref": order.external_ref, "region": order.region,
        "salesperson": order.salesperson, "currency": order.currency,
        "total": money_text(order.total),
        "promised_delivery": order.promised_delivery.isoformat() if order.promised_delivery
        else "",
        "payment_terms": _payment_terms(receivable),
    }  # fmt: skip
    return values, Lines(_ORDER_HEAD, rows, _ORDER_WIDTHS)


def delivery_note(
    order: OrderState, shipment: ShipmentRecorded, *, company: str, today: date
) -> tuple[dict[str, str], Lines]:
    described = {ln.line_id: f"{ln.product_code} · {ln.description}".rstrip(" ·")
                 for ln in order.lines}  # fmt: skip
    rows = [[q.line_id, described.get(q.line_id, q.line_id), f"{q.quantity.normalize():f}"]
            for q in shipment.lines]  # fmt: skip
    values = {
        "company": company, "printed_on": today.isoformat(),
        "customer_name": order.customer_name, "customer_id": order.customer_id,
        "contract_number": order.contract_number, "order_ref": order.external_ref,
        "shipment_id": shipment.shipment_id,
        "shipped_on": shipment.shipped_at.date().isoformat(), "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number, "region": order.region,
    }  # fmt: skip
    head = ("行 Line", "产品 Product", "发货数量 Qty shipped")
    return values, Lines(head, rows, (0.12, 0.63, 0.25))
