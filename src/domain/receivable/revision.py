"""Change orders: re-spreading a new contract amount over the milestones, to the cent.

The rule, stated once:
- An increase is spread over the milestones not yet invoiced, in proportion to
  their percentages; if every milestone is invoiced, it becomes a new milestone,
  billable on the day of the change.
- A decrease comes off the milestones not yet invoiced, in proportion to their
  amounts; what they cannot absorb comes off invoiced milestones, latest first,
  each by a credit note on its invoice (money already paid goes on account).
Largest-remainder rounding keeps the milestones summing to the contract amount.
"""

from __future__ import annotations

from decimal import Decimal

from domain.receivable.commands import ReviseContractAmount
from domain.receivable.events import (
    ContractAmountRevised,
    CreditNoteIssued,
    Milestone,
    MilestoneAmount,
)
from domain.receivable.rules import check_revision
from domain.receivable.state import MilestoneState, ReceivableState
from domain.receivable.terms import MilestoneTerm, Trigger
from domain.shared import Money, allocate


def _increase(
    command: ReviseContractAmount, open_: list[MilestoneState], diff: Money
) -> tuple[str, dict[str, Money], tuple[Milestone, ...]]:
    if open_:
        shares = allocate(diff, [m.milestone.term.percent for m in open_])
        amounts = {
            m.milestone.milestone_id: m.milestone.amount + s
            for m, s in zip(open_, shares, strict=True)
        }
        return "increase spread over milestones not yet invoiced, by percentage", amounts, ()
    percent = max(
        Decimal("0.01"), (100 * diff.amount / command.amount.amount).quantize(Decimal("0.01"))
    )
    term = MilestoneTerm(
        name=f"变更 change order r{command.revision}",
        percent=min(percent, Decimal(100)),
        trigger=Trigger.DATE,
        on_date=command.at.date(),
    )
    added = Milestone(milestone_id=f"c{command.revision}", term=term, amount=diff)
    return "increase billed as a new milestone (all milestones invoiced)", {}, (added,)


def spread_change(
    command: ReviseContractAmount, state: ReceivableState
) -> tuple[ContractAmountRevised, list[CreditNoteIssued]]:
    """The revision event and the credit notes a decrease needs."""
    check_revision(command, state)
    currency = state.currency
    previous = Money.of(state.contract_amount, currency)
    diff = command.amount - previous
    open_ = [m for m in state.milestones if m.invoice_number is None]
    amounts: dict[str, Money] = {}
    added: tuple[Milestone, ...] = ()
    notes: list[CreditNoteIssued] = []
    rule = "no change in amount"
    if diff.amount > 0:
        rule, amounts, added = _increase(command, open_, diff)
    elif diff.amount < 0:
        rule = "decrease taken from milestones not yet invoiced, by amount"
        cut = -diff.amount
        absorbable = sum((m.milestone.amount.amount for m in open_), Decimal(0))
        take = min(cut, absorbable)
        if take > 0:
            shares = allocate(Money.of(take, currency), [m.milestone.amount.amount for m in open_])
            for m, s in zip(open_, shares, strict=True):
                amounts[m.milestone.milestone_id] = m.milestone.amount - s
        rest = cut - take
        if rest > 0:
            rule += "; the rest credited on invoiced milestones, latest first"
        for m in reversed(state.milestones):
            if rest <= 0 or m.invoice_number is None or m.milestone.amount.amount <= 0:
                continue
            part = min(rest, m.milestone.amount.amount)
            rest -= part
            amounts[m.milestone.milestone_id] = m.milestone.amount - Money.of(part, currency)
            invoice = state.invoices[m.invoice_number]
            # Only what was billed and not yet credited or written off can be credited.
            creditable = (invoice.amount - invoice.credited - invoice.written_off).amount
            credit = min(part, creditable)
            if credit <= 0:
                continue
            number = f"{state.contract_number}-R{command.revision}-{m.milestone.milestone_id}"
            notes.append(
                CreditNoteIssued(
                    credit_note_number=number,
                    invoice_number=invoice.invoice_number,
                    amount=Money.of(credit, currency),
                    issued_at=command.at,
                    reason=f"change order revision {command.revision} lowered the contract amount",
                    on_account=Money.of(
                        max(Decimal(0), credit - invoice.outstanding.amount), currency
                    ),
                )
            )
    revised = ContractAmountRevised(
        revision=command.revision,
        previous=previous,
        amount=command.amount,
        rule=rule,
        amounts=tuple(MilestoneAmount(milestone_id=k, amount=v) for k, v in amounts.items()),
        added=added,
        at=command.at,
    )
    return revised, notes
