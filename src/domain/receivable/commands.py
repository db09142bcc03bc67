"""Receivable commands: what finance asks of one order's receivable, checked by `decide`.

Business times (opened at, received at...) and the payment terms in force arrive
on the command, so `decide` stays pure.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.receivable.events import Fact
from domain.receivable.plans import PlanChoice, ServiceTerm
from domain.receivable.terms import CreditRating, MilestoneTemplate
from domain.shared import AwareDatetime, Money, Name, Text

_RECEIVABLES = uuid5(NAMESPACE_URL, "urn:orderhub:receivables")


def receivable_id_for(order_id: UUID) -> UUID:
    """One receivable per order."""
    return uuid5(_RECEIVABLES, str(order_id))


class FactAt(msgspec.Struct, frozen=True, kw_only=True):
    fact: Fact
    at: AwareDatetime


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
    plan: PlanChoice | None = None  # why `template` was chosen
    service_term: ServiceTerm | None = None  # what a periodic template bills over


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
