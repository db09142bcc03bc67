"""Receivable events: the facts finance deals in. New fields get defaults; none is retyped."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.receivable.plans import PlanChoice
from domain.receivable.terms import CreditRating, MilestoneTerm
from domain.shared import AwareDatetime, Money, Name


class Fact(StrEnum):
    """Fulfilment facts that make milestones billable."""

    SIGNING = "signing"
    SHIPMENT = "shipment"
    ACCEPTANCE = "acceptance"
    ACCEPTANCE_REPORT = "acceptance_report"


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
    plan: PlanChoice | None = None  # why `template` was chosen (None: before plans existed)


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
