"""Stock ledger routes: key components, receipts, issues, expected receipts, ERP import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromQuery, JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.exports import Format, FormatParam, exported, listed
from api.order_dto import Accepted
from api.reading import Offset, WaitFor, WaitTimeout, read_model
from api.runtime import RuntimeDep
from application.intake import Aware, In, Name
from application.service import CommandMeta
from domain.deciders import STOCK
from domain.stock import (
    Count,
    DefineComponent,
    ExpectReceipt,
    IssueStock,
    PartNo,
    Quantity,
    ReceiveStock,
    Reference,
    StockCommand,
    stock_item_id,
)
from infrastructure.read_store import Row
from projections import stock

Req = Request[Any, Any, Any]
Part = Annotated[str, Parameter(description="The component's part number", max_length=64)]
_part = msgspec.json.Decoder(PartNo)


class ComponentIn(In, kw_only=True, forbid_unknown_fields=True):
    name: Name
    unit: Name = "pcs"
    safety_level: Count = Decimal(0)
    alternatives: Annotated[list[PartNo], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )
    at: Aware


class MoveIn(In, kw_only=True, forbid_unknown_fields=True):
    reference: Reference
    quantity: Quantity
    at: Aware


class ExpectedIn(MoveIn, kw_only=True, forbid_unknown_fields=True):
    due_on: date


class StockController(Controller):
    path = "/stock"
    tags = ["stock"]  # noqa: RUF012

    @get("/", sync_to_thread=True, responses=listed(list[Row]))
    def list_stock(  # noqa: PLR0913 - the list's filters
        self,
        *,
        runtime: RuntimeDep,
        status: FromQuery[Literal["ok", "below_safety", "short"] | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Offset = 0,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
        fmt: FormatParam = Format.JSON,
    ) -> list[Row] | Response[bytes]:
        """Key components: on hand, reserved, available, safety level, receipts on the way,
        and status (`ok`, `below_safety`, `short`)."""
        with read_model(runtime, stock.NAME, wait_for_position, wait_timeout) as (tx, table):
            found = stock.stock_list(tx, table, status=status, limit=limit, offset=offset)
        return exported(found, fmt, "stock")

    @get("/{part:str}", sync_to_thread=True)
    def read_part(
        self,
        runtime: RuntimeDep,
        part: Part,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> Row:
        """One component, with the orders holding it and the receipts expected."""
        with read_model(runtime, stock.NAME, wait_for_position, wait_timeout) as (tx, table):
            found = stock.stock_item(tx, table, part)
        if found is None:
            raise NotFoundException(f"no component {part!r} in the stock ledger")
        return found

    @put("/{part:str}", sync_to_thread=True, status_code=200)
    def define(
        self, request: Req, part: Part, data: JSONBody[ComponentIn], runtime: RuntimeDep
    ) -> Accepted:
        """Name a key component, its unit, safety level and alternative parts."""
        command = DefineComponent(part=_checked(part), name=data.name, unit=data.unit,
                                  safety_level=data.safety_level,
                                  alternatives=tuple(data.alternatives), at=data.at)  # fmt: skip
        return _run(runtime, command, command_meta(request, data.expected_version))

    @post("/{part:str}/receipts", sync_to_thread=True, status_code=200)
    def receive(
        self, request: Req, part: Part, data: JSONBody[MoveIn], runtime: RuntimeDep
    ) -> Accepted:
        """Goods received (the reference is the receipt's: booking it again does nothing);
        fulfils the expected receipt of the same reference."""
        command = ReceiveStock(part=_checked(part), reference=data.reference,
                               quantity=data.quantity, at=data.at)  # fmt: skip
        return _run(runtime, command, command_meta(request, data.expected_version))

    @post("/{part:str}/issues", sync_to_thread=True, status_code=200)
    def issue(
        self, request: Req, part: Part, data: JSONBody[MoveIn], runtime: RuntimeDep
    ) -> Accepted:
        """Goods issued from stock (never more than is on hand)."""
        command = IssueStock(part=_checked(part), reference=data.reference,
                             quantity=data.quantity, at=data.at)  # fmt: skip
        return _run(runtime, command, command_meta(request, data.expected_version))

    @post("/{part:str}/expected-receipts", sync_to_thread=True, status_code=200)
    def expect(
        self, request: Req, part: Part, data: JSONBody[ExpectedIn], runtime: RuntimeDep
    ) -> Accepted:
        """A purchase order on its way: what arrives when (used to suggest delivery dates)."""
        command = ExpectReceipt(part=_checked(part), reference=data.reference,
                                quantity=data.quantity, due_on=data.due_on, at=data.at)  # fmt: skip
        return _run(runtime, command, command_meta(request, data.expected_version))


def _checked(part: str) -> str:
    try:
        return _part.decode(msgspec.json.encode(part))
    except msgspec.ValidationError as e:
        raise ValidationException(
            detail=f"part: {e}", extra=[{"key": "part", "message": str(e), "source": "path"}]
        ) from e


def _run(runtime: Any, command: StockCommand, meta: CommandMeta) -> Accepted:
    return run_command(runtime, STOCK, stock_item_id(command.part), command, meta)
