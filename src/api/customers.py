"""Customer credit: the rating that sets scheduling priority and the prepayment template."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from api.receivable_dto import CreditOut
from api.runtime import RuntimeDep
from domain.customer_credit import CreditRatingChanged, customer_credit_id
from domain.service import CUSTOMER_CREDIT

CustomerId = Annotated[str, Parameter(min_length=1, max_length=200, description="Customer id")]


class CustomerController(Controller):
    path = "/customers"
    tags = ["receivables"]  # noqa: RUF012

    @get("/{customer_id:str}/credit", sync_to_thread=True)
    def credit(self, customer_id: CustomerId, runtime: RuntimeDep) -> CreditOut:
        """The customer's rating (priority, standard or watch), on-time streak, and every
        change of rating with its reason, from the log."""
        stream = customer_credit_id(customer_id)
        state = runtime.service.load(CUSTOMER_CREDIT, stream)
        changes = [
            {**msgspec.to_builtins(r.event), "version": r.originator_version}
            for r in runtime.service.history(stream)
            if isinstance(r.event, CreditRatingChanged)
        ]
        return CreditOut(
            customer_id=customer_id,
            rating=state.rating.value,
            on_time_streak=state.on_time_streak,
            judged_invoices=len(state.judged),
            changes=changes,
        )
