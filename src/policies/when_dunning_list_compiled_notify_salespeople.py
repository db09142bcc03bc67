"""When the weekly dunning list is compiled, send each salesperson their part of it.

The list is assigned to the salesperson of each overdue item. Each
gets one message per revision of the list with their lines in it (customer,
contract, amount, days overdue, level) and where to download it and the
letters: Monday's run tells them the week's list, a later run only what it
added. Lines are numbered as on the whole list, as in the letters' URLs, so the
policy keeps how many lines each list holds.
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
        self.lists = f"{name}_lists"

    def tables(self) -> list[str]:
        return [self.contacts.table, self.lists]

    def schema(self) -> list[str]:
        return [
            *notifications.SCHEMA,
            *self.contacts.schema,
            f"CREATE TABLE IF NOT EXISTS {self.lists} (list_id TEXT PRIMARY KEY, "
            "lines BIGINT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event = recorded.event
            if self.contacts.track(tx, event) or not isinstance(event, DunningListCompiled):
                continue
            list_id = recorded.originator_id
            before = self._listed(tx, str(list_id)) if event.revision > 1 else 0
            tx.upsert(self.lists, ("list_id", "lines"), "list_id",
                      [(str(list_id), before + len(event.lines))])  # fmt: skip
            numbered = list(enumerate(event.lines, before + 1))  # as in the letters' URLs
            for salesperson, group in groupby(numbered, key=lambda nl: nl[1].salesperson):
                mine = list(group)
                body = "\n".join(_line(n, line) for n, line in mine)
                link = f"/dunning-lists/{list_id}?salesperson={salesperson}"
                key, subject = f"{NAME}:{list_id}", f"催款清单 Dunning list {event.as_of}"
                if event.revision > 1:  # revision 1 keeps the key lists had before revisions
                    link += f"&revision={event.revision}"
                    key += f":r{event.revision}"
                    subject += f" 新增 new (revision {event.revision})"
                message = Message(
                    key=f"{key}:{salesperson}",
                    kind="dunning_list_ready",
                    recipient=salesperson,
                    subject=f"{subject}: {len(mine)}",
                    body=f"{body}\n\n{link}",
                )
                contact = self.contacts.lookup(tx, salesperson)
                notifications.enqueue(tx, NAME, message, contact, recorded)

    def _listed(self, tx: Tx, list_id: str) -> int:
        """How many lines the list held before this revision."""
        tx.execute(f"SELECT lines FROM {self.lists} WHERE list_id = ?", (list_id,))  # noqa: S608
        row = tx.fetchone()
        return int(row["lines"]) if row else 0
