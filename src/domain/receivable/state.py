"""Receivable state and `evolve`: applies facts, never validates, never reads the clock.

The state folds the facts into milestones and invoices with their running
balances. Every invoice keeps amount = paid + credited + written off + outstanding,
outstanding never below zero; cash beyond what is owed is held on account (an
explicit credit) until it is applied to a later invoice or refunded.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.receivable.events import (
    ContractAmountRevised,
    CreditApplied,
    CreditNoteIssued,
    Fact,
    FulfilmentRecorded,
    InvoiceIssued,
    InvoiceSettled,
    InvoiceWrittenOff,
    Milestone,
    MilestoneBillable,
    PaymentReceived,
    PaymentRefunded,
    ReceivableEvent,
    ReceivableOpened,
)
from domain.receivable.plans import PlanChoice
from domain.shared import Money


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
    template: str = ""  # the milestone template it was opened with
    plan: PlanChoice | None = None  # and why that one
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


INITIAL = ReceivableState()


def _milestones(state: ReceivableState, milestone_id: str, **changes: object) -> ReceivableState:
    milestones = tuple(
        replace(m, **changes) if m.milestone.milestone_id == milestone_id else m
        for m in state.milestones
    )
    return replace(state, milestones=milestones)


def _invoices(state: ReceivableState, number: str, **changes: Money | bool) -> ReceivableState:
    invoice = state.invoices[number]
    return replace(state, invoices={**state.invoices, number: replace(invoice, **changes)})


def _apply(state: ReceivableState, event: ReceivableEvent) -> ReceivableState:
    match event:
        case ReceivableOpened(contract_amount=amount):
            return replace(
                state,
                order_id=event.order_id,
                contract_number=event.contract_number,
                template=event.template,
                plan=event.plan,
                currency=amount.currency,
                contract_amount=amount.amount,
                milestones=tuple(MilestoneState(milestone=m) for m in event.milestones),
            )
        case FulfilmentRecorded(fact=fact, at=at):
            return replace(state, facts={**state.facts, fact: at})
        case MilestoneBillable(milestone_id=mid, billable_on=on, due_on=due):
            return _milestones(state, mid, billable_on=on, due_on=due)
        case ContractAmountRevised():
            amounts = {a.milestone_id: a.amount for a in event.amounts}
            milestones = tuple(
                replace(m, milestone=replace(m.milestone, amount=amounts[mid]))
                if (mid := m.milestone.milestone_id) in amounts
                else m
                for m in state.milestones
            )
            added = tuple(MilestoneState(milestone=m) for m in event.added)
            return replace(
                state,
                contract_amount=event.amount.amount,
                revision=event.revision,
                milestones=milestones + added,
            )
        case InvoiceIssued():
            zero = Money.zero(state.currency)
            invoice = Invoice(
                invoice_number=event.invoice_number,
                milestone_id=event.milestone_id,
                amount=event.amount,
                issued_at=event.issued_at,
                due_on=event.due_on,
                paid=zero,
                credited=zero,
                written_off=zero,
            )
            state = replace(state, invoices={**state.invoices, event.invoice_number: invoice})
            return _milestones(state, event.milestone_id, invoice_number=event.invoice_number)
        case PaymentReceived():
            for a in event.applied:
                paid = state.invoices[a.invoice_number].paid + a.amount
                state = _invoices(state, a.invoice_number, paid=paid)
            return replace(
                state,
                references=state.references | {event.bank_reference},
                on_account=state.on_account + event.on_account.amount,
            )
        case CreditApplied(invoice_number=number, amount=amount):
            state = _invoices(state, number, paid=state.invoices[number].paid + amount)
            return replace(state, on_account=state.on_account - amount.amount)
        case PaymentRefunded(refund_reference=ref, amount=amount):
            return replace(
                state,
                references=state.references | {ref},
                on_account=state.on_account - amount.amount,
            )
        case CreditNoteIssued(invoice_number=number, amount=amount):
            credited = state.invoices[number].credited + amount
            # What the invoice no longer owed (it was paid) moves from paid to on account.
            paid = state.invoices[number].paid - event.on_account
            state = _invoices(state, number, credited=credited, paid=paid)
            return replace(
                state,
                references=state.references | {event.credit_note_number},
                on_account=state.on_account + event.on_account.amount,
            )
        case InvoiceWrittenOff(invoice_number=number, amount=amount):
            return _invoices(state, number, written_off=state.invoices[number].written_off + amount)
        case InvoiceSettled(invoice_number=number):
            return _invoices(state, number, settled=True)
        case _:
            assert_never(event)


def evolve(state: ReceivableState, event: ReceivableEvent) -> ReceivableState:
    return replace(_apply(state, event), version=state.version + 1)
