"""Management dashboards over the order read model (seed 000 二/六, seed 004 支柱四).

The order list keeps one row per order and one per stage visit, tracked like any
read model. Dashboards filter those rows in SQL and aggregate them here with
Decimal arithmetic, so money sums are exact and figures in different currencies
are never added together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import msgspec

from domain.order.events import OrderLine
from domain.stages import Stage
from projections.store import Row, Tx

_lines = msgspec.json.Decoder(tuple[OrderLine, ...])
IN_PROGRESS = ("open", "on_hold")

DAY = Decimal(86400)


class Filters(msgspec.Struct, frozen=True, kw_only=True):
    placed_from: date | None = None
    placed_to: date | None = None  # inclusive
    region: str | None = None
    customer_id: str | None = None
    channel: str | None = None
    salesperson: str | None = None
    order_type: str | None = None
    product_line: str | None = None

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        p = f"{alias}." if alias else ""
        clauses, params = [], []
        for column in ("region", "customer_id", "channel", "salesperson", "order_type"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(f"{p}{column} = ?")
                params.append(value)
        if self.placed_from is not None:
            clauses.append(f"{p}placed_at >= ?")
            params.append(self.placed_from.isoformat())
        if self.placed_to is not None:
            clauses.append(f"{p}placed_at < ?")
            params.append((self.placed_to + timedelta(days=1)).isoformat())
        return " AND ".join(clauses) or "1 = 1", params


def orders(tx: Tx, table: str, filters: Filters) -> list[Row]:
    where, params = filters.where()
    tx.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY order_id", params)  # noqa: S608
    rows = tx.fetchall()
    if filters.product_line is None:
        return rows
    return [r for r in rows if any(line.product_line == filters.product_line for line in lines(r))]


def stage_visits(tx: Tx, table: str, filters: Filters) -> list[Row]:
    where, params = filters.where("o")
    tx.execute(
        f"SELECT s.*, o.lines FROM {table}_stages s JOIN {table} o ON o.order_id = s.order_id "  # noqa: S608
        f"WHERE {where} ORDER BY s.order_id, s.seq",
        params,
    )
    rows = tx.fetchall()
    if filters.product_line is None:
        return rows
    return [r for r in rows if any(line.product_line == filters.product_line for line in lines(r))]


def lines(row: Row) -> tuple[OrderLine, ...]:
    return _lines.decode(row["lines"])


def parse_at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _days(seconds: Decimal) -> Decimal:
    return (seconds / DAY).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def ratio(part: Decimal, whole: Decimal, places: str = "0.0001") -> Decimal | None:
    return None if whole == 0 else (part / whole).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def in_progress(rows: Iterable[Row]) -> dict[str, dict[str, int]]:
    """Orders neither completed nor cancelled, by region (for the map) and by stage."""
    by_region: dict[str, int] = defaultdict(int)
    by_stage: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["status"] in IN_PROGRESS:
            by_region[row["region"]] += 1
            by_stage[row["stage"]] += 1
    return {
        "by_region": dict(sorted(by_region.items())),
        "by_stage": dict(sorted(by_stage.items())),
    }


def period_of(day: datetime, granularity: str) -> str:
    if granularity == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def delivery_cycle(rows: Iterable[Row], granularity: str) -> list[dict[str, Any]]:
    """Average days from signing to completion, by the week or month of completion."""
    totals: dict[str, list[Decimal]] = defaultdict(list)
    for row in rows:
        if row["status"] == "completed" and row["signed_at"]:
            closed, signed = parse_at(row["closed_at"]), parse_at(row["signed_at"])
            totals[period_of(closed, granularity)].append(
                Decimal((closed - signed).total_seconds())
            )
    return [
        {"period": period, "orders": len(xs), "average_days": _days(sum(xs, Decimal(0)) / len(xs))}
        for period, xs in sorted(totals.items())
    ]


def allocated(row: Row, by: str) -> list[tuple[str, Decimal, Decimal]]:
    """(key, revenue, share of the order's revenue) for margin and sales breakdowns."""
    revenue = Decimal(row["total"])
    if by != "product_line":
        return [(row[by], revenue, Decimal(1))]
    per_line: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines(row):
        per_line[line.product_line or "(none)"] += line.net.amount
    return [(k, v, v / revenue if revenue else Decimal(0)) for k, v in per_line.items()]


def margin_ranking(rows: Iterable[Row], by: str) -> list[dict[str, Any]]:
    """Gross margin, estimated and actual, by customer or product line, best first.

    An order's costs are spread over its product lines in proportion to their revenue.
    """
    acc: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        if row["status"] == "cancelled":
            continue
        for key, revenue, share in allocated(row, by):
            a = acc[(key, row["currency"])]
            a["revenue"] += revenue
            if row["estimated_cost"]:
                a["estimated_revenue"] += revenue
                a["estimated_cost"] += Decimal(row["estimated_cost"]) * share
            if row["actual_cost"]:
                a["actual_revenue"] += revenue
                a["actual_cost"] += Decimal(row["actual_cost"]) * share
    result = []
    for (key, currency), a in acc.items():
        est = ratio(a["estimated_revenue"] - a["estimated_cost"], a["estimated_revenue"])
        act = ratio(a["actual_revenue"] - a["actual_cost"], a["actual_revenue"])
        result.append(
            {
                by: key,
                "currency": currency,
                "revenue": a["revenue"].quantize(Decimal("0.01")),
                "estimated_margin": est,
                "actual_margin": act,
            }
        )
    return sorted(
        result, key=lambda r: (r["currency"], -(r["actual_margin"] or Decimal(-9)), r[by])
    )


def bottlenecks(visits: Iterable[Row]) -> list[dict[str, Any]]:
    """Time spent in each stage, by the week the stage was entered (finished visits)."""
    cells: dict[tuple[str, str], list[int]] = defaultdict(list)
    for visit in visits:
        if visit["exited_at"]:
            cells[(period_of(parse_at(visit["entered_at"]), "week"), visit["stage"])].append(
                visit["seconds"]
            )
    return [
        {
            "week": week,
            "stage": stage,
            "visits": len(xs),
            "total_days": _days(Decimal(sum(xs))),
            "average_days": _days(Decimal(sum(xs)) / len(xs)),
        }
        for (week, stage), xs in sorted(cells.items())
    ]


def stage_averages(visits: Iterable[Row]) -> dict[str, Decimal]:
    spent: dict[str, list[int]] = defaultdict(list)
    for visit in visits:
        if visit["exited_at"]:
            spent[visit["stage"]].append(visit["seconds"])
    return {s: _days(Decimal(sum(xs)) / len(xs)) for s, xs in sorted(spent.items())}


def operations(
    rows: list[Row], visits: Iterable[Row], deadlines: dict[Stage, int], as_of: datetime
) -> dict[str, Any]:
    """Average time per stage, orders past their stage deadline, approvals waiting."""
    late = []
    for row in rows:
        allowed = deadlines.get(Stage(row["stage"]))
        if row["status"] not in IN_PROGRESS or allowed is None:
            continue
        due = parse_at(row["stage_entered_at"]) + timedelta(days=allowed)
        if due < as_of:
            over = _days(Decimal((as_of - due).total_seconds()))
            late.append({"order_id": row["order_id"], "stage": row["stage"], "days_over": over})
    waiting = [
        {
            "order_id": row["order_id"],
            "pending": row["pending_approvals"].split(","),
            "waiting_days": _days(Decimal((as_of - parse_at(row["placed_at"])).total_seconds())),
        }
        for row in rows
        if row["status"] in IN_PROGRESS and row["pending_approvals"] and not row["rejection"]
    ]
    return {
        "average_days_per_stage": stage_averages(visits),
        "past_stage_deadline": sorted(late, key=lambda x: -x["days_over"]),
        "approvals_waiting": sorted(waiting, key=lambda x: -x["waiting_days"]),
    }
