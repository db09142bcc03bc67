"""Receivable decide/evolve: the rules of billing and collecting, without I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import assert_never

from domain.receivable.billing import newly_billable
from domain.receivable.evolve import evolve
from domain.receivable.model import (
    AmountNotPositive,
    Application,
    CreditApplied,
    CreditNoteIssued,
    DuplicateReference,
    ExceedsBalance,
    Fact,
    FulfilmentRecorded,
    Invoice,
    InvoiceIssued,
    InvoiceSettled,
    InvoiceWrittenOff,
    IssueCreditNote,
    IssueInvoice,
    Milestone,
    MilestoneInvoiced,
    MilestoneNotBillable,
    NoReceivable,
    OpenReceivable,
    PaymentReceived,
    PaymentRefunded,
    ReceivableCommand,
    ReceivableEvent,
    ReceivableExists,
    ReceivableOpened,
    ReceivableState,
    RecordFulfilment,
    RecordPayment,
    RefundPayment,
    ReviewMilestones,
    ReviseContractAmount,
    UnknownInvoice,
    UnknownMilestone,
    WriteOffInvoice,
)
from domain.receivable.revision import spread_change
from domain.receivable.terms import check_template
from domain.shared import CurrencyMismatch, Money, allocate


def _fold(state: ReceivableState, events: Sequence[ReceivableEvent]) -> ReceivableState:
    for event in events:
        state = evolve(state, event)
    return state


def _money(state: ReceivableState, amount: Money, field: str = "amount") -> Money:
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


def _fresh(state: ReceivableState, reference: str, field: str) -> None:
    if reference in state.references or reference in state.invoices:
        raise DuplicateReference(f"{reference!r} was recorded already", field=field)


def _invoice(state: ReceivableState, number: str) -> Invoice:
    invoice = state.invoices.get(number)
    if invoice is None:
        raise UnknownInvoice(f"no invoice {number!r} on this receivable", field="invoice_number")
    return invoice


def settled_if_done(
    invoice: Invoice, at: datetime, *, written_off: bool = False
) -> list[ReceivableEvent]:
    if invoice.settled or invoice.outstanding.amount != 0:
        return []
    on_time = not written_off and at.date() <= invoice.due_on
    return [
        InvoiceSettled(
            invoice_number=invoice.invoice_number,
            due_on=invoice.due_on,
            settled_at=at,
            on_time=on_time,
            written_off=written_off,
        )
    ]


def _then(
    state: ReceivableState, events: list[ReceivableEvent], more: Sequence[ReceivableEvent]
) -> ReceivableState:
    events.extend(more)
    return _fold(state, more)


def _open(command: OpenReceivable, state: ReceivableState) -> list[ReceivableEvent]:
    if state.version:
        raise ReceivableExists("this order has a receivable already")
    check_template(command.template)
    amount = command.contract_amount
    if amount.amount < 0 or amount.rounded() != amount:
        raise AmountNotPositive("the contract amount is whole minor units", field="contract_amount")
    terms = command.template.milestones
    shares = allocate(amount, [t.percent for t in terms])
    opened = ReceivableOpened(
        order_id=command.order_id,
        customer_id=command.customer_id,
        customer_name=command.customer_name,
        salesperson=command.salesperson,
        contract_number=command.contract_number,
        contract_amount=amount,
        template=command.template.name,
        credit_rating=command.credit_rating,
        milestones=tuple(
            Milestone(milestone_id=f"m{i}", term=t, amount=share)
            for i, (t, share) in enumerate(zip(terms, shares, strict=True), 1)
        ),
        opened_at=command.opened_at,
    )
    facts = [FulfilmentRecorded(fact=Fact.SIGNING, at=command.opened_at)]
    facts += [FulfilmentRecorded(fact=f.fact, at=f.at) for f in command.facts]
    events: list[ReceivableEvent] = []
    state = _then(state, events, [opened, *facts])
    latest = max(f.at for f in facts)
    return events + newly_billable(state, latest)


def _pay(command: RecordPayment, state: ReceivableState) -> list[ReceivableEvent]:
    remaining = _money(state, command.amount)
    _fresh(state, command.bank_reference, "bank_reference")
    chosen = [_invoice(state, n) for n in command.invoice_numbers]
    rest = sorted(state.invoices.values(), key=lambda i: (i.due_on, i.invoice_number))
    applied: list[Application] = []
    for invoice in [*chosen, *(i for i in rest if i not in chosen)]:
        part = min(remaining.amount, invoice.outstanding.amount)
        if part > 0:
            applied.append(
                Application(
                    invoice_number=invoice.invoice_number, amount=Money.of(part, state.currency)
                )
            )
            remaining = remaining - Money.of(part, state.currency)
    received = PaymentReceived(
        bank_reference=command.bank_reference,
        amount=command.amount,
        received_at=command.received_at,
        applied=tuple(applied),
        on_account=remaining,
    )
    after = evolve(state, received)
    settled = [
        e
        for a in applied
        for e in settled_if_done(after.invoices[a.invoice_number], command.received_at)
    ]
    return [received, *settled]


def _issue(command: IssueInvoice, state: ReceivableState) -> list[ReceivableEvent]:
    m = state.milestone(command.milestone_id)
    if m is None:
        raise UnknownMilestone(f"no milestone {command.milestone_id!r}", field="milestone_id")
    if m.invoice_number is not None:
        raise MilestoneInvoiced(
            f"milestone {command.milestone_id!r} is on invoice {m.invoice_number!r}",
            field="milestone_id",
        )
    if m.billable_on is None or m.due_on is None:
        raise MilestoneNotBillable(
            f"milestone {command.milestone_id!r} is not billable yet", field="milestone_id"
        )
    if m.milestone.amount.amount <= 0:
        raise AmountNotPositive(
            "nothing is left to invoice on this milestone", field="milestone_id"
        )
    _fresh(state, command.invoice_number, "invoice_number")
    issued = InvoiceIssued(
        invoice_number=command.invoice_number,
        milestone_id=command.milestone_id,
        amount=m.milestone.amount,
        issued_at=command.issued_at,
        due_on=m.due_on,
    )
    events: list[ReceivableEvent] = []
    state = _then(state, events, [issued])
    credit = min(state.on_account, issued.amount.amount)
    if credit > 0:
        applied = CreditApplied(
            invoice_number=command.invoice_number,
            amount=Money.of(credit, state.currency),
            at=command.issued_at,
        )
        state = _then(state, events, [applied])
        events += settled_if_done(state.invoices[command.invoice_number], command.issued_at)
    return events


def _credit_note(command: IssueCreditNote, state: ReceivableState) -> list[ReceivableEvent]:
    amount = _money(state, command.amount)
    invoice = _invoice(state, command.invoice_number)
    _fresh(state, command.credit_note_number, "credit_note_number")
    creditable = invoice.amount - invoice.credited - invoice.written_off
    if amount.amount > creditable.amount:
        raise ExceedsBalance(
            f"invoice {invoice.invoice_number!r} can be credited at most {creditable}",
            field="amount",
        )
    note = CreditNoteIssued(
        credit_note_number=command.credit_note_number,
        invoice_number=invoice.invoice_number,
        amount=amount,
        issued_at=command.issued_at,
        reason=command.reason,
        on_account=Money.of(
            max(Decimal(0), amount.amount - invoice.outstanding.amount), state.currency
        ),
    )
    after = evolve(state, note)
    return [note, *settled_if_done(after.invoices[invoice.invoice_number], command.issued_at)]


def _write_off(command: WriteOffInvoice, state: ReceivableState) -> list[ReceivableEvent]:
    invoice = _invoice(state, command.invoice_number)
    if invoice.outstanding.amount <= 0:
        raise ExceedsBalance(
            f"nothing is outstanding on invoice {invoice.invoice_number!r}", field="invoice_number"
        )
    written = InvoiceWrittenOff(
        invoice_number=invoice.invoice_number,
        amount=invoice.outstanding,
        at=command.at,
        reason=command.reason,
    )
    after = evolve(state, written)
    return [
        written,
        *settled_if_done(after.invoices[invoice.invoice_number], command.at, written_off=True),
    ]


def _refund(command: RefundPayment, state: ReceivableState) -> list[ReceivableEvent]:
    amount = _money(state, command.amount)
    _fresh(state, command.refund_reference, "refund_reference")
    if amount.amount > state.on_account:
        raise ExceedsBalance(
            f"only {state.on_account} {state.currency} is held on account to refund",
            field="amount",
        )
    return [
        PaymentRefunded(
            refund_reference=command.refund_reference,
            amount=amount,
            refunded_at=command.refunded_at,
            reason=command.reason,
        )
    ]


def _revise(command: ReviseContractAmount, state: ReceivableState) -> list[ReceivableEvent]:
    revised, notes = spread_change(command, state)
    events: list[ReceivableEvent] = []
    state = _then(state, events, [revised, *notes])
    for note in notes:
        events += settled_if_done(state.invoices[note.invoice_number], command.at)
    state = _fold(state, events[len(notes) + 1 :])
    return events + newly_billable(state, command.at)


def decide(command: ReceivableCommand, state: ReceivableState) -> list[ReceivableEvent]:
    if not isinstance(command, OpenReceivable) and not state.version:
        raise NoReceivable("this order has no receivable yet: it opens when the order is signed")
    match command:
        case OpenReceivable():
            return _open(command, state)
        case RecordFulfilment(fact=fact, at=at):
            if fact in state.facts:
                return []  # the first time a fact happened is the one that counts
            events: list[ReceivableEvent] = []
            state = _then(state, events, [FulfilmentRecorded(fact=fact, at=at)])
            return events + newly_billable(state, at)
        case ReviewMilestones(as_of=as_of):
            return [*newly_billable(state, as_of)]
        case ReviseContractAmount():
            return _revise(command, state)
        case IssueInvoice():
            return _issue(command, state)
        case RecordPayment():
            return _pay(command, state)
        case RefundPayment():
            return _refund(command, state)
        case IssueCreditNote():
            return _credit_note(command, state)
        case WriteOffInvoice():
            return _write_off(command, state)
        case _:
            assert_never(command)
