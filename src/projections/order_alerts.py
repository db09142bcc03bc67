"""Order exceptions (L1-L4) as a list: what is open, at which level, whose, due when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from domain.decider import topic_of
from domain.envelope import Recorded
from domain.order_alert import AlertClosed, AlertEvent, AlertRaised, AlertResponded
from infrastructure.read_store import Row, Tx, utc_text

NAME = "order_alerts"
COLUMNS = (
    "alert_id", "order_id", "level", "previous", "why", "reason", "owners", "action",
    "respond_by", "report_to", "raised_at", "status", "responded_by", "responded_at",
    "response_note", "closed_by", "closed_at", "resolution", "alert_version",
)  # fmt: skip


class OrderAlertsProjection:
    topics = frozenset(map(topic_of, get_args(AlertEvent)))

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name

    def tables(self) -> list[str]:
        return [self.table]

    def schema(self) -> list[str]:
        cols = ", ".join(
            f"{c} {'BIGINT' if c == 'alert_version' else 'TEXT'} NOT NULL" for c in COLUMNS
        )
        return [
            f"CREATE TABLE IF NOT EXISTS {self.table} ({cols}, PRIMARY KEY (alert_id))",
            f"CREATE INDEX IF NOT EXISTS {self.table}_open ON {self.table} (status, respond_by)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            alert_id, event = str(recorded.originator_id), recorded.event
            match event:
                case AlertRaised():
                    row = (alert_id, str(event.order_id), event.level, event.previous, event.why,
                           event.reason, ",".join(event.owners), event.action,
                           utc_text(event.respond_by), ",".join(event.report_to),
                           utc_text(event.at), "open", "", "", "", "", "", "",
                           recorded.originator_version)  # fmt: skip
                    tx.upsert(self.table, COLUMNS, "alert_id", [row])
                    continue
                case AlertResponded(by=by, note=note, at=at):
                    changes: dict[str, object] = {"status": "responded", "responded_by": by,
                               "responded_at": utc_text(at), "response_note": note}  # fmt: skip
                case AlertClosed(by=by, resolution=resolution, at=at):
                    changes = {"status": "closed", "closed_by": by, "closed_at": utc_text(at),
                               "resolution": resolution}  # fmt: skip
                case _:
                    continue
            changes["alert_version"] = recorded.originator_version
            sets = ", ".join(f"{c} = ?" for c in changes)
            tx.execute(f"UPDATE {self.table} SET {sets} WHERE alert_id = ?",  # noqa: S608
                       [*changes.values(), alert_id])  # fmt: skip


def alerts(
    tx: Tx,
    table: str,
    *,
    open_only: bool = True,
    level: str | None = None,
    order_id: str | None = None,
) -> list[Row]:
    """Alerts (of one order, if given), highest level and earliest deadline first."""
    where = ["status <> 'closed'"] if open_only else []
    params: list[Any] = []
    for column, value in (("level", level), ("order_id", order_id)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    tx.execute(
        f"SELECT * FROM {table} {clause}ORDER BY level DESC, respond_by, alert_id",  # noqa: S608
        params,
    )
    return tx.fetchall()


def open_levels(tx: Tx, table: str) -> dict[str, str]:
    """The level of each order's open exception, by order id."""
    tx.execute(f"SELECT order_id, level FROM {table} WHERE status <> 'closed'")  # noqa: S608
    levels: dict[str, str] = {}
    for row in tx.fetchall():
        levels[row["order_id"]] = max(levels.get(row["order_id"], ""), row["level"])
    return levels


def unanswered(tx: Tx, table: str, now: str) -> list[Row]:
    """Open alerts nobody responded to by their deadline (UTC ISO text `now`)."""
    tx.execute(
        f"SELECT * FROM {table} WHERE status = 'open' AND respond_by < ? "  # noqa: S608
        "ORDER BY respond_by, alert_id",
        (now,),
    )
    return tx.fetchall()
