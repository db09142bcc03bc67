"""When an invoice is settled or dunned, judge the customer's payment and rate their credit.

Customers who pay on time three times running are scheduled first;
those who pay late prepay more next time. An invoice is judged when it is
settled (on time or not, with the published grace days), or earlier, late, when
a dunning list names it; the CustomerCredit aggregate judges each invoice once.
Written-off invoices are not judged again here: they were overdue, and the
dunning list that named them judged them late already.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import msgspec

from domain.customer_credit import JudgePayment, customer_credit_id
from domain.decider import topic_of
from domain.deciders import CUSTOMER_CREDIT
from domain.dunning import DunningListCompiled
from domain.envelope import Recorded
from domain.receivable.events import InvoiceSettled, ReceivableOpened
from domain.receivable.terms import CreditRules
from domain.rulebook import PaymentTermsPublished
from infrastructure.read_store import Tx
from policies import outbox

NAME = "when_invoice_settled_rate_customer_credit"
_rules = msgspec.json.Decoder(CreditRules)


class RateCustomerCreditPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (ReceivableOpened, InvoiceSettled, DunningListCompiled, PaymentTermsPublished)
    )

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.customers, self.rules = f"{name}_customers", f"{name}_rules"

    def tables(self) -> list[str]:
        return [self.customers, self.rules]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.customers} (receivable_id TEXT PRIMARY KEY, "
            "customer_id TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.rules} (id BIGINT PRIMARY KEY, rules TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event = recorded.event
            match event:
                case ReceivableOpened(customer_id=customer):
                    tx.upsert(self.customers, ("receivable_id", "customer_id"), "receivable_id",
                              [(str(recorded.originator_id), customer)])  # fmt: skip
                case PaymentTermsPublished(terms=terms):
                    rules = msgspec.json.encode(terms.credit).decode()
                    tx.upsert(self.rules, ("id", "rules"), "id", [(1, rules)])
                case InvoiceSettled(written_off=False, settled_at=at):
                    self._judge(tx, recorded, str(recorded.originator_id), how="settled",
                                invoice_number=event.invoice_number, due_on=event.due_on,
                                settled_on=at.date(), at=at)  # fmt: skip
                case DunningListCompiled(lines=lines):
                    for line in lines:  # a revision holds only the lines it added
                        self._judge(tx, recorded, str(line.receivable_id), how="dunned",
                                    invoice_number=line.invoice_number, due_on=line.due_on,
                                    settled_on=None, at=event.dunned_at)  # fmt: skip

    def _judge(  # noqa: PLR0913 - one invoice's facts
        self,
        tx: Tx,
        cause: Recorded[Any],
        receivable_id: str,
        *,
        how: str,
        invoice_number: str,
        due_on: date,
        settled_on: date | None,
        at: datetime,
    ) -> None:
        tx.execute(
            f"SELECT customer_id FROM {self.customers} WHERE receivable_id = ?",  # noqa: S608
            (receivable_id,),
        )
        customer = tx.fetchone()
        if customer is None:
            return
        tx.execute(f"SELECT rules FROM {self.rules} WHERE id = 1")  # noqa: S608
        found = tx.fetchone()
        rules = _rules.decode(found["rules"]) if found else CreditRules()
        key = f"{receivable_id}:{invoice_number}"
        judge = JudgePayment(
            customer_id=customer["customer_id"],
            invoice_key=key,
            invoice_number=invoice_number,
            due_on=due_on,
            settled_on=settled_on,
            at=at,
            rules=rules,
        )
        target = customer_credit_id(customer["customer_id"])
        intent = outbox.Intent(f"{NAME}:{key}:{how}", CUSTOMER_CREDIT, target, judge)
        outbox.enqueue(tx, NAME, intent, cause)
