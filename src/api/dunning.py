"""Dunning list routes: the weekly lists, their exports and a letter per overdue item.

Lists are compiled by the clock every Monday (see policies.every_monday_compile_
dunning_list); `POST /dunning-lists/run` runs the week's list now (after an
outage, or to add what fell overdue since) and is as idempotent as the clock:
what is new since the last run becomes the list's next revision, and nothing
new records nothing. A list's lines are read from the log, where each revision
is one immutable event holding the lines it added; lines are numbered across
the revisions, so a line's number, and its letter's URL, never change.
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
from domain.envelope import Recorded
from domain.print_templates import PrintKind
from projections import dunning_lists

ListId = Annotated[UUID, Parameter(description="The dunning list's id")]
Revision = Annotated[int | None, Parameter(ge=1, description="Only the lines this revision added")]
HEADER = (
    "salesperson", "customer_id", "customer", "contract_number", "invoice_number",
    "milestone", "due_on", "days_overdue", "level", "level_name", "currency",
    "outstanding", "fee", "interest", "total", "revision",
)  # fmt: skip
Listed = tuple[int, DunningListCompiled, DunningLine]  # the line's number, its revision, the line


class RunIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    at: Aware | None = None  # run the list of the week this falls in, as of this moment


def _revisions(runtime: Runtime, list_id: UUID) -> list[Recorded[DunningListCompiled]]:
    history = runtime.service.history(list_id)
    found = [r for r in history if isinstance(r.event, DunningListCompiled)]
    if not found:
        raise NotFoundException(f"no dunning list {list_id}")
    return found


def _lines(
    revisions: list[Recorded[DunningListCompiled]],
    salesperson: str | None = None,
    revision: int | None = None,
) -> list[Listed]:
    """The list's lines in revision order, numbered from 1 across the revisions."""
    listed = [(r.event, line) for r in revisions for line in r.event.lines]
    return [
        (n, rev, line)
        for n, (rev, line) in enumerate(listed, 1)
        if salesperson in (None, line.salesperson) and revision in (None, rev.revision)
    ]


def _as_of(revisions: list[Recorded[DunningListCompiled]], revision: int | None) -> str:
    """The day the list (or the revision asked for) stands for."""
    chosen = [r for r in revisions if revision in (None, r.event.revision)] or revisions
    return chosen[-1].event.as_of.isoformat()


def _summary(recorded: Recorded[DunningListCompiled]) -> dict[str, Any]:
    revision = recorded.event
    return {
        "revision": revision.revision,
        "as_of": revision.as_of.isoformat(),
        "lines": len(revision.lines),
        "recorded_at": recorded.timestamp.isoformat(),
    }


def _row(listed: Listed) -> tuple[object, ...]:
    _, revision, line = listed
    return (
        line.salesperson, line.customer_id, line.customer_name, line.contract_number,
        line.invoice_number, line.milestone, line.due_on, line.days_overdue, line.level,
        line.level_name, line.outstanding.currency, line.outstanding.amount, line.fee.amount,
        line.interest.amount, line.total.amount, revision.revision,
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
        """The weekly lists, latest first: line counts per salesperson, the latest revision."""
        live = runtime.projections[dunning_lists.NAME]
        with runtime.storage.read_store.transaction(commit=False) as tx:
            return dunning_lists.recent_lists(tx, live.copy, limit, offset)

    @post("/run", sync_to_thread=True, status_code=200)
    def run(self, data: JSONBody[RunIn], runtime: RuntimeDep) -> dict[str, Any]:
        """Run the list of the week `at` (default: now) falls in, as of that moment.

        What is overdue and not on the list yet becomes its next revision
        (`revision`); null when nothing is new since the last run, which records
        nothing. `lines` counts the whole list."""
        run = runtime.schedule.dunning.compile(data.at or runtime.clock())
        revisions = _revisions(runtime, run.list_id)
        return {"list_id": str(run.list_id),
                "scheduled_for": revisions[0].event.scheduled_for.isoformat(),
                "revision": run.revision, "revisions": revisions[-1].event.revision,
                "lines": sum(len(r.event.lines) for r in revisions)}  # fmt: skip

    @get("/{list_id:uuid}", sync_to_thread=True)
    def lines(
        self,
        list_id: ListId,
        runtime: RuntimeDep,
        salesperson: FromQuery[str | None] = None,
        revision: Revision = None,
    ) -> dict[str, Any]:
        """A list's lines (optionally one salesperson's, or one revision's): who owes what,
        how late, what level, each with its number `n` and the revision it came in; and
        the revisions, each as of its day."""
        revisions = _revisions(runtime, list_id)
        latest = revisions[-1].event
        return {
            "list_id": str(list_id),
            "scheduled_for": latest.scheduled_for.isoformat(),
            "as_of": latest.as_of.isoformat(),
            "revision": latest.revision,
            "revisions": [_summary(r) for r in revisions],
            "lines": [
                {**msgspec.to_builtins(line), "n": n, "revision": rev.revision}
                for n, rev, line in _lines(revisions, salesperson, revision)
            ],
        }

    @get("/{list_id:uuid}/export", sync_to_thread=True)
    def export(
        self,
        list_id: ListId,
        runtime: RuntimeDep,
        format: FromQuery[Literal["csv", "xlsx"]] = "csv",
        salesperson: FromQuery[str | None] = None,
        revision: Revision = None,
    ) -> Response[bytes]:
        """The list (or one revision of it) as CSV (UTF-8 with BOM) or XLSX, one row per line."""
        revisions = _revisions(runtime, list_id)
        rows = [_row(listed) for listed in _lines(revisions, salesperson, revision)]
        as_of = _as_of(revisions, revision)
        return table_file(format, f"dunning-{as_of}", HEADER, rows,
                          sheet=f"dunning {as_of}")  # fmt: skip

    @get("/{list_id:uuid}/lines/{n:int}/letter.pdf", sync_to_thread=True)
    def letter(self, list_id: ListId, n: FromPath[int], runtime: RuntimeDep) -> Response[bytes]:
        """A dunning letter (PDF, Chinese and English) for line `n` (from 1) of the list,
        as of the day of the revision the line came in."""
        listed = _lines(_revisions(runtime, list_id))
        if not 1 <= n <= len(listed):
            raise NotFoundException(f"the list has lines 1 to {len(listed)}, not {n}")
        _, revision, line = listed[n - 1]
        values = printing.dunning_letter(line, company=runtime.settings.company_name,
                                         as_of=revision.as_of)  # fmt: skip
        name = f"dunning-{line.contract_number}-{line.invoice_number}.pdf"
        return printing.printed(runtime, PrintKind.DUNNING_LETTER, (values, None), name)
