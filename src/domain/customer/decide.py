"""`decide`: checks a customer command against the record and returns the new facts."""

from __future__ import annotations

from typing import assert_never

from domain.customer import rules
from domain.customer.commands import CustomerCommand, RecordCustomer
from domain.customer.events import CustomerEvent, CustomerRecorded
from domain.customer.state import CustomerState


def decide(command: CustomerCommand, state: CustomerState) -> list[CustomerEvent]:
    match command:
        case RecordCustomer(customer_id=customer_id, details=details, at=at):
            rules.must_seal_contact_for(details, customer_id)
            if rules.is_unchanged(state, details):
                return []
            return [CustomerRecorded(customer_id=customer_id, details=details, at=at)]
        case _:
            assert_never(command)
