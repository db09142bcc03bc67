"""Stock ledger routes: key components, receipts, issues, expected receipts, ERP import."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import Body, FromQuery, JSONBody, Parameter

from api.exports import Format, FormatParam, exported
from api.order_dto import Accepted, Aware, In, Name
from api.orders import acting_user, command_meta, run_command
from api.problems import Offset, WaitFor, WaitTimeout, read_after
from api.runtime import RuntimeDep
from domain.service import STOCK, CommandMeta
from domain.stock import (
    Count,
    CountStock,
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
from projections import stock
from projections.store import Row

Req = Request[Any, Any, Any]
Part = Annotated[str, Parameter(description="The component's part number", max_length=64)]
IMPORT_COLUMNS = ("part", "name", "unit", "on_hand", "safety_level", "alternatives")
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


@dataclass
class ImportForm:
    """multipart/form-data: the ERP's CSV export, and when it was taken."""

    file: UploadFile
    counted_at: str
    valid_only: bool = False


class ImportOut(msgspec.Struct, kw_only=True):
    rows: int
    imported: int
    changed: int  # rows that changed the ledger (re-importing the same file changes none)
    skipped: list[dict[str, Any]]


class StockController(Controller):
    path = "/stock"
    tags = ["stock"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
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
        live = runtime.projections[stock.NAME]
        read_after(live, wait_for_position, wait_timeout)
        with runtime.storage.read_store.transaction(commit=False) as tx:
            found = stock.stock_list(tx, live.copy, status=status, limit=limit, offset=offset)
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
        live = runtime.projections[stock.NAME]
        read_after(live, wait_for_position, wait_timeout)
        with runtime.storage.read_store.transaction(commit=False) as tx:
            found = stock.stock_item(tx, live.copy, part)
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

    @post("/import", sync_to_thread=True, status_code=200)
    def import_csv(
        self,
        request: Req,
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        runtime: RuntimeDep,
    ) -> ImportOut:
        """Import the ERP's stock export (CSV, UTF-8, columns part, name, unit, on_hand,
        safety_level, alternatives separated by `;`): every row is checked first; a file
        with a bad cell imports nothing (400 naming each row and column) unless
        `valid_only` is set. Counts set on hand; re-importing a file changes nothing."""
        counted_at = _aware(data.counted_at)
        content = data.file.file.read()
        commands, errors = parse_stock_csv(content, counted_at, source=_source(data, content))
        if errors and not data.valid_only:
            raise ValidationException(
                detail=f"{len(errors)} bad cell(s); nothing was imported", extra=errors
            )
        digest = hashlib.sha256(content).hexdigest()[:16]
        actor = acting_user(request)
        changed = 0
        for row, row_commands in commands:
            outcomes = [
                runtime.service.execute(
                    STOCK, stock_item_id(command.part), command,
                    CommandMeta(command_id=f"stock-import:{digest}:{row}:{i}", actor=actor),
                )
                for i, command in enumerate(row_commands)
            ]  # fmt: skip
            changed += any(o.events and not o.replayed for o in outcomes)
        runtime.notify_written()
        return ImportOut(rows=len(commands) + len({e["row"] for e in errors}),
                         imported=len(commands), changed=changed, skipped=errors)  # fmt: skip


def _source(data: ImportForm, content: bytes) -> str:
    name = (data.file.filename or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1][:100]
    return f"erp import {name} ({hashlib.sha256(content).hexdigest()[:12]})"


def _aware(text: str) -> Any:
    try:
        return msgspec.json.decode(msgspec.json.encode(text), type=Aware)
    except msgspec.ValidationError as e:
        raise ValidationException(
            detail=f"counted_at: {e}", extra=[{"key": "counted_at", "message": str(e)}]
        ) from e


def _checked(part: str) -> str:
    try:
        return _part.decode(msgspec.json.encode(part))
    except msgspec.ValidationError as e:
        raise ValidationException(
            detail=f"part: {e}", extra=[{"key": "part", "message": str(e), "source": "path"}]
        ) from e


def _run(runtime: Any, command: StockCommand, meta: CommandMeta) -> Accepted:
    return run_command(runtime, STOCK, stock_item_id(command.part), command, meta)


def parse_stock_csv(
    content: bytes, counted_at: Any, *, source: str
) -> tuple[list[tuple[int, list[StockCommand]]], list[dict[str, Any]]]:
    """The commands of each good row (by row number, the header being row 1), and every
    bad cell: row, column, what was expected."""
    errors: list[dict[str, Any]] = []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return [], [{"row": 0, "column": "", "message": f"the file is not UTF-8: {e}"}]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("part", "on_hand") if c not in (reader.fieldnames or [])]
    if missing:
        return [], [{"row": 1, "column": c, "message": "missing column"} for c in missing]
    good: list[tuple[int, list[StockCommand]]] = []
    seen: set[str] = set()
    for n, raw in enumerate(reader, start=2):
        row_errors: list[dict[str, Any]] = []

        def bad(column: str, message: str, n: int = n, errs: list[Any] = row_errors) -> None:
            errs.append({"row": n, "column": column, "message": message})

        part = (raw.get("part") or "").strip()
        try:
            part = _part.decode(msgspec.json.encode(part))
        except msgspec.ValidationError:
            bad("part", "a part number: letters, digits and . _ / - (at most 64)")
        if part in seen:
            bad("part", f"{part!r} appears on an earlier row")
        seen.add(part)
        numbers: dict[str, Decimal] = {}
        for column in ("on_hand", "safety_level"):
            cell = (raw.get(column) or "").strip()
            if not cell and column == "safety_level":
                continue
            try:
                value = Decimal(cell)
            except InvalidOperation:
                value = Decimal(-1)
            if not value.is_finite() or not 0 <= value <= Decimal("1e12"):
                bad(column, f"a number from 0 to 10^12, not {cell!r}")
            numbers[column] = value
        alternatives = [a.strip() for a in (raw.get("alternatives") or "").split(";") if a.strip()]
        for alternative in alternatives:
            try:
                _part.decode(msgspec.json.encode(alternative))
            except msgspec.ValidationError:
                bad("alternatives", f"{alternative!r} is not a part number")
        name, unit = (raw.get("name") or "").strip(), (raw.get("unit") or "").strip() or "pcs"
        if len(name) > 200 or len(unit) > 200:
            bad("name" if len(name) > 200 else "unit", "at most 200 characters")
        if row_errors:
            errors += row_errors
            continue
        commands: list[StockCommand] = []
        if name:
            commands.append(DefineComponent(
                part=part, name=name, unit=unit, safety_level=numbers.get("safety_level",
                                                                          Decimal(0)),
                alternatives=tuple(alternatives), at=counted_at))  # fmt: skip
        commands.append(CountStock(part=part, on_hand=numbers["on_hand"], source=source,
                                   at=counted_at))  # fmt: skip
        good.append((n, commands))
    return good, errors
