"""The Receivable aggregate: milestones, invoices, payments and credit for one order.

`terms` holds the payment terms (milestone templates, credit rules) the business
publishes; `model` the commands, events and state; `decide` the rules; `revision`
how a change order re-spreads the contract amount.
"""

from domain.receivable.decide import decide
from domain.receivable.evolve import evolve
from domain.receivable.model import (
    ReceivableCommand,
    ReceivableEvent,
    ReceivableState,
    receivable_id_for,
)

INITIAL = ReceivableState()

__all__ = [
    "INITIAL",
    "ReceivableCommand",
    "ReceivableEvent",
    "ReceivableState",
    "decide",
    "evolve",
    "receivable_id_for",
]
