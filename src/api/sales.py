"""Sales routes: the sales analysis over the sales read model (quotes and bookings)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, Parameter

from api.reading import WaitFor, WaitTimeout, in_window, read_model
from api.runtime import RuntimeDep
from projections import sales
from projections.sales_queries import SalesAnalysis, analysis

Month = Annotated[str, Parameter(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


class SalesController(Controller):
    path = "/sales"
    tags = ["sales"]  # noqa: RUF012

    @get("/analysis", sync_to_thread=True)
    def sales_analysis(  # noqa: PLR0913
        self,
        *,
        runtime: RuntimeDep,
        from_month: Month,
        to_month: Month,
        as_of: FromQuery[date | None] = None,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> SalesAnalysis:
        """Bookings by month and purpose (new, expansion, renewal, change, usage, cancellation),
        the quote funnel and win rates, the renewal rate and the expansion share."""
        in_window(as_of=as_of)
        with read_model(runtime, sales.NAME, wait_for_position, wait_timeout) as (tx, table):
            return analysis(tx, table, from_month, to_month,
                            as_of or runtime.clock().date())  # fmt: skip
