"""The spreadsheet import routes: a template per kind of file, and the upload.

What a file must hold and how it is checked and written is the application's
(`application.imports`); these routes take the upload and answer with its report
(422 when a file with problems imported nothing).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery

from api.commanding import acting_user
from api.exports import table_file
from api.runtime import Runtime, RuntimeDep
from application.imports import SHEETS, ImportContext, ImportReport, Sheet, Upload, import_file


def import_context(runtime: Runtime) -> ImportContext:
    """What an import is handed from the running system (the routes' and the CLI's)."""
    return ImportContext(
        service=runtime.service,
        seal=runtime.keyring.seal,
        clock=runtime.clock,
        written=runtime.notify_written,
        row_limit=runtime.settings.import_row_limit,
    )


@dataclass
class ImportForm:
    """multipart/form-data: the spreadsheet, and whether to import only the good items."""

    file: UploadFile
    valid_only: bool = False


def _sheet(request: Request[Any, Any, Any]) -> Sheet:
    """The sheet a route is for: its path names it (/imports/<kind>[/template])."""
    return SHEETS[str(request.scope["path_template"]).split("/")[2]]


class ImportController(Controller):
    path = "/imports"
    tags = ["imports"]  # noqa: RUF012

    @get([f"/{kind}/template" for kind in SHEETS], sync_to_thread=False)  # a small table
    def column_template(
        self, request: Request[Any, Any, Any], format: FromQuery[Literal["csv", "xlsx"]] = "xlsx"
    ) -> Response[bytes]:
        """The column template of a kind of import (`format` xlsx or csv), with example rows;
        each column's meaning is in the operators' guide and in an import's report."""
        sheet = _sheet(request)
        header = [c.name for c in sheet.columns]
        return table_file(
            format,
            f"{sheet.name}-template",
            header,
            [list(r) for r in sheet.example],
            sheet=sheet.name,
        )

    # Not sync_to_thread: on a handler with several paths Litestar 2 wraps the function
    # twice and answers 500, so the import goes to a worker thread by hand.
    @post([f"/{kind}" for kind in SHEETS], status_code=200)
    async def import_upload(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        runtime: RuntimeDep,
    ) -> Response[ImportReport]:
        """Import historical orders (one row per order line), customers, products (one row
        per currency) or stock counts from XLSX or CSV, with the columns of the template.
        Every cell is checked first; with any problem nothing is imported (422 with the
        report) unless `valid_only`. Importing a file again adds nothing."""
        # The spooled file itself (on disk past a megabyte): read as a stream, never whole.
        upload = Upload(data.file.file, data.file.filename or "upload.csv")
        run = functools.partial(
            import_file,
            import_context(runtime),
            _sheet(request),
            upload,
            valid_only=data.valid_only,
            actor=acting_user(request),
        )
        report = await anyio.to_thread.run_sync(run)
        status = 422 if report.problems and not data.valid_only else 200
        return Response(report, status_code=status)
