"""Request and response bodies of the receivable, dunning and credit routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from application.intake import Amount, Aware, In, Name, Text, check_decimal
from domain.dunning import OverdueItem
from domain.receivable import commands as rcv
from domain.receivable.plans import PlanChoice
from domain.receivable.state import ReceivableState
from domain.shared import CurrencyCode, Money

References = Annotated[list[Name], msgspec.Meta(max_length=500)]


class InvoiceIn(In, kw_only=True, forbid_unknown_fields=True):
    invoice_number: Name
    milestone_id: Name
    issued_at: Aware

    def to_command(self) -> rcv.IssueInvoice:
        return rcv.IssueInvoice(
            invoice_number=self.invoice_number,
            milestone_id=self.milestone_id,
            issued_at=self.issued_at,
        )


class _MoneyIn(In, kw_only=True, forbid_unknown_fields=True):
    amount: Amount
    currency: CurrencyCode

    def __post_init__(self) -> None:
        check_decimal(self.amount, "amount", positive=True)

    @property
    def money(self) -> Money:
        return Money(amount=self.amount, currency=self.currency)


class PaymentIn(_MoneyIn, kw_only=True, forbid_unknown_fields=True):
    """A payment from the bank statement; its bank reference is its idempotency key."""

    bank_reference: Name
    received_at: Aware
    invoice_numbers: References = msgspec.field(default_factory=list)

    def to_command(self) -> rcv.RecordPayment:
        return rcv.RecordPayment(
            bank_reference=self.bank_reference,
            amount=self.money,
            received_at=self.received_at,
            invoice_numbers=tuple(self.invoice_numbers),
        )


class RefundIn(_MoneyIn, kw_only=True, forbid_unknown_fields=True):
    refund_reference: Name
    refunded_at: Aware
    reason: Text

    def to_command(self) -> rcv.RefundPayment:
        return rcv.RefundPayment(
            refund_reference=self.refund_reference,
            amount=self.money,
            refunded_at=self.refunded_at,
            reason=self.reason,
        )


class CreditNoteIn(_MoneyIn, kw_only=True, forbid_unknown_fields=True):
    credit_note_number: Name
    invoice_number: Name
    issued_at: Aware
    reason: Text

    def to_command(self) -> rcv.IssueCreditNote:
        return rcv.IssueCreditNote(
            credit_note_number=self.credit_note_number,
            invoice_number=self.invoice_number,
            amount=self.money,
            issued_at=self.issued_at,
            reason=self.reason,
        )


class WriteOffIn(In, kw_only=True, forbid_unknown_fields=True):
    invoice_number: Name
    at: Aware
    reason: Text

    def to_command(self) -> rcv.WriteOffInvoice:
        return rcv.WriteOffInvoice(
            invoice_number=self.invoice_number, at=self.at, reason=self.reason
        )


class MilestoneOut(msgspec.Struct, kw_only=True):
    milestone_id: str
    name: str
    percent: str
    trigger: str
    amount: Money
    status: str
    billable_on: date | None
    due_on: date | None
    invoice_number: str | None


class InvoiceOut(msgspec.Struct, kw_only=True):
    invoice_number: str
    milestone_id: str
    amount: Money
    paid: Money
    credited: Money
    written_off: Money
    outstanding: Money
    issued_at: datetime
    due_on: date
    settled: bool


class PlanOut(msgspec.Struct, kw_only=True):
    """The milestone template the receivable was opened with, and why: stated on the
    order, a plan rule matched (`rule`, counted from 1), or the credit-rating fallback."""

    template: str
    reason: str
    rule: int | None
    detail: str


def _plan(plan: PlanChoice | None) -> PlanOut | None:
    if plan is None:
        return None
    return PlanOut(
        template=plan.template, reason=plan.reason.value, rule=plan.rule, detail=plan.detail
    )


class ReceivableOut(msgspec.Struct, kw_only=True):
    """A receivable as the log has it now (not a possibly lagging read model)."""

    receivable_id: UUID
    order_id: UUID | None
    contract_number: str
    version: int
    contract_amount: Money
    revision: int
    on_account: Money
    facts: dict[str, datetime]
    plan: PlanOut | None  # None: opened before plans were recorded
    milestones: list[MilestoneOut]
    invoices: list[InvoiceOut]

    @classmethod
    def of(cls, receivable_id: UUID, state: ReceivableState) -> ReceivableOut:
        currency = state.currency
        return cls(
            receivable_id=receivable_id,
            order_id=state.order_id,
            contract_number=state.contract_number,
            version=state.version,
            contract_amount=Money.of(state.contract_amount, currency),
            revision=state.revision,
            on_account=Money.of(state.on_account, currency),
            facts={f.value: at for f, at in state.facts.items()},
            plan=_plan(state.plan),
            milestones=[
                MilestoneOut(
                    milestone_id=m.milestone.milestone_id,
                    name=m.milestone.term.name,
                    percent=str(m.milestone.term.percent),
                    trigger=m.milestone.term.trigger.value,
                    amount=m.milestone.amount,
                    status=state.status_of(m).value,
                    billable_on=m.billable_on,
                    due_on=m.due_on,
                    invoice_number=m.invoice_number,
                )
                for m in state.milestones
            ],
            invoices=[
                InvoiceOut(
                    invoice_number=i.invoice_number,
                    milestone_id=i.milestone_id,
                    amount=i.amount,
                    paid=i.paid,
                    credited=i.credited,
                    written_off=i.written_off,
                    outstanding=i.outstanding,
                    issued_at=i.issued_at,
                    due_on=i.due_on,
                    settled=i.settled,
                )
                for i in sorted(state.invoices.values(), key=lambda i: i.invoice_number)
            ],
        )


class OpenItemOut(OverdueItem, frozen=True, kw_only=True):
    """An invoice with money outstanding on a day, and how late it is."""

    days_overdue: int
    bucket: str


class CreditOut(msgspec.Struct, kw_only=True):
    customer_id: str
    rating: str
    on_time_streak: int
    judged_invoices: int
    changes: list[dict[str, Any]]
