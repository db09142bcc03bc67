"""Customers: the customer master (record, list, export), the credit rating that sets
scheduling priority and the prepayment template, and erasure of their personal data."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, JSONBody, Parameter

from api.exports import Format, FormatParam, exported
from api.order_dto import Accepted, Aware, ContactOut, In
from api.orders import command_meta, opened_contact, run_command
from api.problems import Offset, WaitFor, WaitTimeout
from api.receivable_dto import CreditOut
from api.runtime import Runtime, RuntimeDep
from domain.customer import (
    Address,
    CustomerDetails,
    Optional,
    PaymentDays,
    RecordCustomer,
    customer_id_for,
)
from domain.customer_credit import CreditRatingChanged, customer_credit_id
from domain.personal import ContactPerson, ErasePersonalData, data_subject_id
from domain.service import CUSTOMER, CUSTOMER_CREDIT, DATA_SUBJECT
from domain.shared import Name, Text
from projections import customers
from projections.store import Row

CustomerId = Annotated[str, Parameter(min_length=1, max_length=200, description="Customer id")]


class ErasureIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: Text
    at: Aware | None = None


class CustomerIn(In, kw_only=True, forbid_unknown_fields=True):
    name: Name
    region: Name
    industry: Optional = ""
    tax_id: Optional = ""
    address: Address = ""
    salesperson: Optional = ""
    payment_days: PaymentDays | None = None
    contact: ContactPerson | None = None  # stored sealed for the customer (erasable)
    at: Aware | None = None

    def to_command(self, runtime: Runtime, customer_id: str) -> RecordCustomer:
        """The record, its contact sealed with the customer's key before it goes anywhere."""
        sealed = runtime.keyring.seal(customer_id, self.contact) if self.contact else None
        details = CustomerDetails(
            name=self.name, region=self.region, industry=self.industry, tax_id=self.tax_id,
            address=self.address, salesperson=self.salesperson, payment_days=self.payment_days,
            contact=sealed,
        )  # fmt: skip
        return RecordCustomer(customer_id=customer_id, details=details,
                              at=self.at or runtime.clock())  # fmt: skip


class CustomerOut(msgspec.Struct, kw_only=True):
    customer: Row  # the customer list's row: record, rating and tier
    contact: ContactOut | None
    version: int  # of the customer's record


class CustomerController(Controller):
    path = "/customers"
    tags = ["customers"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
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
        with runtime.reading(customers.NAME, wait_for_position, wait_timeout) as (tx, table):
            found = customers.customer_list(tx, table, region=region, rating=rating,
                                            tier=tier, limit=limit, offset=offset)  # fmt: skip
        return exported(found, fmt, "customers")

    @get("/{customer_id:str}", sync_to_thread=True)
    def read_customer(
        self,
        customer_id: CustomerId,
        runtime: RuntimeDep,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> CustomerOut:
        """One customer, with its contact person opened (or marked erased)."""
        with runtime.reading(customers.NAME, wait_for_position, wait_timeout) as (tx, table):
            row = customers.customer_row(tx, table, customer_id)
        if row is None:
            raise NotFoundException(f"no customer {customer_id!r}")
        state = runtime.service.load(CUSTOMER, customer_id_for(customer_id))
        contact = state.details.contact if state.details else None
        return CustomerOut(customer=row, contact=opened_contact(runtime, contact),
                           version=state.version)  # fmt: skip

    @put("/{customer_id:str}", sync_to_thread=True, status_code=200)
    def record(
        self,
        request: Request[Any, Any, Any],
        customer_id: CustomerId,
        data: JSONBody[CustomerIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """Record a customer, or change its record (the same record again changes nothing)."""
        command = data.to_command(runtime, customer_id)
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
