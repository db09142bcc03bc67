"""CustomerCredit commands: judge one invoice's payment under the credit rules in force."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.receivable.terms import CreditRules
from domain.shared import AwareDatetime, Name

_CUSTOMERS = uuid5(NAMESPACE_URL, "urn:orderhub:customer-credit")


def customer_credit_id(customer_id: str) -> UUID:
    return uuid5(_CUSTOMERS, customer_id)


class JudgePayment(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Judge one invoice: settled on `settled_on`, or found overdue (None) by dunning."""

    customer_id: Name
    invoice_key: Name  # receivable id and invoice number: judged once
    invoice_number: Name
    due_on: date
    settled_on: date | None
    at: AwareDatetime
    rules: CreditRules


CreditCommand = JudgePayment
