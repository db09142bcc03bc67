"""The RevenueContract aggregate: ASC 606 / IFRS 15 revenue recognition, one per signed order.

The five steps: a signed order is a contract; its lines, or bundles of lines
that are not distinct, are performance obligations, each with a satisfaction
pattern (`identification`, `progress`); the transaction price is the lines' net
prices plus constrained variable consideration (`variable`); it is allocated by
relative standalone selling price, with discount rules and the residual
approach (`allocation`); and revenue is recognised as progress is made, each
month the rounded cumulative to date less the rounded cumulative before
(`recognition`). Contract changes are classified (`modification`) and applied
(`changes`); `ledger` books the months.

`commands`, `events` and `state` (with `evolve`) hold the aggregate's types,
`decide` the decisions, `rules` the named checks. Business dates are the
calendar dates of the business times given, in their own UTC offsets (a shipment
at 2026-01-31T23:30+08:00 is January revenue).
"""

from domain.decider import Decider
from domain.revenue.commands import (
    IdentifyContract,
    ModifyContract,
    RecordContractCost,
    RecordFulfilment,
    ReestimateVariable,
    RevenueCommand,
    TerminateContract,
    contract_id_for,
)
from domain.revenue.decide import decide
from domain.revenue.events import (
    ContractCostRecorded,
    ContractIdentified,
    ContractModified,
    ContractTerminated,
    Fulfilment,
    LineQuantity,
    ObligationChange,
    ObligationTerms,
    ProgressRecorded,
    RevenueEvent,
    VariableReestimated,
)
from domain.revenue.rules import DEFAULT_SATISFACTION, RevenueRefused
from domain.revenue.state import INITIAL, ContractState, ObligationState, evolve

__all__ = [
    "DECIDER",
    "DEFAULT_SATISFACTION",
    "INITIAL",
    "ContractCostRecorded",
    "ContractIdentified",
    "ContractModified",
    "ContractState",
    "ContractTerminated",
    "Fulfilment",
    "IdentifyContract",
    "LineQuantity",
    "ModifyContract",
    "ObligationChange",
    "ObligationState",
    "ObligationTerms",
    "ProgressRecorded",
    "RecordContractCost",
    "RecordFulfilment",
    "ReestimateVariable",
    "RevenueCommand",
    "RevenueEvent",
    "RevenueRefused",
    "TerminateContract",
    "VariableReestimated",
    "contract_id_for",
    "decide",
    "evolve",
]

DECIDER: Decider[RevenueCommand, ContractState, RevenueEvent] = Decider(
    name="RevenueContract",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=RevenueEvent,
    commands=RevenueCommand,
)
