"""When an order is captured from a quote, the quote is accepted: never one without the other.

Accepting a quote writes two aggregates: the order (its priced lines) and then the
quote (accepted, naming the order). The API does both; if it stops between them,
this policy finishes the second from the order's own record of the quote, with
the API's command id, so whichever comes first is applied and the other answered
with its result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from application.capture import acceptance_id
from domain.cpq.quote import AcceptQuote
from domain.decider import topic_of
from domain.deciders import QUOTE
from domain.envelope import Recorded
from domain.order.events import OrderPlaced
from infrastructure.read_store import Tx
from policies import outbox

NAME = "when_order_placed_from_quote_accept_quote"


class AcceptQuotePolicy:
    topics = frozenset({topic_of(OrderPlaced)})

    def __init__(self, name: str = NAME) -> None:
        self.name = name

    def tables(self) -> list[str]:
        return []

    def schema(self) -> list[str]:
        return list(outbox.SCHEMA)

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event = recorded.event
            if isinstance(event, OrderPlaced) and event.quote is not None:
                quote = event.quote
                # The acceptance the API sends: the order is placed when it is accepted.
                command = AcceptQuote(revision=quote.revision, accepted_by=quote.accepted_by,
                                      accepted_at=event.placed_at)  # fmt: skip
                intent = outbox.Intent(acceptance_id(quote.quote_id), QUOTE, quote.quote_id,
                                       command)  # fmt: skip
                outbox.enqueue(tx, NAME, intent, recorded)
