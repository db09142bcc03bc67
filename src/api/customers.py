"""Customers: the customer master (record, list, export), the credit rating that sets
scheduling priority and the prepayment template, and erasure of their personal data."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.contacts import opened_contact, viewer_role
from api.exports import Format, FormatParam, exported, listed
from api.order_dto import Accepted, ContactOut
from api.reading import Offset, WaitFor, WaitTimeout, read_model
from api.receivable_dto import CreditOut
from api.runtime import RuntimeDep
from application.intake import Aware, CustomerIn
from domain.customer import customer_id_for
from domain.customer_credit import CreditRatingChanged, customer_credit_id
from domain.deciders import CUSTOMER, CUSTOMER_CREDIT, DATA_SUBJECT
from domain.personal import ErasePersonalData, data_subject_id
from domain.shared import Text
from infrastructure.read_store import Row
from projections import customers

CustomerId = Annotated[str, Parameter(min_length=1, max_length=200, description="Customer id")]


class ErasureIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: Text
    at: Aware | None = None


class CustomerOut(msgspec.Struct, kw_only=True):
    customer: Row  # the customer list's row: record, rating and tier
    contact: ContactOut | None
    version: int  # of the customer's record
    status_updates: bool  # False: the customer opted out of status e-mails


class CustomerController(Controller):
    path = "/customers"
    tags = ["customers"]  # noqa: RUF012

    @get("/", sync_to_thread=True, responses=listed(list[Row]))
    def list_customers(  # noqa: PLR0913 - the list's filters
        self,
        *,
        runtime: RuntimeDep,
        region: FromQuery[str | None] = None,
        rating: FromQuery[Literal["priority", "standard", "watch"] | None] = None,
        tier: FromQuery[str | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Offset = 0,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
        fmt: FormatParam = Format.JSON,
    ) -> list[Row] | Response[bytes]:
        """Customers by id: record, credit rating and pricing tier (whether there is a
        contact person, never who)."""
        with read_model(runtime, customers.NAME, wait_for_position, wait_timeout) as (tx, table):
            found = customers.customer_list(tx, table, region=region, rating=rating,
                                            tier=tier, limit=limit, offset=offset)  # fmt: skip
        return exported(found, fmt, "customers")

    @get("/{customer_id:str}", sync_to_thread=True)
    def read_customer(
        self,
        request: Request[Any, Any, Any],
        customer_id: CustomerId,
        runtime: RuntimeDep,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> CustomerOut:
        """One customer, with its contact person opened (or marked erased)."""
        with read_model(runtime, customers.NAME, wait_for_position, wait_timeout) as (tx, table):
            row = customers.customer_row(tx, table, customer_id)
        if row is None:
            raise NotFoundException(f"no customer {customer_id!r}")
        state = runtime.service.load(CUSTOMER, customer_id_for(customer_id))
        contact = state.details.contact if state.details else None
        opened = opened_contact(runtime, contact, viewer_role(request))
        updates = state.details.status_updates if state.details else True
        return CustomerOut(customer=row, contact=opened, version=state.version,
                           status_updates=updates)  # fmt: skip

    @put("/{customer_id:str}", sync_to_thread=True, status_code=200)
    def record(
        self,
        request: Request[Any, Any, Any],
        customer_id: CustomerId,
        data: JSONBody[CustomerIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """Record a customer, or change its record (the same record again changes nothing)."""
        command = data.to_command(runtime.keyring.seal, customer_id, runtime.clock())
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, CUSTOMER, customer_id_for(customer_id), command, meta)

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
