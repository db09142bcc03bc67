"""Whatever finance and customers do to a receivable, its books balance to the cent.

A state machine drives one receivable through any sequence of facts, clock
reviews, change orders, invoices, payments, refunds, credit notes and write-offs
(the refused ones change nothing) and checks after every step that
- the milestones sum exactly to the contract amount;
- every invoice keeps paid + outstanding + written off = invoiced (net of credit
  notes), and nothing it owes goes negative;
- no cash is lost: received - refunded = applied to invoices + held on account.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain import receivable
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
from domain.receivable.events import Fact
from domain.receivable.terms import CreditRating, MilestoneTemplate, MilestoneTerm, Trigger
from domain.shared import DomainError, Money

START = datetime(2026, 1, 1, 9, tzinfo=UTC)
cents = st.integers(1, 10_000_000).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def templates(draw: st.DrawFn) -> MilestoneTemplate:
    cuts = sorted(draw(st.sets(st.integers(1, 99), max_size=3)))
    percents = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    triggers = st.sampled_from(
        [Trigger.SIGNING, Trigger.SHIPMENT, Trigger.ACCEPTANCE, Trigger.AFTER_ACCEPTANCE]
    )
    return MilestoneTemplate(
        name="drawn",
        milestones=tuple(
            MilestoneTerm(
                name=f"p{i}",
                percent=Decimal(p),
                trigger=draw(triggers),
                months_after=draw(st.integers(0, 13)),
                needs_acceptance_report=draw(st.booleans()),
            )
            for i, p in enumerate(percents)
        ),
    )


class ReceivableBooks(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = receivable.INITIAL
        self.now = START
        self.received = Decimal(0)
        self.refunded = Decimal(0)
        self.revision = 0
        self.n = 0

    def _money(self, amount: Decimal) -> Money:
        return Money.of(amount, "CNY")

    def _later(self, days: int) -> datetime:
        self.now += timedelta(days=days)
        return self.now

    def _ref(self) -> str:
        self.n += 1
        return f"R{self.n}"

    def apply(self, command: ReceivableCommand) -> list[object]:
        try:
            events = receivable.decide(command, self.state)
        except DomainError:
            return []
        for event in events:
            self.state = receivable.evolve(self.state, event)
        return list(events)

    @initialize(amount=cents, template=templates())
    def sign(self, amount: Decimal, template: MilestoneTemplate) -> None:
        self.apply(
            OpenReceivable(
                order_id=UUID(int=7),
                customer_id="C",
                customer_name="C",
                salesperson="S",
                contract_number="HT",
                contract_amount=self._money(amount),
                template=template,
                credit_rating=CreditRating.STANDARD,
                opened_at=START,
            )
        )

    @rule(fact=st.sampled_from(Fact), days=st.integers(0, 200))
    def fulfil(self, fact: Fact, days: int) -> None:
        self.apply(RecordFulfilment(fact=fact, at=self._later(days)))

    @rule(days=st.integers(0, 400))
    def review(self, days: int) -> None:
        self.apply(ReviewMilestones(as_of=self._later(days)))

    @rule(amount=cents)
    def change_order(self, amount: Decimal) -> None:
        self.revision += 1
        self.apply(
            ReviseContractAmount(
                revision=self.revision, amount=self._money(amount), at=self._later(1)
            )
        )

    @rule(index=st.integers(0, 5))
    def invoice(self, index: int) -> None:
        milestones = self.state.milestones
        if milestones:
            m = milestones[index % len(milestones)]
            self.apply(
                IssueInvoice(
                    invoice_number=self._ref(),
                    milestone_id=m.milestone.milestone_id,
                    issued_at=self.now,
                )
            )

    @rule(amount=cents, days=st.integers(0, 60), name_one=st.booleans())
    def pay(self, amount: Decimal, days: int, name_one: bool) -> None:
        named = tuple(sorted(self.state.invoices))[-1:] if name_one else ()
        if self.apply(
            RecordPayment(
                bank_reference=self._ref(),
                amount=self._money(amount),
                received_at=self._later(days),
                invoice_numbers=named,
            )
        ):
            self.received += amount

    @rule(amount=cents)
    def refund(self, amount: Decimal) -> None:
        if self.apply(
            RefundPayment(
                refund_reference=self._ref(),
                amount=self._money(amount),
                refunded_at=self._later(1),
                reason="r",
            )
        ):
            self.refunded += amount

    @rule(amount=cents, index=st.integers(0, 5))
    def credit_note(self, amount: Decimal, index: int) -> None:
        if self.state.invoices:
            number = sorted(self.state.invoices)[index % len(self.state.invoices)]
            self.apply(
                IssueCreditNote(
                    credit_note_number=self._ref(),
                    invoice_number=number,
                    amount=self._money(amount),
                    issued_at=self.now,
                    reason="r",
                )
            )

    @rule(index=st.integers(0, 5))
    def write_off(self, index: int) -> None:
        if self.state.invoices:
            number = sorted(self.state.invoices)[index % len(self.state.invoices)]
            self.apply(WriteOffInvoice(invoice_number=number, at=self.now, reason="r"))

    @invariant()
    def milestones_sum_to_the_contract_amount(self) -> None:
        if self.state.version:
            total = sum(m.milestone.amount.amount for m in self.state.milestones)
            assert total == self.state.contract_amount

    @invariant()
    def paid_outstanding_and_written_off_make_what_was_invoiced(self) -> None:
        for inv in self.state.invoices.values():
            invoiced = inv.amount - inv.credited
            assert inv.paid + inv.outstanding + inv.written_off == invoiced
            assert min(inv.paid.amount, inv.outstanding.amount, inv.written_off.amount) >= 0
            assert inv.outstanding.amount == 0 if inv.settled else True

    @invariant()
    def no_cash_is_lost(self) -> None:
        applied = sum((inv.paid.amount for inv in self.state.invoices.values()), Decimal(0))
        assert self.state.on_account >= 0
        assert self.received - self.refunded == applied + self.state.on_account


TestReceivableBooks = ReceivableBooks.TestCase
