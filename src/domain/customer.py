"""The customer master: who a customer is, where it buys, who sells to it.

Customers came as ids and names on orders; companies moving off spreadsheets
bring their customer list with them (seed 004, FAQ 3). A customer's record is
one stream: recording it again with the same details changes nothing, and each
change is one event carrying the whole record, so the log says what the record
was on any day. Its contact person is personal data and arrives sealed with the
customer's key (see `domain.personal`); the domain never looks inside it.

How a customer pays (its credit rating) and which pricing tier it is in are
kept where they are decided - `domain.customer_credit` and the catalogue - and
joined to the record only in the customers read model.
"""

from __future__ import annotations

from typing import Annotated, assert_never
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from msgspec.structs import replace

from domain.personal import Sealed, check_sealed_for
from domain.shared import AwareDatetime, Name

_CUSTOMERS = uuid5(NAMESPACE_URL, "urn:orderhub:customer")

Optional = Annotated[str, msgspec.Meta(max_length=200)]
Address = Annotated[str, msgspec.Meta(max_length=500)]
PaymentDays = Annotated[int, msgspec.Meta(ge=0, le=365)]


def customer_id_for(customer_id: str) -> UUID:
    """The stream of a customer's record, from the customer's code."""
    return uuid5(_CUSTOMERS, customer_id)


class CustomerDetails(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name
    region: Name
    industry: Optional = ""
    tax_id: Optional = ""  # e.g. the unified social credit code
    address: Address = ""
    salesperson: Optional = ""  # who looks after the customer
    payment_days: PaymentDays | None = None  # the usual credit period, if agreed
    contact: Sealed | None = None  # sealed for the customer (erasable)


class RecordCustomer(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    customer_id: Name
    details: CustomerDetails
    at: AwareDatetime


class CustomerRecorded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The customer's whole record as it is from now on."""

    customer_id: str
    details: CustomerDetails
    at: AwareDatetime


CustomerCommand = RecordCustomer
CustomerEvent = CustomerRecorded


class CustomerState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    customer_id: str = ""
    details: CustomerDetails | None = None


INITIAL = CustomerState()


def decide(command: CustomerCommand, state: CustomerState) -> list[CustomerEvent]:
    match command:
        case RecordCustomer(customer_id=customer_id, details=details, at=at):
            check_sealed_for(details.contact, customer_id, "contact")
            if details == state.details:
                return []
            return [CustomerRecorded(customer_id=customer_id, details=details, at=at)]
        case _:
            assert_never(command)


def evolve(state: CustomerState, event: CustomerEvent) -> CustomerState:
    match event:
        case CustomerRecorded(customer_id=customer_id, details=details):
            return replace(
                state, version=state.version + 1, customer_id=customer_id, details=details
            )
        case _:
            assert_never(event)
