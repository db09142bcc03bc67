"""Customer: the customer master - who a customer is, where it buys, who sells to it.

A customer's record is one stream: recording it again with the same details
changes nothing, and each change is one event carrying the whole record, so the
log says what the record was on any day. How a customer pays (its credit rating)
and which pricing tier it is in are kept where they are decided -
`domain.customer_credit` and the catalogue - and joined to the record only in
the customers read model.
"""

from domain.customer.commands import CustomerCommand, RecordCustomer, customer_id_for
from domain.customer.decide import decide
from domain.customer.events import (
    Address,
    CustomerDetails,
    CustomerEvent,
    CustomerRecorded,
    Optional,
    PaymentDays,
)
from domain.customer.state import INITIAL, CustomerState, evolve
from domain.decider import Decider

__all__ = [
    "DECIDER",
    "INITIAL",
    "Address",
    "CustomerCommand",
    "CustomerDetails",
    "CustomerEvent",
    "CustomerRecorded",
    "CustomerState",
    "Optional",
    "PaymentDays",
    "RecordCustomer",
    "customer_id_for",
    "decide",
    "evolve",
]

DECIDER: Decider[CustomerCommand, CustomerState, CustomerEvent] = Decider(
    name="Customer",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=CustomerEvent,
    commands=CustomerCommand,
)
