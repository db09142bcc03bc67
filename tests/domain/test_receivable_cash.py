"""Receivable cash: invoices, payments, refunds, credit notes and write-offs."""

from __future__ import annotations

from datetime import date

from domain.receivable.commands import (
    IssueCreditNote,
    IssueInvoice,
    ReceivableCommand,
    RecordFulfilment,
    RecordPayment,
    RefundPayment,
    WriteOffInvoice,
)
from domain.receivable.events import (
    Application,
    CreditApplied,
    CreditNoteIssued,
    Fact,
    InvoiceIssued,
    InvoiceSettled,
    InvoiceWrittenOff,
    PaymentReceived,
    ReceivableEvent,
)
from domain.receivable.rules import (
    AmountNotPositive,
    DuplicateReference,
    ExceedsBalance,
    UnknownInvoice,
)
from domain.shared import CurrencyMismatch, Money
from domain.testing import receivable_spec as given
from tests.domain.receivable_examples import (
    SIGNED,
    cny,
    day,
    invoiced_prepayment,
    shipped_and_invoiced,
    signed,
)


def pay(ref: str, amount: str, at: int, *invoices: str) -> RecordPayment:
    return RecordPayment(
        bank_reference=ref, amount=cny(amount), received_at=day(at), invoice_numbers=invoices
    )


def after(history: list[ReceivableEvent], command: ReceivableCommand) -> list[ReceivableEvent]:
    return [*history, *given(*history).when(command).events()]


def test_invoicing_a_billable_milestone_bills_its_amount_due_on_its_term() -> None:
    given(*signed()).when(
        IssueInvoice(invoice_number="INV-1", milestone_id="m1", issued_at=SIGNED)
    ).then(
        InvoiceIssued(invoice_number="INV-1", milestone_id="m1", amount=cny("30000.00"),
                      issued_at=SIGNED, due_on=date(2026, 2, 4))
    )  # fmt: skip


def test_paying_in_full_by_the_due_date_settles_on_time() -> None:
    given(*invoiced_prepayment()).when(pay("B-1", "30000.00", 30)).then(
        PaymentReceived(bank_reference="B-1", amount=cny("30000.00"), received_at=day(30),
                        applied=(Application(invoice_number="INV-1", amount=cny("30000.00")),),
                        on_account=cny("0.00")),
        InvoiceSettled(invoice_number="INV-1", due_on=date(2026, 2, 4), settled_at=day(30),
                       on_time=True, written_off=False),
    )  # fmt: skip


def test_the_last_part_paid_after_the_due_date_settles_late() -> None:
    history = after(invoiced_prepayment(), pay("B-1", "10000.00", 10))
    settled = given(*history).when(pay("B-2", "20000.00", 31)).events()[-1]
    assert isinstance(settled, InvoiceSettled)
    assert not settled.on_time


def test_a_payment_is_never_recorded_twice() -> None:
    history = after(invoiced_prepayment(), pay("B-1", "100.00", 3))
    given(*history).when(pay("B-1", "100.00", 3)).raises(DuplicateReference, field="bank_reference")


def test_overpayment_is_held_on_account_and_settles_the_next_invoice() -> None:
    history = after(invoiced_prepayment(), pay("B-1", "95000.00", 3))
    state = given.fold(history)
    assert state.on_account == 65000
    shipped = after(history, RecordFulfilment(fact=Fact.SHIPMENT, at=day(50)))
    given(*shipped).when(
        IssueInvoice(invoice_number="INV-2", milestone_id="m2", issued_at=day(50))
    ).then(
        InvoiceIssued(invoice_number="INV-2", milestone_id="m2", amount=cny("60000.00"),
                      issued_at=day(50), due_on=day(80).date()),
        CreditApplied(invoice_number="INV-2", amount=cny("60000.00"), at=day(50)),
        InvoiceSettled(invoice_number="INV-2", due_on=day(80).date(), settled_at=day(50),
                       on_time=True, written_off=False),
    )  # fmt: skip


def test_one_payment_settles_several_invoices_named_first_then_oldest_due() -> None:
    history = shipped_and_invoiced()  # INV-1 paid, INV-2 60,000 open
    payment = given(*history).when(pay("B-9", "60000.00", 70, "INV-2")).events()[0]
    assert isinstance(payment, PaymentReceived)
    assert payment.applied == (Application(invoice_number="INV-2", amount=cny("60000.00")),)
    given(*history).when(pay("B-9", "1.00", 70, "INV-404")).raises(UnknownInvoice)


def test_payments_in_another_currency_or_fractions_of_a_cent_are_refused() -> None:
    history = invoiced_prepayment()
    usd = RecordPayment(bank_reference="B", amount=Money.of("1", "USD"), received_at=day(1))
    given(*history).when(usd).raises(CurrencyMismatch, field="amount")
    given(*history).when(pay("B", "0.001", 1)).raises(AmountNotPositive, field="amount")
    given(*history).when(pay("B", "-5", 1)).raises(AmountNotPositive, field="amount")


def test_refunds_come_only_from_money_held_on_account() -> None:
    history = after(invoiced_prepayment(), pay("B-1", "30500.00", 3))
    refund = RefundPayment(refund_reference="R-1", amount=cny("500.01"), refunded_at=day(4),
                           reason="overpaid")  # fmt: skip
    given(*history).when(refund).raises(ExceedsBalance, field="amount")
    ok = RefundPayment(refund_reference="R-1", amount=cny("500.00"), refunded_at=day(4),
                       reason="overpaid")  # fmt: skip
    assert given(*history).when(ok).state().on_account == 0


def test_a_credit_note_lowers_what_is_owed_and_cannot_exceed_the_invoice() -> None:
    note = IssueCreditNote(
        credit_note_number="CN-1",
        invoice_number="INV-1",
        amount=cny("1000.00"),
        issued_at=day(2),
        reason="damaged crate",
    )
    state = given(*invoiced_prepayment()).when(note).state()
    assert state.invoices["INV-1"].outstanding == cny("29000.00")
    too_much = IssueCreditNote(credit_note_number="CN-1", invoice_number="INV-1",
                               amount=cny("30000.01"), issued_at=day(2), reason="x")  # fmt: skip
    given(*invoiced_prepayment()).when(too_much).raises(ExceedsBalance)


def test_a_credit_note_on_a_paid_invoice_puts_the_money_on_account() -> None:
    history = shipped_and_invoiced()  # INV-1 paid in full
    note = IssueCreditNote(
        credit_note_number="CN-1",
        invoice_number="INV-1",
        amount=cny("1000.00"),
        issued_at=day(70),
        reason="late delivery",
    )
    events = given(*history).when(note).events()
    assert events == [
        CreditNoteIssued(credit_note_number="CN-1", invoice_number="INV-1", amount=cny("1000.00"),
                         issued_at=day(70), reason="late delivery", on_account=cny("1000.00"))
    ]  # fmt: skip
    state = given(*history, *events).state
    assert state.on_account == 1000
    assert state.invoices["INV-1"].outstanding == cny("0.00")


def test_writing_off_clears_what_is_outstanding_and_settles_not_on_time() -> None:
    history = after(invoiced_prepayment(), pay("B-1", "29000.00", 3))
    write_off = WriteOffInvoice(invoice_number="INV-1", at=day(400), reason="bankrupt")
    given(*history).when(write_off).then(
        InvoiceWrittenOff(invoice_number="INV-1", amount=cny("1000.00"), at=day(400),
                          reason="bankrupt"),
        InvoiceSettled(invoice_number="INV-1", due_on=date(2026, 2, 4), settled_at=day(400),
                       on_time=False, written_off=True),
    )  # fmt: skip
    given(*after(history, write_off)).when(write_off).raises(ExceedsBalance)
