"""Customers: the credit rating that sets scheduling priority and the prepayment
template, and erasure of their personal data."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody, Parameter

from api.order_dto import Accepted, Aware
from api.orders import command_meta, run_command
from api.receivable_dto import CreditOut
from api.runtime import RuntimeDep
from domain.customer_credit import CreditRatingChanged, customer_credit_id
from domain.personal import ErasePersonalData, data_subject_id
from domain.service import CUSTOMER_CREDIT, DATA_SUBJECT
from domain.shared import Text

CustomerId = Annotated[str, Parameter(min_length=1, max_length=200, description="Customer id")]


class ErasureIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: Text
    at: Aware | None = None


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

    @post("/{customer_id:str}/erasure", sync_to_thread=True, status_code=200)
    def erase(
        self,
        request: Request[Any, Any, Any],
        customer_id: CustomerId,
        data: JSONBody[ErasureIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """Erase the customer's personal data: its key is destroyed, then the request logged.

        Contacts sealed for the customer read as erased from then on; the log,
        its hash chain and every figure stay as they were. Safe to retry.
        """
        runtime.keyring.erase(customer_id)
        command = ErasePersonalData(
            subject=customer_id, reason=data.reason, at=data.at or runtime.clock()
        )
        subject_id = data_subject_id(customer_id)
        return run_command(runtime, DATA_SUBJECT, subject_id, command, command_meta(request, None))
