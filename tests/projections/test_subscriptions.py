"""Renewal and upsell rates of subscription customers, from the order list's rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from domain.order.events import LineKind, OrderLine
from domain.shared import Money
from infrastructure.storage import Storage
from projections.dashboards import Filters
from projections.kpis import subscriptions
from tests.projections.order_rows import order_list, replace_rows


def line(code: str, kind: LineKind = LineKind.SUBSCRIPTION, start: date | None = None) -> OrderLine:
    timed = kind is LineKind.SUBSCRIPTION
    return OrderLine(
        line_id=code, product_code=code, kind=kind, quantity=Decimal(1),
        unit_price=Money.of(100, "CNY"), discount=Money.of(0, "CNY"),
        standalone_selling_price=Money.of(100, "CNY"),
        term_start=(start or date(2024, 1, 31)) if timed else None,
        term_months=12 if timed else None,
    )  # fmt: skip


def row(customer: str, placed: str, *items: OrderLine, status: str = "completed") -> dict[str, Any]:
    return {
        "order_id": f"{customer}-{placed}",
        "customer_id": customer,
        "placed_at": f"{placed}T00:00:00+00:00",
        "status": status,
        "lines": msgspec.json.encode(items).decode(),
    }


def rates(storage: Storage, rows: list[dict[str, Any]], as_of: datetime) -> dict[str, Any]:
    table = order_list(storage)
    replace_rows(storage, rows)
    with storage.read_store.transaction(commit=False) as tx:
        return subscriptions(tx, table, Filters(), as_of)


def test_renewal_and_upsell_rates(storage: Storage) -> None:
    rows = [
        row("renews", "2024-01-20", line("SAAS")),
        row("renews", "2025-01-25", line("SAAS", start=date(2025, 1, 31))),
        row("upsells", "2024-02-01", line("SAAS")),
        row("upsells", "2024-06-01", line("TRAINING", LineKind.TRAINING)),
        row("lapses", "2024-03-01", line("SAAS")),
        row("lapses", "2025-03-01", line("SAAS"), status="cancelled"),  # not a renewal
        row("hardware-only", "2024-03-01", line("HW", LineKind.HARDWARE)),
    ]
    figures = rates(storage, rows, datetime(2025, 2, 1, tzinfo=UTC))
    assert figures["subscription_customers"] == 3
    assert (figures["upsold_customers"], figures["upsell_rate"]) == (1, Decimal("0.3333"))
    # Ended by 2025-02-01: the three 2024 terms (31 Jan 2024 + 12 months = 31 Jan 2025).
    assert (figures["terms_ended"], figures["terms_renewed"]) == (3, 1)
    assert figures["renewal_rate"] == Decimal("0.3333")


def test_no_subscription_customers_means_no_rate(storage: Storage) -> None:
    figures = rates(storage, [], datetime(2025, 1, 1, tzinfo=UTC))
    assert figures["renewal_rate"] is None
    assert figures["upsell_rate"] is None
