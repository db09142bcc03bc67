"""KPIs as the business defines them, order health, and sales analysis."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.rulebook import HealthWeights
from infrastructure.read_store import Row, Tx
from projections.dashboards import (
    ACTIVE,
    NOT_CANCELLED,
    Filters,
    allocated,
    breakdown,
    lines,
    parse_at,
    ratio,
    select,
)

# Baseline and target of each KPI (docs/operators.md lists them).
TARGETS = {
    "on_time_delivery_rate": {"baseline": Decimal("0.90"), "excellent": Decimal("0.97")},
    "orders_per_staff": {"traditional": Decimal(120), "target": Decimal(200)},
    "profit_margin_deviation": {"ideal_at_most": Decimal("0.05")},
}


def _month(month: str) -> tuple[str, str]:
    """The UTC text times of a "YYYY-MM" month lie in [YYYY-MM, YYYY-MM+1): "2025-13"
    sorts after December's days and before 2026 (and 9999 has no following year)."""
    year, number = month.split("-")
    return month, f"{year}-{int(number) + 1:02d}"


def kpis(tx: Tx, table: str, filters: Filters, month: str, staff: int | None) -> dict[str, Any]:
    """On-time delivery rate = on time / completed; orders per order-management staff;
    profit-margin deviation = |actual gross profit - estimated| / estimated, averaged.

    Counted by the database; only the month's completed orders with both costs are read."""
    bounds = _month(month)
    closed_in_month = "status = 'completed' AND closed_at >= ? AND closed_at < ?"
    placed_in_month = "placed_at >= ? AND placed_at < ?"
    [counts] = select(tx, table, filters, (
        f"COUNT(CASE WHEN {closed_in_month} THEN 1 END) AS completed, "
        f"COUNT(CASE WHEN {closed_in_month} AND substr(closed_at, 1, 10) <= promised_delivery "
        "THEN 1 END) AS on_time, "
        f"COUNT(CASE WHEN {placed_in_month} THEN 1 END) AS placed, "
        f"COUNT(DISTINCT CASE WHEN {placed_in_month} THEN salesperson END) AS people"
    ), params=bounds * 4, tail="")  # fmt: skip
    completed, on_time, orders = (int(counts[k]) for k in ("completed", "on_time", "placed"))
    people = staff or int(counts["people"]) or None
    costed = f"{closed_in_month} AND estimated_cost <> '' AND actual_cost <> ''"
    deviations = []
    for row in select(
        tx, table, filters, "total, estimated_cost, actual_cost", costed, params=bounds
    ):
        revenue, estimated, actual = (
            Decimal(row["total"]),
            Decimal(row["estimated_cost"]),
            Decimal(row["actual_cost"]),
        )
        if revenue - estimated > 0:
            deviations.append(abs(estimated - actual) / (revenue - estimated))
    deviation = sum(deviations, Decimal(0)) / len(deviations) if deviations else None
    return {
        "month": month,
        "completed": completed,
        "on_time": on_time,
        "on_time_delivery_rate": ratio(Decimal(on_time), Decimal(completed)),
        "orders_placed": orders,
        "staff": people,
        "orders_per_staff": ratio(Decimal(orders), Decimal(people or 0), "0.1"),
        "profit_margin_deviation": None
        if deviation is None
        else deviation.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        "targets": TARGETS,
    }


def _capped(x: Decimal) -> Decimal:
    return min(max(x, Decimal(0)), Decimal(1))


_HEALTH = (
    "order_id, customer_name, stage, promised_delivery, expected_completion, signed_at, "
    "placed_at, estimated_cost, actual_cost, feedback_count, complaint_count"
)


_LIGHTS = ("green", "yellow", "red")


def health(  # noqa: PLR0913, PLR0917 - the board's inputs
    tx: Tx,
    table: str,
    filters: Filters,
    as_of: datetime,
    rules: HealthWeights,
    levels: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Red/yellow/green for each order in progress, from delivery deviation rate, cost
    overrun ratio and frequency of customer feedback (feedback and complaints), and
    never better than its open exception (`levels`, by order id) allows; `why` says
    what gave the colour."""
    levels = levels or {}
    result = []
    for row in select(tx, table, filters, _HEALTH, ACTIVE):
        promised = date.fromisoformat(row["promised_delivery"])
        expected = date.fromisoformat(row["expected_completion"])
        start = parse_at(row["signed_at"] or row["placed_at"]).date()
        deviation = Decimal(max(0, (expected - promised).days)) / max(1, (promised - start).days)
        overrun = Decimal(0)
        if row["estimated_cost"] and row["actual_cost"] and Decimal(row["estimated_cost"]) > 0:
            estimated = Decimal(row["estimated_cost"])
            overrun = (Decimal(row["actual_cost"]) - estimated) / estimated
        age_days = max(1, (as_of - parse_at(row["placed_at"])).days)
        touches = Decimal(row["feedback_count"] + row["complaint_count"])
        frequency = touches * 30 / age_days
        score = (
            rules.delivery_weight * _capped(deviation)
            + rules.cost_weight * _capped(overrun)
            + rules.feedback_weight * _capped(frequency / rules.feedback_per_30_days_for_full_score)
        ).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        light = (
            "red"
            if score >= rules.red_from
            else "yellow"
            if score >= rules.yellow_from
            else "green"
        )
        touched = _capped(frequency / rules.feedback_per_30_days_for_full_score)
        parts = (f"delivery {rules.delivery_weight} x {_capped(deviation):.2f} + cost "
                 f"{rules.cost_weight} x {_capped(overrun):.2f} + feedback "
                 f"{rules.feedback_weight} x {touched:.2f}")  # fmt: skip
        why = [f"score {score:.2f} ({parts}); yellow from {rules.yellow_from}, red from "
               f"{rules.red_from}"]  # fmt: skip
        level = levels.get(row["order_id"], "")
        floor = "green"
        if level:
            floor = ("red" if level >= rules.red_at_level
                     else "yellow" if level >= rules.yellow_at_level else "green")  # fmt: skip
        if level:
            why.append(f"open {level} exception: at least {floor}")
        if _LIGHTS.index(floor) > _LIGHTS.index(light):
            light = floor
        result.append(
            {
                "order_id": row["order_id"],
                "customer_name": row["customer_name"],
                "stage": row["stage"],
                "light": light,
                "score": score,
                "delivery_deviation_rate": deviation.quantize(Decimal("0.0001")),
                "cost_overrun_ratio": overrun.quantize(Decimal("0.0001")),
                "feedback_per_30_days": frequency.quantize(Decimal("0.01")),
                "exception_level": level or None,
                "why": why,
            }
        )
    return sorted(result, key=lambda r: (-r["score"], r["order_id"]))


def sales(tx: Tx, table: str, filters: Filters, by: str) -> list[dict[str, Any]]:
    """Revenue and orders by product line, region, channel or customer (cancelled excluded)."""
    acc: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"revenue": Decimal(0), "orders": 0}
    )
    for row in select(tx, table, filters, breakdown(by), NOT_CANCELLED):
        for key, revenue, _share in allocated(row, by):
            cell = acc[(key, row["currency"])]
            cell["revenue"] += revenue
            cell["orders"] += 1
    return sorted(
        ({by: k, "currency": c, **v} for (k, c), v in acc.items()),
        key=lambda r: (r["currency"], -r["revenue"], r[by]),
    )


def _term_end(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def subscriptions(tx: Tx, table: str, filters: Filters, as_of: datetime) -> dict[str, Any]:
    """Renewal and upsell among subscription customers (客户行为洞察: customer behaviour insight).

    Renewal rate: subscription terms that have ended by `as_of`, and the share of
    them the customer renewed with a later order for the same product.
    Upsell rate: subscription customers, and the share who later ordered
    products they did not have in their first subscription order.
    """
    orders_by_customer: dict[str, list[Row]] = defaultdict(list)
    columns = "order_id, customer_id, placed_at, lines"
    for row in select(tx, table, filters, columns, NOT_CANCELLED):
        orders_by_customer[row["customer_id"]].append(row)
    ended = renewed = customers = upsold = 0
    for orders in orders_by_customer.values():
        orders.sort(key=lambda r: (r["placed_at"], r["order_id"]))
        with_subscription = [
            r for r in orders if any(x.kind.value == "subscription" for x in lines(r))
        ]
        if not with_subscription:
            continue
        customers += 1
        first = with_subscription[0]
        first_products = {x.product_code for x in lines(first)}
        later = [r for r in orders if r["placed_at"] > first["placed_at"]]
        if any({x.product_code for x in lines(r)} - first_products for r in later):
            upsold += 1
        for order in with_subscription:
            for line in lines(order):
                if line.kind.value != "subscription" or not (line.term_start and line.term_months):
                    continue
                if _term_end(line.term_start, line.term_months) > as_of.date():
                    continue
                ended += 1
                renewed += any(
                    r["placed_at"] > order["placed_at"]
                    and any(x.product_code == line.product_code for x in lines(r))
                    for r in orders
                )
    return {
        "subscription_customers": customers,
        "upsold_customers": upsold,
        "upsell_rate": ratio(Decimal(upsold), Decimal(customers)),
        "terms_ended": ended,
        "terms_renewed": renewed,
        "renewal_rate": ratio(Decimal(renewed), Decimal(ended)),
    }
