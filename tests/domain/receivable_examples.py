"""A signed contract and its receivable, for the receivable and credit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain.receivable.commands import IssueInvoice, OpenReceivable, RecordFulfilment, RecordPayment
from domain.receivable.events import Fact, ReceivableEvent
from domain.receivable.terms import DEFAULT_PAYMENT_TERMS, CreditRating
from domain.shared import Money
from domain.testing import receivable_spec

ORDER = UUID("00000000-0000-4000-8000-0000000000aa")
SIGNED = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
STANDARD = DEFAULT_PAYMENT_TERMS.template(CreditRating.STANDARD)


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


def day(n: int) -> datetime:
    """`n` days after signing."""
    return SIGNED + timedelta(days=n)


def open_receivable(amount: str = "100000.00", **changes: object) -> OpenReceivable:
    fields: dict[str, object] = {
        "order_id": ORDER,
        "customer_id": "C-001",
        "customer_name": "苏州精工机械有限公司",
        "salesperson": "Li Na",
        "contract_number": "HT-2026-001",
        "contract_amount": cny(amount),
        "template": STANDARD,
        "credit_rating": CreditRating.STANDARD,
        "opened_at": SIGNED,
    } | changes
    return OpenReceivable(**fields)  # type: ignore[arg-type]


def signed(amount: str = "100000.00") -> list[ReceivableEvent]:
    return receivable_spec.run(open_receivable(amount))


def invoiced_prepayment(amount: str = "100000.00") -> list[ReceivableEvent]:
    """Signed, and the 30% prepayment invoiced on the day of signing (due day 30)."""
    return receivable_spec.run(
        open_receivable(amount),
        IssueInvoice(invoice_number="INV-1", milestone_id="m1", issued_at=SIGNED),
    )


def shipped_and_invoiced() -> list[ReceivableEvent]:
    """Prepayment paid; shipped on day 60 and the 60% invoiced (due day 90)."""
    return receivable_spec.run(
        open_receivable(),
        IssueInvoice(invoice_number="INV-1", milestone_id="m1", issued_at=SIGNED),
        RecordPayment(bank_reference="B-1", amount=cny("30000.00"), received_at=day(20)),
        RecordFulfilment(fact=Fact.SHIPMENT, at=day(60)),
        IssueInvoice(invoice_number="INV-2", milestone_id="m2", issued_at=day(60)),
    )
