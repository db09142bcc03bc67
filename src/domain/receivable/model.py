"""Receivable: what the customer owes for one order — milestones, invoices, cash.

Commands and events are the facts finance deals in; the state folds them into
milestones and invoices with their running balances. Every invoice keeps
amount = paid + credited + written off + outstanding, outstanding never below
zero; cash beyond what is owed is held on account (an explicit credit) until it
is applied to a later invoice or refunded.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.receivable.terms import CreditRating, MilestoneTemplate, MilestoneTerm
from domain.shared import AwareDatetime, DomainError, Money, Name, Text

_RECEIVABLES = uuid5(NAMESPACE_URL, "urn:orderhub:receivables")


def receivable_id_for(order_id: UUID) -> UUID:
    """One receivable per order."""
    return uuid5(_RECEIVABLES, str(order_id))


class Fact(StrEnum):
    """Fulfilment facts that make milestones billable."""

    SIGNING = "signing"
    SHIPMENT = "shipment"
    ACCEPTANCE = "acceptance"
    ACCEPTANCE_REPORT = "acceptance_report"


class FactAt(msgspec.Struct, frozen=True, kw_only=True):
    fact: Fact
    at: AwareDatetime


class Milestone(msgspec.Struct, frozen=True, kw_only=True):
    milestone_id: Name
    term: MilestoneTerm
    amount: Money


class MilestoneAmount(msgspec.Struct, frozen=True, kw_only=True):
    milestone_id: str
    amount: Money


class Application(msgspec.Struct, frozen=True, kw_only=True):
    invoice_number: str
    amount: Money


# --- commands -----------------------------------------------------------------------


class OpenReceivable(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    customer_id: Name
    customer_name: Name
    salesperson: Name
    contract_number: Name
    contract_amount: Money
    template: MilestoneTemplate
    credit_rating: CreditRating
    opened_at: AwareDatetime
    facts: tuple[FactAt, ...] = ()  # fulfilment already known when the order was signed


class RecordFulfilment(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    fact: Fact
    at: AwareDatetime


class ReviewMilestones(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The clock's turn: milestones due by date (a contract date, retention) become billable."""

    as_of: AwareDatetime


class ReviseContractAmount(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    amount: Money
    at: AwareDatetime


class IssueInvoice(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    invoice_number: Name
    milestone_id: Name
    issued_at: AwareDatetime


class RecordPayment(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    bank_reference: Name
    amount: Money
    received_at: AwareDatetime
    invoice_numbers: tuple[Name, ...] = ()  # applied to these first, then oldest due first


class RefundPayment(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    refund_reference: Name
    amount: Money
    refunded_at: AwareDatetime
    reason: Text


class IssueCreditNote(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    credit_note_number: Name
    invoice_number: Name
    amount: Money
    issued_at: AwareDatetime
    reason: Text


class WriteOffInvoice(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    invoice_number: Name
    at: AwareDatetime
    reason: Text


ReceivableCommand = (
    OpenReceivable
    | RecordFulfilment
    | ReviewMilestones
    | ReviseContractAmount
    | IssueInvoice
    | RecordPayment
    | RefundPayment
    | IssueCreditNote
    | WriteOffInvoice
)


# --- events -------------------------------------------------------------------------


class ReceivableOpened(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    customer_id: str
    customer_name: str
    salesperson: str
    contract_number: str
    contract_amount: Money
    template: str
    credit_rating: CreditRating
    milestones: tuple[Milestone, ...]
    opened_at: AwareDatetime


class FulfilmentRecorded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    fact: Fact
    at: AwareDatetime


class MilestoneBillable(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    milestone_id: str
    billable_on: date
    due_on: date


class ContractAmountRevised(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A change order moved the contract amount; `amounts` are the milestones that moved."""

    revision: int
    previous: Money
    amount: Money
    rule: str
    amounts: tuple[MilestoneAmount, ...]
    added: tuple[Milestone, ...]
    at: AwareDatetime


class InvoiceIssued(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    invoice_number: str
    milestone_id: str
    amount: Money
    issued_at: AwareDatetime
    due_on: date


class PaymentReceived(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    bank_reference: str
    amount: Money
    received_at: AwareDatetime
    applied: tuple[Application, ...]
    on_account: Money  # the part no invoice was owed: held as the customer's credit


class CreditApplied(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Money held on account settles (part of) an invoice."""

    invoice_number: str
    amount: Money
    at: AwareDatetime


class PaymentRefunded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    refund_reference: str
    amount: Money
    refunded_at: AwareDatetime
    reason: str


class CreditNoteIssued(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    credit_note_number: str
    invoice_number: str
    amount: Money
    issued_at: AwareDatetime
    reason: str
    on_account: Money  # the part the invoice no longer owed (it was paid): held as credit


class InvoiceWrittenOff(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    invoice_number: str
    amount: Money
    at: AwareDatetime
    reason: str


class InvoiceSettled(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Nothing is owed on the invoice any more; `on_time` feeds the customer's rating."""

    invoice_number: str
    due_on: date
    settled_at: AwareDatetime
    on_time: bool
    written_off: bool


ReceivableEvent = (
    ReceivableOpened
    | FulfilmentRecorded
    | MilestoneBillable
    | ContractAmountRevised
    | InvoiceIssued
    | PaymentReceived
    | CreditApplied
    | PaymentRefunded
    | CreditNoteIssued
    | InvoiceWrittenOff
    | InvoiceSettled
)


# --- state --------------------------------------------------------------------------


class MilestoneStatus(StrEnum):
    SCHEDULED = "scheduled"
    BILLABLE = "billable"
    INVOICED = "invoiced"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    WRITTEN_OFF = "written_off"


class Invoice(msgspec.Struct, frozen=True, kw_only=True):
    invoice_number: str
    milestone_id: str
    amount: Money
    issued_at: datetime
    due_on: date
    paid: Money
    credited: Money
    written_off: Money
    settled: bool = False

    @property
    def outstanding(self) -> Money:
        return self.amount - self.paid - self.credited - self.written_off


class MilestoneState(msgspec.Struct, frozen=True, kw_only=True):
    milestone: Milestone
    billable_on: date | None = None
    due_on: date | None = None
    invoice_number: str | None = None


class ReceivableState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    order_id: UUID | None = None
    contract_number: str = ""
    currency: str = "CNY"
    contract_amount: Decimal = Decimal(0)
    revision: int = 0
    milestones: tuple[MilestoneState, ...] = ()
    invoices: dict[str, Invoice] = msgspec.field(default_factory=dict)
    facts: dict[Fact, datetime] = msgspec.field(default_factory=dict)
    references: frozenset[str] = frozenset()  # bank, refund and credit-note references seen
    on_account: Decimal = Decimal(0)

    def milestone(self, milestone_id: str) -> MilestoneState | None:
        return next((m for m in self.milestones if m.milestone.milestone_id == milestone_id), None)

    def status_of(self, m: MilestoneState) -> MilestoneStatus:
        if m.invoice_number is None:
            return MilestoneStatus.BILLABLE if m.billable_on else MilestoneStatus.SCHEDULED
        invoice = self.invoices[m.invoice_number]
        if invoice.written_off.amount > 0:
            return MilestoneStatus.WRITTEN_OFF
        if invoice.settled:
            return MilestoneStatus.PAID
        return MilestoneStatus.PARTLY_PAID if invoice.paid.amount > 0 else MilestoneStatus.INVOICED


# --- errors -------------------------------------------------------------------------


class ReceivableExists(DomainError):
    rule = "receivable_exists"


class NoReceivable(DomainError):
    rule = "no_receivable"


class UnknownMilestone(DomainError):
    rule = "unknown_milestone"


class MilestoneNotBillable(DomainError):
    rule = "milestone_not_billable"


class MilestoneInvoiced(DomainError):
    rule = "milestone_already_invoiced"


class UnknownInvoice(DomainError):
    rule = "unknown_invoice"


class DuplicateReference(DomainError):
    rule = "duplicate_reference"


class AmountNotPositive(DomainError):
    rule = "amount_not_positive"


class ExceedsBalance(DomainError):
    rule = "exceeds_balance"


class StaleRevision(DomainError):
    rule = "stale_revision"
