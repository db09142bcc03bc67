"""Customer state and `evolve`: the record as last recorded."""

from __future__ import annotations

from typing import assert_never

import msgspec
from msgspec.structs import replace

from domain.customer.events import CustomerDetails, CustomerEvent, CustomerRecorded


class CustomerState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    customer_id: str = ""
    details: CustomerDetails | None = None


INITIAL = CustomerState()


def evolve(state: CustomerState, event: CustomerEvent) -> CustomerState:
    match event:
        case CustomerRecorded(customer_id=customer_id, details=details):
            return replace(
                state, version=state.version + 1, customer_id=customer_id, details=details
            )
        case _:
            assert_never(event)
