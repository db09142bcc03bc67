"""Customer commands: record a customer's whole record, as of a business time."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.customer.events import CustomerDetails
from domain.shared import AwareDatetime, Name

_CUSTOMERS = uuid5(NAMESPACE_URL, "urn:orderhub:customer")


def customer_id_for(customer_id: str) -> UUID:
    """The stream of a customer's record, from the customer's code."""
    return uuid5(_CUSTOMERS, customer_id)


class RecordCustomer(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    customer_id: Name
    details: CustomerDetails
    at: AwareDatetime


CustomerCommand = RecordCustomer
