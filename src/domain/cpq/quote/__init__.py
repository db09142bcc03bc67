"""The Quote aggregate: drafted, revised, then accepted (or withdrawn), once.

A quote holds the request and its priced lines, priced by the application service
against the catalogue in force (the command carries the result, so `decide`
stays pure). Each revision is priced afresh. The customer accepts one revision
before the quote's validity ends; acceptance names the order captured from it,
whose lines are the accepted revision's priced lines exactly (`accepted_order`).
`commands`, `events` and `state` hold the types; `decide` and `evolve` the
logic; `rules` the named checks.
"""

from domain.cpq.quote.accepted_order import order_from_quote, order_id_for_quote
from domain.cpq.quote.commands import (
    AcceptQuote,
    DraftQuote,
    QuoteCommand,
    ReviseQuote,
    WithdrawQuote,
    quote_id_for,
)
from domain.cpq.quote.decide import decide
from domain.cpq.quote.events import (
    QuoteAccepted,
    QuoteDrafted,
    QuoteEvent,
    QuoteRevised,
    QuoteWithdrawn,
    Renews,
    Terms,
)
from domain.cpq.quote.rules import (
    DuplicateQuote,
    InvalidQuote,
    QuoteClosed,
    QuoteExpired,
    QuoteNotFound,
    StaleRevision,
)
from domain.cpq.quote.state import INITIAL, QuoteState, QuoteStatus, evolve
from domain.decider import Decider

__all__ = [
    "DECIDER",
    "INITIAL",
    "AcceptQuote",
    "DraftQuote",
    "DuplicateQuote",
    "InvalidQuote",
    "QuoteAccepted",
    "QuoteClosed",
    "QuoteCommand",
    "QuoteDrafted",
    "QuoteEvent",
    "QuoteExpired",
    "QuoteNotFound",
    "QuoteRevised",
    "QuoteState",
    "QuoteStatus",
    "QuoteWithdrawn",
    "Renews",
    "ReviseQuote",
    "StaleRevision",
    "Terms",
    "WithdrawQuote",
    "decide",
    "evolve",
    "order_from_quote",
    "order_id_for_quote",
    "quote_id_for",
]

DECIDER: Decider[QuoteCommand, QuoteState, QuoteEvent] = Decider(
    name="Quote",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=QuoteEvent,
    commands=QuoteCommand,
)
