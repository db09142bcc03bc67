"""The StockItem aggregate: the stock ledger of one key component, and soft reservations.

When an order is captured, the real available quantity of its key components
(servo motors, PLC controllers...) is checked; below the safety level the order
gets a warning with a suggestion: a later delivery date or an alternative part.
Each component is a StockItem: on hand (fed by receipts, issues and counts imported
from the ERP), reserved per order, a safety level, receipts expected from purchase
orders, and the parts that can replace it.

`commands`, `events` and `state` hold the types; `decide` and `evolve` the logic;
`rules` the named checks; `components` which parts a product takes; `planning`
the maths of shortfalls and dates.
"""

from domain.decider import Decider
from domain.stock.commands import (
    ConsumeReservation,
    Count,
    CountStock,
    DefineComponent,
    ExpectReceipt,
    IssueStock,
    PartNo,
    Quantity,
    ReceiveStock,
    Reference,
    ReserveForOrder,
    StockCommand,
    stock_item_id,
)
from domain.stock.components import DEFAULT_KEY_COMPONENTS, ComponentNeed, KeyComponents
from domain.stock.decide import decide
from domain.stock.events import (
    ComponentDefined,
    ReceiptExpected,
    ReservationConsumed,
    StockCounted,
    StockEvent,
    StockIssued,
    StockReceived,
    StockReserved,
)
from domain.stock.planning import covered_on, needs, shortfall, suggested_delivery
from domain.stock.rules import ReferenceReused, StockRefused
from domain.stock.state import INITIAL, Expected, StockState, evolve

__all__ = [
    "DECIDER",
    "DEFAULT_KEY_COMPONENTS",
    "INITIAL",
    "ComponentDefined",
    "ComponentNeed",
    "ConsumeReservation",
    "Count",
    "CountStock",
    "DefineComponent",
    "ExpectReceipt",
    "Expected",
    "IssueStock",
    "KeyComponents",
    "PartNo",
    "Quantity",
    "ReceiptExpected",
    "ReceiveStock",
    "Reference",
    "ReferenceReused",
    "ReservationConsumed",
    "ReserveForOrder",
    "StockCommand",
    "StockCounted",
    "StockEvent",
    "StockIssued",
    "StockReceived",
    "StockRefused",
    "StockReserved",
    "StockState",
    "covered_on",
    "decide",
    "evolve",
    "needs",
    "shortfall",
    "stock_item_id",
    "suggested_delivery",
]

DECIDER: Decider[StockCommand, StockState, StockEvent] = Decider(
    name="StockItem",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=StockEvent,
    commands=StockCommand,
)
