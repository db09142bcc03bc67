"""`decide`: checks a quote command against the state and returns the new facts.

Each revision is checked afresh; the customer accepts the current revision before
its validity ends, and acceptance names the order captured from it.
"""

from __future__ import annotations

from typing import assert_never

from domain.cpq.quote import rules
from domain.cpq.quote.accepted_order import order_id_for_quote
from domain.cpq.quote.commands import (
    AcceptQuote,
    DraftQuote,
    QuoteCommand,
    ReviseQuote,
    WithdrawQuote,
)
from domain.cpq.quote.events import (
    QuoteAccepted,
    QuoteDrafted,
    QuoteEvent,
    QuoteRevised,
    QuoteWithdrawn,
)
from domain.cpq.quote.state import QuoteState


def decide(command: QuoteCommand, state: QuoteState) -> list[QuoteEvent]:
    match command:
        case DraftQuote():
            if state.exists:
                raise rules.DuplicateQuote(f"quote {command.number!r} exists", field="number")
            at = command.drafted_at
            rules.check_offer(command.terms, command.request, command.priced, at.date())
            return [QuoteDrafted(
                number=command.number, customer_name=command.customer_name,
                salesperson=command.salesperson, terms=command.terms, request=command.request,
                priced=command.priced, drafted_at=at, renews=command.renews,
            )]  # fmt: skip
        case ReviseQuote(terms=terms, request=request, priced=priced, revised_at=at):
            rules.must_be_open(state)
            rules.must_not_precede_last_change(state, at, "revised_at")
            if state.request and request.customer_id != state.request.customer_id:
                raise rules.InvalidQuote("a revision is for the same customer", field="customer_id")
            rules.check_offer(terms, request, priced, at.date())
            return [QuoteRevised(revision=state.revision + 1, terms=terms, request=request,
                                 priced=priced, reason=command.reason, revised_at=at)]  # fmt: skip
        case AcceptQuote(revision=revision, accepted_by=by, accepted_at=at):
            rules.must_be_open(state)
            rules.must_not_precede_last_change(state, at, "accepted_at")
            if revision != state.revision:
                raise rules.StaleRevision(
                    f"revision {revision} was superseded; the current one is {state.revision}",
                    field="revision",
                    current_revision=state.revision,
                )
            assert state.terms is not None
            if at.date() > state.terms.valid_until:
                raise rules.QuoteExpired(
                    f"the quote was valid until {state.terms.valid_until.isoformat()}",
                    field="accepted_at",
                )
            return [QuoteAccepted(revision=revision, accepted_by=by, accepted_at=at,
                                  order_id=order_id_for_quote(state.number))]  # fmt: skip
        case WithdrawQuote(reason=reason, at=at):
            rules.must_be_open(state)
            rules.must_not_precede_last_change(state, at, "at")
            return [QuoteWithdrawn(reason=reason, at=at)]
        case _:
            assert_never(command)
