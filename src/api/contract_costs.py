"""Costs to obtain a contract (ASC 340-40): recorded per contract, reported with their
amortisation and balances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.order_dto import Accepted
from api.reading import in_window
from api.runtime import RuntimeDep
from application.intake import Amount, Name, check_decimal
from domain.deciders import REVENUE_CONTRACT
from domain.revenue import ContractState, RecordContractCost, contract_id_for
from domain.revenue.calendar import month_of
from domain.revenue.costs import by_month
from domain.shared import Money
from projections import revenue

Req = Request[Any, Any, Any]
_contract = msgspec.json.Decoder(ContractState)
OrderId = Annotated[UUID, Parameter(description="The order whose revenue contract this is")]


class CostIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    cost_id: Name
    amount: Amount
    incurred_on: date
    description: Name
    obligations: Annotated[list[Name], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )  # those it relates to; empty: the whole contract

    def __post_init__(self) -> None:
        check_decimal(self.amount, "amount", positive=True)


class CostOut(msgspec.Struct, kw_only=True):
    order_id: str
    contract_number: str
    cost_id: str
    description: str
    currency: str
    treatment: str  # capitalised or expensed
    reason: str
    incurred_on: date
    amount: str
    amortised_in_month: str  # in the month of `as_of`
    amortised_to_date: str
    balance: str  # the asset at the end of `as_of`


class ContractCostController(Controller):
    path = "/revenue"
    tags = ["revenue"]  # noqa: RUF012

    @post("/contracts/{order_id:uuid}/costs", sync_to_thread=True, status_code=200)
    def record(
        self, request: Req, order_id: OrderId, data: JSONBody[CostIn], runtime: RuntimeDep
    ) -> Accepted:
        """Record an incremental cost of obtaining the contract (a sales commission): it is
        capitalised and amortised as the revenue of the obligations it relates to is
        recognised, or - if that happens within a year and the practical expedient is on
        (ORDERHUB_CONTRACT_COST_EXPEDIENT) - expensed when incurred; the treatment and
        why are recorded with it."""
        stream = contract_id_for(order_id)
        state = runtime.service.load(REVENUE_CONTRACT, stream)
        if not state.exists:
            raise NotFoundException(f"no revenue contract for order {order_id}: is it signed?")
        command = RecordContractCost(
            cost_id=data.cost_id, amount=Money(amount=data.amount, currency=state.currency),
            incurred_on=data.incurred_on, description=data.description,
            obligations=tuple(data.obligations),
            expedient=runtime.settings.contract_cost_expedient,
        )  # fmt: skip
        return run_command(runtime, REVENUE_CONTRACT, stream, command, command_meta(request, None))

    @get("/contract-costs", sync_to_thread=True)
    def report(self, runtime: RuntimeDep, as_of: FromQuery[date | None] = None) -> list[CostOut]:
        """Every contract cost with its treatment, what was amortised in the month of
        `as_of` (default today) and to date, and the balance standing as an asset."""
        in_window(as_of=as_of)
        day = as_of or runtime.clock().astimezone(runtime.zone).date()
        copy = runtime.projections[revenue.NAME].copy
        with runtime.storage.read_store.transaction(commit=False) as tx:
            # The read model keeps each contract's state: read it there, not stream by stream.
            tx.execute(f"SELECT state FROM {copy}_contracts ORDER BY contract_id")  # noqa: S608
            states = [_contract.decode(r["state"]) for r in tx.fetchall()]
        rows: list[CostOut] = []
        for state in states:
            if not state.costs:
                continue
            revenues = state.revenues()
            for cost in state.costs.values():
                [(_, in_month)] = by_month(cost, revenues, month_of(day), month_of(day))
                to_date = cost.amortised_to(revenues, day)
                rows.append(CostOut(
                    order_id=str(state.order_id), contract_number=state.contract_number,
                    cost_id=cost.cost_id, description=cost.description,
                    currency=state.currency, treatment=cost.treatment.value,
                    reason=cost.reason, incurred_on=cost.incurred_on,
                    amount=str(cost.amount.amount), amortised_in_month=str(in_month.amount),
                    amortised_to_date=str(to_date.amount),
                    balance=str((cost.amount - to_date).amount if day >= cost.incurred_on
                                else Decimal(0)),
                ))  # fmt: skip
        return rows
