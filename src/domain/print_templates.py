"""Printable documents as templates the business edits: sales contract, delivery note,
dunning letter, quote.

A template is text with `{placeholders}`: a title, opening paragraphs, a table of
facts (label and value), optionally the document's lines, and closing paragraphs.
Which placeholders a kind of document knows is fixed here; a publication naming
any other is refused with the place it stands, so a printed document never shows
a hole. Templates are published as part of the rulebook; a document is printed
with the templates in force when it is printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from string import Formatter
from typing import Annotated

import msgspec

from domain.shared import DomainError

Text = Annotated[str, msgspec.Meta(max_length=4000)]


class PrintKind(StrEnum):
    SALES_CONTRACT = "sales_contract"
    DELIVERY_NOTE = "delivery_note"
    DUNNING_LETTER = "dunning_letter"
    QUOTE = "quote"


class Fact(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    label: Text
    value: Text


class PrintTemplate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    title: Text
    opening: tuple[Text, ...] = ()
    facts: tuple[Fact, ...] = ()
    lines_table: bool = False  # the document's lines (contract, delivery note, quote)
    closing: tuple[Text, ...] = ()


_COMMON = {"company", "printed_on", "customer_name", "customer_id"}
PLACEHOLDERS: dict[PrintKind, frozenset[str]] = {
    PrintKind.SALES_CONTRACT: frozenset(_COMMON | {
        "contract_number", "signed_on", "order_ref", "region", "salesperson", "currency",
        "total", "promised_delivery", "payment_terms"}),
    PrintKind.DELIVERY_NOTE: frozenset(_COMMON | {
        "contract_number", "order_ref", "shipment_id", "shipped_on", "carrier",
        "tracking_number", "region"}),
    PrintKind.DUNNING_LETTER: frozenset(_COMMON | {
        "contract_number", "invoice_number", "milestone", "due_on", "days_overdue", "aging",
        "level", "level_name", "outstanding", "fee", "interest", "total", "salesperson"}),
    PrintKind.QUOTE: frozenset(_COMMON | {
        "number", "revision", "salesperson", "region", "valid_until", "promised_delivery",
        "total", "catalogue_revision", "priced_on", "approvals"}),
}  # fmt: skip


class InvalidTemplate(DomainError):
    rule = "invalid_template"


def placeholders(text: str, where: str) -> set[str]:
    """The `{names}` in `text`; braces that do not pair are refused."""
    try:
        return {name for _, name, _, _ in Formatter().parse(text) if name is not None}
    except ValueError as bad:
        raise InvalidTemplate(f"{where}: {bad} (write {{{{ and }}}} for braces)",
                              field=where) from None  # fmt: skip


def check_template(kind: PrintKind, template: PrintTemplate, where: str) -> None:
    texts = [(f"{where}.title", template.title)]
    texts += [(f"{where}.opening[{i}]", t) for i, t in enumerate(template.opening)]
    texts += [(f"{where}.facts[{i}].value", f.value) for i, f in enumerate(template.facts)]
    texts += [(f"{where}.facts[{i}].label", f.label) for i, f in enumerate(template.facts)]
    texts += [(f"{where}.closing[{i}]", t) for i, t in enumerate(template.closing)]
    known = PLACEHOLDERS[kind]
    for place, text in texts:
        unknown = sorted(placeholders(text, place) - known)
        if unknown:
            raise InvalidTemplate(
                f"{place}: a {kind.value} knows no {', '.join(unknown)}; it knows "
                f"{', '.join(sorted(known))}",
                field=place,
            )


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with its placeholders replaced (a checked template names only known ones)."""
    return text.format_map(values)


_F = Fact
DEFAULT_PRINT_TEMPLATES: dict[PrintKind, PrintTemplate] = {
    PrintKind.SALES_CONTRACT: PrintTemplate(
        title="销售合同 Sales contract {contract_number}",
        opening=(
            "卖方 Seller: {company}",
            "买方 Buyer: {customer_name} ({customer_id})",
            "双方就下列产品及服务达成一致,签订本合同。The parties agree on the products and "
            "services below.",
        ),
        facts=(_F(label="合同编号 Contract", value="{contract_number}"),
               _F(label="签订日期 Signed on", value="{signed_on}"),
               _F(label="订单 Order", value="{order_ref}"),
               _F(label="交付日期 Delivery by", value="{promised_delivery}"),
               _F(label="付款条件 Payment terms", value="{payment_terms}"),
               _F(label="合同金额 Contract total", value="{total}")),
        lines_table=True,
        closing=("卖方 Seller: {company} · 销售 Sales: {salesperson}",
                 "买方签字盖章 Buyer's signature and seal: ____________________"),
    ),
    PrintKind.DELIVERY_NOTE: PrintTemplate(
        title="送货单 Delivery note {shipment_id}",
        opening=("{company} → {customer_name}",),
        facts=(_F(label="合同编号 Contract", value="{contract_number}"),
               _F(label="发货日期 Shipped on", value="{shipped_on}"),
               _F(label="承运人 Carrier", value="{carrier}"),
               _F(label="运单号 Tracking", value="{tracking_number}")),
        lines_table=True,
        closing=("收货人签收 Received in good order by: ______________  日期 Date: ________",),
    ),
    PrintKind.DUNNING_LETTER: PrintTemplate(
        title="催款函 Payment reminder",
        opening=(
            "{company} · {printed_on}",
            "致 {customer_name}:",
            "根据合同 {contract_number},下列款项已逾期 {days_overdue} 天,请于收到本函后尽快"
            "安排付款。如已付款,请忽略本函并告知我们付款信息。",
            "Dear {customer_name}, under contract {contract_number} the amount below is "
            "{days_overdue} days overdue. Please arrange payment promptly; if you have paid "
            "already, kindly send us the payment details and disregard this letter.",
        ),
        facts=(_F(label="合同编号 Contract", value="{contract_number}"),
               _F(label="发票号 Invoice", value="{invoice_number}"),
               _F(label="款项 Milestone", value="{milestone}"),
               _F(label="到期日 Due date", value="{due_on}"),
               _F(label="逾期天数 Days overdue", value="{days_overdue}"),
               _F(label="账龄 Aging", value="{aging}"),
               _F(label="催收级别 Level", value="{level} · {level_name}"),
               _F(label="未付金额 Outstanding", value="{outstanding}"),
               _F(label="催收费用 Fee", value="{fee}"),
               _F(label="逾期利息 Interest", value="{interest}"),
               _F(label="应付合计 Total due", value="{total}")),
        closing=("联系人 Contact: {salesperson}", "{company} 财务部 Finance"),
    ),
    PrintKind.QUOTE: PrintTemplate(
        title="报价单 Quotation {number} · 第 {revision} 版 revision {revision}",
        opening=("{company} · 销售 Sales: {salesperson}",
                 "致 To: {customer_name} · 区域 Region: {region}",
                 "有效期至 Valid until: {valid_until} · 交付日期 Delivery: {promised_delivery}"),
        lines_table=True,
        facts=(_F(label="合计 Total", value="{total}"),),
        closing=("价格依据价目表第 {catalogue_revision} 版 (报价日 {priced_on})。Prices per "
                 "catalogue revision {catalogue_revision}, priced on {priced_on}.",
                 "{approvals}"),
    ),
}  # fmt: skip
