"""`decide`: checks a receivable command against the state and returns the new facts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import assert_never

from domain.receivable import rules
from domain.receivable.billing import newly_billable
from domain.receivable.commands import (
    IssueCreditNote,
    IssueInvoice,
    OpenReceivable,
    ReceivableCommand,
    RecordFulfilment,
    RecordPayment,
    RefundPayment,
    ReviewMilestones,
    ReviseContractAmount,
    WriteOffInvoice,
)
from domain.receivable.events import (
    Application,
    CreditApplied,
    CreditNoteIssued,
    Fact,
    FulfilmentRecorded,
    InvoiceIssued,
    InvoiceSettled,
    InvoiceWrittenOff,
    Milestone,
    PaymentReceived,
    PaymentRefunded,
    ReceivableEvent,
    ReceivableOpened,
)
from domain.receivable.plans import expand
from domain.receivable.revision import spread_change
from domain.receivable.state import Invoice, ReceivableState, evolve
from domain.receivable.terms import check_template
from domain.shared import Money, allocate


def decide(command: ReceivableCommand, state: ReceivableState) -> list[ReceivableEvent]:
    if not isinstance(command, OpenReceivable):
        rules.must_exist(state)
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


def _fold(state: ReceivableState, events: Sequence[ReceivableEvent]) -> ReceivableState:
    for event in events:
        state = evolve(state, event)
    return state


def _then(
    state: ReceivableState, events: list[ReceivableEvent], more: Sequence[ReceivableEvent]
) -> ReceivableState:
    events.extend(more)
    return _fold(state, more)


def _open(command: OpenReceivable, state: ReceivableState) -> list[ReceivableEvent]:
    rules.must_not_exist(state)
    check_template(command.template)
    amount = command.contract_amount
    rules.check_contract_amount(amount)
    terms = command.template.milestones
    shares = allocate(amount, [t.percent for t in terms])
    dated = expand(terms, shares, command.service_term, command.opened_at.date())
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
            for i, (t, share) in enumerate(dated, 1)
        ),
        opened_at=command.opened_at,
        plan=command.plan,
    )
    facts = [FulfilmentRecorded(fact=Fact.SIGNING, at=command.opened_at)]
    facts += [FulfilmentRecorded(fact=f.fact, at=f.at) for f in command.facts]
    events: list[ReceivableEvent] = []
    state = _then(state, events, [opened, *facts])
    latest = max(f.at for f in facts)
    return events + newly_billable(state, latest)


def _pay(command: RecordPayment, state: ReceivableState) -> list[ReceivableEvent]:
    remaining = rules.check_amount(state, command.amount)
    rules.must_be_new_reference(state, command.bank_reference, "bank_reference")
    chosen = [rules.invoice_of(state, n) for n in command.invoice_numbers]
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
    # A milestone whose conditions are met by the invoice's day is billable now, not
    # only after the next morning's review.
    events: list[ReceivableEvent] = []
    due = [b for b in newly_billable(state, command.issued_at)
           if b.milestone_id == command.milestone_id]  # fmt: skip
    if due:
        state = _then(state, events, due)
    m, due_on = rules.invoiceable(state, command.milestone_id)
    rules.must_be_new_reference(state, command.invoice_number, "invoice_number")
    issued = InvoiceIssued(
        invoice_number=command.invoice_number,
        milestone_id=command.milestone_id,
        amount=m.milestone.amount,
        issued_at=command.issued_at,
        due_on=due_on,
    )
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
    amount = rules.check_amount(state, command.amount)
    invoice = rules.invoice_of(state, command.invoice_number)
    rules.must_be_new_reference(state, command.credit_note_number, "credit_note_number")
    rules.must_be_creditable(invoice, amount)
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
    invoice = rules.invoice_of(state, command.invoice_number)
    rules.must_be_outstanding(invoice)
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
    amount = rules.check_amount(state, command.amount)
    rules.must_be_new_reference(state, command.refund_reference, "refund_reference")
    rules.must_be_held_on_account(state, amount)
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
