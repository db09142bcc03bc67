"""Receivable routes: invoices, payments, refunds, credit notes, write-offs; aging and DSO.

A receivable is addressed by its order's id (one per order, opened when the
order is signed). Commands answer like every command route (aggregate id,
version, log position). A payment's idempotency key is its bank reference: the
same bank transaction posted again — on any receivable — is answered with the
first result (or refused, if it differs), never recorded twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, JSONBody, Parameter

from api import receivable_dto as dto
from api.commanding import command_meta, run_command
from api.exports import Format, FormatParam, exported, listed, table_file
from api.order_dto import Accepted
from api.reading import Offset, WaitFor, WaitTimeout, in_order, in_window, read_model
from api.runtime import Runtime, RuntimeDep
from application.service import CommandMeta
from domain.deciders import RECEIVABLE
from domain.receivable import receivable_id_for
from projections import receivables, receivables_queries
from projections.receivables_queries import Dso

Req = Request[Any, Any, Any]
OrderId = Annotated[UUID, Parameter(description="The order whose receivable this is")]
AMOUNTS = {*receivables_queries.BUCKETS, "total"}
AsOf = Annotated[date | None, Parameter(description="Business date to read as of (default today)")]


def _execute(runtime: Runtime, order_id: UUID, command: Any, meta: CommandMeta) -> Accepted:
    return run_command(runtime, RECEIVABLE, receivable_id_for(order_id), command, meta)


def _today(runtime: Runtime) -> date:
    return runtime.clock().date()


class ReceivableController(Controller):
    path = "/receivables"
    tags = ["receivables"]  # noqa: RUF012

    @get("/", sync_to_thread=True, responses=listed(list[dict[str, Any]]))
    def list_receivables(  # noqa: PLR0913
        self,
        *,
        runtime: RuntimeDep,
        customer_id: FromQuery[str | None] = None,
        salesperson: FromQuery[str | None] = None,
        open_only: FromQuery[bool] = False,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Offset = 0,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
        fmt: FormatParam = Format.JSON,
    ) -> list[dict[str, Any]] | Response[bytes]:
        """The receivables read model: balances per order, by customer or salesperson."""
        with read_model(runtime, receivables.NAME, wait_for_position, wait_timeout) as (tx, table):
            found = receivables_queries.receivables(
                tx,
                table,
                customer_id=customer_id,
                salesperson=salesperson,
                open_only=open_only,
                limit=limit,
                offset=offset,
            )
        return exported(found, fmt, "receivables")  # fmt: skip

    @get("/aging", sync_to_thread=True)
    def aging(
        self,
        runtime: RuntimeDep,
        as_of: AsOf = None,
        by: FromQuery[Literal["customer", "salesperson"]] = "customer",
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> list[dict[str, str]]:
        """Outstanding money by customer or salesperson in the buckets current, 1-30, 31-60,
        61-90 and over 90 days overdue, as it stood on `as_of`."""
        in_window(as_of=as_of)
        with read_model(runtime, receivables.NAME, wait_for_position, wait_timeout) as (tx, table):
            return receivables_queries.aging(tx, table, as_of or _today(runtime), by)

    @get("/aging/export", sync_to_thread=True)
    def aging_export(
        self,
        runtime: RuntimeDep,
        as_of: AsOf = None,
        by: FromQuery[Literal["customer", "salesperson"]] = "customer",
        format: FromQuery[Literal["csv", "xlsx"]] = "csv",
    ) -> Response[bytes]:
        """The aging as CSV (UTF-8 with BOM) or XLSX."""
        in_window(as_of=as_of)
        day = as_of or _today(runtime)
        live = runtime.projections[receivables.NAME]
        with runtime.storage.read_store.transaction(commit=False) as tx:
            rows = receivables_queries.aging(tx, live.copy, day, by)
        header = list(rows[0]) if rows else [by, "currency", *receivables_queries.BUCKETS, "total"]
        table = [[Decimal(v) if k in AMOUNTS else v for k, v in r.items()] for r in rows]
        return table_file(format, f"aging-{by}-{day.isoformat()}", header, table,
                          sheet=f"aging {day}")  # fmt: skip

    @get("/open-items", sync_to_thread=True)
    def open_items(  # noqa: PLR0913 - filters
        self,
        *,
        runtime: RuntimeDep,
        as_of: AsOf = None,
        customer_id: FromQuery[str | None] = None,
        salesperson: FromQuery[str | None] = None,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> list[dto.OpenItemOut]:
        """Every invoice with money outstanding on `as_of`, with its days overdue and bucket."""
        in_window(as_of=as_of)
        day = as_of or _today(runtime)
        with read_model(runtime, receivables.NAME, wait_for_position, wait_timeout) as (tx, table):
            items = receivables_queries.open_items(tx, table, day)
        return [
            dto.OpenItemOut(
                **msgspec.structs.asdict(i), days_overdue=max(0, (day - i.due_on).days),
                bucket=receivables_queries.bucket((day - i.due_on).days),
            )
            for i in items
            if customer_id in (None, i.customer_id) and salesperson in (None, i.salesperson)
        ]  # fmt: skip

    @get("/dso", sync_to_thread=True)
    def dso(
        self,
        runtime: RuntimeDep,
        start: FromQuery[date],
        end: FromQuery[date],
        currency: Annotated[str, Parameter(pattern=r"^[A-Z]{3}$")] = "CNY",
    ) -> Dso:
        """Days sales outstanding over [start, end]: receivables at the end over the window's
        credit sales, times its days. `end` must not be before `start`."""
        in_order(("start", start), ("end", end))
        live = runtime.projections[receivables.NAME]
        with runtime.storage.read_store.transaction(commit=False) as tx:
            return receivables_queries.dso(tx, live.copy, start, end, currency)

    @get("/{order_id:uuid}", sync_to_thread=True)
    def detail(self, order_id: OrderId, runtime: RuntimeDep) -> dto.ReceivableOut:
        """The receivable as the log has it now: milestones with status, invoices, balances,
        and the billing plan it was opened with and why."""
        receivable_id = receivable_id_for(order_id)
        state = runtime.service.load(RECEIVABLE, receivable_id)
        if not state.version:
            raise NotFoundException(f"order {order_id} has no receivable (is it signed?)")
        return dto.ReceivableOut.of(receivable_id, state)

    @post("/{order_id:uuid}/invoices", sync_to_thread=True, status_code=200)
    def invoice(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.InvoiceIn], runtime: RuntimeDep
    ) -> Accepted:
        """Invoice a billable milestone for its amount, due on the milestone's term."""
        meta = command_meta(request, data.expected_version)
        return _execute(runtime, order_id, data.to_command(), meta)

    @post("/{order_id:uuid}/payments", sync_to_thread=True, status_code=200)
    def payment(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.PaymentIn], runtime: RuntimeDep
    ) -> Accepted:
        """Record money received: applied to the invoices named, then oldest due first; the
        rest is held on account. Idempotent by bank reference."""
        meta = command_meta(request, data.expected_version)
        meta = CommandMeta(
            command_id=f"bank:{data.bank_reference}", actor=meta.actor,
            correlation_id=meta.correlation_id, causation_id=meta.causation_id,
            expected_version=meta.expected_version,
        )  # fmt: skip
        return _execute(runtime, order_id, data.to_command(), meta)

    @post("/{order_id:uuid}/refunds", sync_to_thread=True, status_code=200)
    def refund(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.RefundIn], runtime: RuntimeDep
    ) -> Accepted:
        """Pay back money held on account (never more than is held)."""
        meta = command_meta(request, data.expected_version)
        return _execute(runtime, order_id, data.to_command(), meta)

    @post("/{order_id:uuid}/credit-notes", sync_to_thread=True, status_code=200)
    def credit_note(
        self,
        request: Req,
        order_id: OrderId,
        data: JSONBody[dto.CreditNoteIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """Credit (part of) an invoice; what it no longer owed after payment goes on account."""
        meta = command_meta(request, data.expected_version)
        return _execute(runtime, order_id, data.to_command(), meta)

    @post("/{order_id:uuid}/write-offs", sync_to_thread=True, status_code=200)
    def write_off(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.WriteOffIn], runtime: RuntimeDep
    ) -> Accepted:
        """Write off what is still outstanding on an invoice, with the reason."""
        meta = command_meta(request, data.expected_version)
        return _execute(runtime, order_id, data.to_command(), meta)
