"""Customer events and the record they carry.

Customers came as ids and names on orders; companies moving off spreadsheets
bring their customer list with them, and this record holds it. Its contact
person is personal data and arrives sealed with the customer's key (see
`domain.personal`); the domain never looks inside it.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from domain.personal import Sealed
from domain.shared import AwareDatetime, Name

Optional = Annotated[str, msgspec.Meta(max_length=200)]
Address = Annotated[str, msgspec.Meta(max_length=500)]
PaymentDays = Annotated[int, msgspec.Meta(ge=0, le=365)]


class CustomerDetails(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name
    region: Name
    industry: Optional = ""
    tax_id: Optional = ""  # e.g. the unified social credit code
    address: Address = ""
    salesperson: Optional = ""  # who looks after the customer
    payment_days: PaymentDays | None = None  # the usual credit period, if agreed
    contact: Sealed | None = None  # sealed for the customer (erasable)
    status_updates: bool = True  # False: the customer opted out of status e-mails


class CustomerRecorded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The customer's whole record as it is from now on."""

    customer_id: str
    details: CustomerDetails
    at: AwareDatetime


CustomerEvent = CustomerRecorded
