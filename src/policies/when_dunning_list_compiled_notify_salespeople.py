"""When the weekly dunning list is compiled, send each salesperson their part of it.

The list is assigned to the salesperson of each overdue item. Each
gets one message per list with their lines (customer, contract, amount, days
overdue, level) and where to download it and the letters.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from domain.decider import topic_of
from domain.directory import ContactRemoved, ContactSet
from domain.dunning import DunningLine, DunningListCompiled
from domain.envelope import Recorded
from infrastructure.read_store import Tx
from policies import notifications
from policies.notifications import ContactBook, Message

NAME = "when_dunning_list_compiled_notify_salespeople"


def _line(n: int, line: DunningLine) -> str:
    return (
        f"{n}. {line.customer_name} · {line.contract_number} · {line.invoice_number} · "
        f"{line.total} · 逾期 {line.days_overdue} 天 days · {line.level_name}"
    )


class NotifySalespeoplePolicy:
    topics = frozenset(topic_of(t) for t in (DunningListCompiled, ContactSet, ContactRemoved))

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.contacts = ContactBook(f"{name}_contacts")

    def tables(self) -> list[str]:
        return [self.contacts.table]

    def schema(self) -> list[str]:
        return [*notifications.SCHEMA, *self.contacts.schema]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event = recorded.event
            if self.contacts.track(tx, event) or not isinstance(event, DunningListCompiled):
                continue
            list_id = recorded.originator_id
            numbered = list(enumerate(event.lines, 1))  # line numbers as in the letters' URLs
            for salesperson, group in groupby(numbered, key=lambda nl: nl[1].salesperson):
                mine = list(group)
                body = "\n".join(_line(n, line) for n, line in mine)
                link = f"/dunning-lists/{list_id}?salesperson={salesperson}"
                message = Message(
                    key=f"{NAME}:{list_id}:{salesperson}",
                    kind="dunning_list_ready",
                    recipient=salesperson,
                    subject=f"催款清单 Dunning list {event.as_of}: {len(mine)}",
                    body=f"{body}\n\n{link}",
                )
                contact = self.contacts.lookup(tx, salesperson)
                notifications.enqueue(tx, NAME, message, contact, recorded)
