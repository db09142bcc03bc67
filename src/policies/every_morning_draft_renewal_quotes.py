"""Every morning, draft the renewal quote of every subscription and maintenance line that
renews by itself and whose term ends within the renewal lead time.

Multi-year contracts renew automatically. The lead time is the
pricing rules' `renewal_lead_days` in force that morning; the lines of one order
ending on the same day make one quote, priced from their last year with the
uplift applied (domain.cpq.renewal). The sales read model tracks the lines and
marks them quoted once the quote is drafted. The command id names the order, the
term end and the morning, and the quote number the order and the term end, so a
second firing that morning replays and a later one finds the quote drafted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from application.service import ApplicationService, CommandMeta
from domain.cpq.catalogue import CATALOGUE_ID
from domain.cpq.quote import DraftQuote, DuplicateQuote, Renews, Terms, quote_id_for
from domain.cpq.renewal import RenewalLine, renewal_offer
from domain.deciders import CATALOGUE, QUOTE
from domain.order.events import LineKind
from domain.shared import Money
from infrastructure.read_store import ReadStore, Row
from policies.every_monday_compile_dunning_list import company_rules
from policies.every_morning_review_milestones import latest_morning
from projections.sales_queries import order_row, renewals_due

NAME = "every_morning_draft_renewal_quotes"


def renewal_number(external_ref: str, ends: date) -> str:
    return f"RN-{external_ref}-{ends.strftime('%Y%m%d')}"


def _line(row: Row) -> RenewalLine:
    return RenewalLine(
        product_code=row["product_code"], name=row["name"] or row["product_code"],
        kind=LineKind(row["kind"]), quantity=Decimal(row["quantity"]),
        last_year=Money(amount=Decimal(row["basis"]), currency=row["currency"]),
    )  # fmt: skip


class DraftRenewals:
    def __init__(self, service: ApplicationService, store: ReadStore, sales: Callable[[], str]):
        self.service = service
        self.store = store
        self.sales = sales

    def run(self, now: datetime) -> list[UUID]:
        """Draft, as of this morning, each renewal quote that has come due."""
        morning = latest_morning(company_rules(self.service).timezone, now)
        today = morning.date()
        view = self.service.load(CATALOGUE, CATALOGUE_ID).on(today)
        until = today + timedelta(days=view.pricing_rules.renewal_lead_days)
        with self.store.transaction(commit=False) as tx:
            due = renewals_due(tx, self.sales(), until)
            orders = {order_id: order_row(tx, self.sales(), order_id) for order_id, _ in due}
        drafted = []
        for (order_id, end), rows in due.items():
            order = orders[order_id]
            assert order is not None
            ends = date.fromisoformat(end)
            renews = Renews(order_id=UUID(order_id), line_ids=tuple(r["line_id"] for r in rows),
                            term_end=ends)  # fmt: skip
            request, priced = renewal_offer(renews, [_line(r) for r in rows],
                                            customer_id=order["customer_id"],
                                            region=order["region"], view=view)  # fmt: skip
            number = renewal_number(order["external_ref"], ends)
            terms = Terms(order_type=order["order_type"], promised_delivery=max(ends, today),
                          valid_until=max(ends, today))  # fmt: skip
            command = DraftQuote(number=number, customer_name=order["customer_name"],
                                 salesperson=order["salesperson"], terms=terms, request=request,
                                 priced=priced, drafted_at=morning, renews=renews)  # fmt: skip
            meta = CommandMeta(command_id=f"{NAME}:{order_id}:{end}:{today.isoformat()}",
                               actor=f"clock:{NAME}")  # fmt: skip
            try:
                self.service.execute(QUOTE, quote_id_for(number), command, meta)
            except DuplicateQuote:
                continue  # drafted on an earlier morning; the read model had not seen it
            drafted.append(quote_id_for(number))
        return drafted
