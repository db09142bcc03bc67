"""Named receivable rules: each a small check that raises a DomainError naming itself."""

from __future__ import annotations

from datetime import date

from domain.receivable.billing import waiting_for
from domain.receivable.commands import ReviseContractAmount
from domain.receivable.state import Invoice, MilestoneState, ReceivableState
from domain.shared import CurrencyMismatch, DomainError, Money


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


def must_exist(state: ReceivableState) -> None:
    if not state.version:
        raise NoReceivable("this order has no receivable yet: it opens when the order is signed")


def must_not_exist(state: ReceivableState) -> None:
    if state.version:
        raise ReceivableExists("this order has a receivable already")


def check_contract_amount(amount: Money) -> None:
    if amount.amount < 0 or amount.rounded() != amount:
        raise AmountNotPositive("the contract amount is whole minor units", field="contract_amount")


def check_amount(state: ReceivableState, amount: Money, field: str = "amount") -> Money:
    """`amount`, if it is positive, in whole minor units of the receivable's currency."""
    if amount.currency != state.currency:
        raise CurrencyMismatch(
            f"the receivable is in {state.currency}, not {amount.currency}", field=field
        )
    if amount.amount <= 0 or amount.rounded() != amount:
        raise AmountNotPositive(
            f"{field} must be a positive amount in whole {state.currency} minor units",
            field=field,
        )
    return amount


def must_be_new_reference(state: ReceivableState, reference: str, field: str) -> None:
    """Bank, refund, credit-note and invoice references are each recorded once."""
    if reference in state.references or reference in state.invoices:
        raise DuplicateReference(f"{reference!r} was recorded already", field=field)


def invoice_of(state: ReceivableState, number: str) -> Invoice:
    invoice = state.invoices.get(number)
    if invoice is None:
        raise UnknownInvoice(f"no invoice {number!r} on this receivable", field="invoice_number")
    return invoice


def invoiceable(state: ReceivableState, milestone_id: str) -> tuple[MilestoneState, date]:
    """The milestone and its due date, if it is billable, not invoiced and not empty."""
    m = state.milestone(milestone_id)
    if m is None:
        raise UnknownMilestone(f"no milestone {milestone_id!r}", field="milestone_id")
    if m.invoice_number is not None:
        raise MilestoneInvoiced(
            f"milestone {milestone_id!r} is on invoice {m.invoice_number!r}",
            field="milestone_id",
        )
    if m.billable_on is None or m.due_on is None:
        raise MilestoneNotBillable(
            f"milestone {milestone_id!r} ({m.milestone.term.name}) is not billable yet: "
            f"{waiting_for(m.milestone.term, state.facts)}",
            field="milestone_id",
        )
    if m.milestone.amount.amount <= 0:
        raise AmountNotPositive(
            "nothing is left to invoice on this milestone", field="milestone_id"
        )
    return m, m.due_on


def must_be_creditable(invoice: Invoice, amount: Money) -> None:
    """A credit note takes back at most what was billed and not yet credited or written off."""
    creditable = invoice.amount - invoice.credited - invoice.written_off
    if amount.amount > creditable.amount:
        raise ExceedsBalance(
            f"invoice {invoice.invoice_number!r} can be credited at most {creditable}",
            field="amount",
        )


def must_be_outstanding(invoice: Invoice) -> None:
    if invoice.outstanding.amount <= 0:
        raise ExceedsBalance(
            f"nothing is outstanding on invoice {invoice.invoice_number!r}", field="invoice_number"
        )


def must_be_held_on_account(state: ReceivableState, amount: Money) -> None:
    if amount.amount > state.on_account:
        raise ExceedsBalance(
            f"only {state.on_account} {state.currency} is held on account to refund",
            field="amount",
        )


def check_revision(command: ReviseContractAmount, state: ReceivableState) -> None:
    """A revision comes after the last one, in the receivable's currency, in whole units."""
    if command.revision <= state.revision:
        raise StaleRevision(
            f"revision {command.revision} is not after revision {state.revision}",
            field="revision",
        )
    if command.amount.currency != state.currency:
        raise CurrencyMismatch(f"the receivable is in {state.currency}", field="amount")
    if command.amount.amount < 0 or command.amount.rounded() != command.amount:
        raise CurrencyMismatch("the amount must be whole minor units, not negative", field="amount")
