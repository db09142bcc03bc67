"""Dunning list routes: the weekly lists, their exports and a letter per overdue item.

Lists are compiled by the clock every Monday (see policies.every_monday_compile_
dunning_list); `POST /dunning-lists/run` compiles the latest firing's list now
if it is missing (after an outage, say) and is as idempotent as the clock.
A list's lines are read from the log, where the list is one immutable event.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from api import printing
from api.exports import table_file
from api.reading import Offset
from api.runtime import Runtime, RuntimeDep
from application.intake import Aware
from domain.dunning import DunningLine, DunningListCompiled
from domain.print_templates import PrintKind
from projections import dunning_lists

ListId = Annotated[UUID, Parameter(description="The dunning list's id")]
HEADER = (
    "salesperson", "customer_id", "customer", "contract_number", "invoice_number",
    "milestone", "due_on", "days_overdue", "level", "level_name", "currency",
    "outstanding", "fee", "interest", "total",
)  # fmt: skip


class RunIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    at: Aware | None = None  # compile the list of the latest firing at or before this


def _compiled(runtime: Runtime, list_id: UUID) -> DunningListCompiled:
    for recorded in runtime.service.history(list_id):
        if isinstance(recorded.event, DunningListCompiled):
            return recorded.event
    raise NotFoundException(f"no dunning list {list_id}")


def _lines(compiled: DunningListCompiled, salesperson: str | None) -> list[DunningLine]:
    return [ln for ln in compiled.lines if salesperson in (None, ln.salesperson)]


def _row(line: DunningLine) -> tuple[object, ...]:
    return (
        line.salesperson, line.customer_id, line.customer_name, line.contract_number,
        line.invoice_number, line.milestone, line.due_on, line.days_overdue, line.level,
        line.level_name, line.outstanding.currency, line.outstanding.amount, line.fee.amount,
        line.interest.amount, line.total.amount,
    )  # fmt: skip


class DunningController(Controller):
    path = "/dunning-lists"
    tags = ["receivables"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def recent(
        self,
        runtime: RuntimeDep,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 52,
        offset: Offset = 0,
    ) -> list[dict[str, Any]]:
        """The weekly lists, latest first, with their line counts per salesperson."""
        live = runtime.projections[dunning_lists.NAME]
        with runtime.storage.read_store.transaction(commit=False) as tx:
            return dunning_lists.recent_lists(tx, live.copy, limit, offset)

    @post("/run", sync_to_thread=True, status_code=200)
    def run(self, data: JSONBody[RunIn], runtime: RuntimeDep) -> dict[str, Any]:
        """Compile the list of the latest scheduled firing (at or before `at`) unless it exists."""
        list_id = runtime.schedule.dunning.run(data.at or runtime.clock())
        compiled = _compiled(runtime, list_id)
        return {"list_id": str(list_id), "scheduled_for": compiled.scheduled_for.isoformat(),
                "lines": len(compiled.lines)}  # fmt: skip

    @get("/{list_id:uuid}", sync_to_thread=True)
    def lines(
        self, list_id: ListId, runtime: RuntimeDep, salesperson: FromQuery[str | None] = None
    ) -> dict[str, Any]:
        """A list's lines (optionally one salesperson's): who owes what, how late, what level."""
        compiled = _compiled(runtime, list_id)
        return {
            "list_id": str(list_id),
            "scheduled_for": compiled.scheduled_for.isoformat(),
            "as_of": compiled.as_of.isoformat(),
            "lines": msgspec.to_builtins(_lines(compiled, salesperson)),
        }

    @get("/{list_id:uuid}/export", sync_to_thread=True)
    def export(
        self,
        list_id: ListId,
        runtime: RuntimeDep,
        format: FromQuery[Literal["csv", "xlsx"]] = "csv",
        salesperson: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """The list as CSV (UTF-8 with BOM) or XLSX, one row per line."""
        compiled = _compiled(runtime, list_id)
        rows = [_row(line) for line in _lines(compiled, salesperson)]
        return table_file(format, f"dunning-{compiled.as_of.isoformat()}", HEADER, rows,
                          sheet=f"dunning {compiled.as_of}")  # fmt: skip

    @get("/{list_id:uuid}/lines/{n:int}/letter.pdf", sync_to_thread=True)
    def letter(self, list_id: ListId, n: FromPath[int], runtime: RuntimeDep) -> Response[bytes]:
        """A dunning letter (PDF, Chinese and English) for line `n` (from 1) of the list."""
        compiled = _compiled(runtime, list_id)
        if not 1 <= n <= len(compiled.lines):
            raise NotFoundException(f"the list has lines 1 to {len(compiled.lines)}, not {n}")
        line = compiled.lines[n - 1]
        values = printing.dunning_letter(line, company=runtime.settings.company_name,
                                         as_of=compiled.as_of)  # fmt: skip
        name = f"dunning-{line.contract_number}-{line.invoice_number}.pdf"
        return printing.printed(runtime, PrintKind.DUNNING_LETTER, (values, None), name)
