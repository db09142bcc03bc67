"""The stock ledger as a list: each key component's on hand, reserved, available, safety
level, receipts on the way and its status (ok, below_safety, short), and who holds it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, get_args

from domain.decider import topic_of
from domain.envelope import Recorded
from domain.stock import (
    ComponentDefined,
    ReceiptExpected,
    ReservationConsumed,
    StockCounted,
    StockEvent,
    StockIssued,
    StockReceived,
    StockReserved,
)
from infrastructure.read_store import Row, Tx

NAME = "stock"
COLUMNS = ("part", "name", "unit", "safety_level", "alternatives", "on_hand", "reserved",
           "available", "incoming", "next_receipt_on", "status", "stock_version")  # fmt: skip


class StockProjection:
    topics = frozenset(map(topic_of, get_args(StockEvent)))

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name
        self.reservations, self.expected = f"{name}_reservations", f"{name}_expected"

    def tables(self) -> list[str]:
        return [self.table, self.reservations, self.expected]

    def schema(self) -> list[str]:
        cols = ", ".join(
            f"{c} {'BIGINT' if c == 'stock_version' else 'TEXT'} NOT NULL" for c in COLUMNS
        )
        return [
            f"CREATE TABLE IF NOT EXISTS {self.table} ({cols}, PRIMARY KEY (part))",
            f"CREATE TABLE IF NOT EXISTS {self.reservations} (part TEXT NOT NULL, "
            "order_id TEXT NOT NULL, quantity TEXT NOT NULL, PRIMARY KEY (part, order_id))",
            f"CREATE TABLE IF NOT EXISTS {self.expected} (part TEXT NOT NULL, "
            "reference TEXT NOT NULL, quantity TEXT NOT NULL, due_on TEXT NOT NULL, "
            "PRIMARY KEY (part, reference))",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            self._apply(tx, recorded.event, recorded.originator_version)

    def _apply(self, tx: Tx, event: Any, version: int) -> None:
        row = self._row(tx, event.part)
        match event:
            case ComponentDefined():
                row |= {"name": event.name, "unit": event.unit,
                        "safety_level": str(event.safety_level),
                        "alternatives": ",".join(event.alternatives)}  # fmt: skip
            case StockReceived(reference=ref, quantity=qty):
                row["on_hand"] = str(Decimal(row["on_hand"]) + qty)
                self._delete(tx, self.expected, event.part, "reference", ref)
            case StockIssued(quantity=qty):
                row["on_hand"] = str(Decimal(row["on_hand"]) - qty)
            case StockCounted(after=after):
                row["on_hand"] = str(after)
            case ReceiptExpected():
                tx.upsert(self.expected, ("part", "reference", "quantity", "due_on"),
                          "part, reference", [(event.part, event.reference, str(event.quantity),
                                               event.due_on.isoformat())])  # fmt: skip
            case StockReserved(order_id=order_id, quantity=qty):
                self._delete(tx, self.reservations, event.part, "order_id", str(order_id))
                if qty:
                    tx.execute(f"INSERT INTO {self.reservations} VALUES (?, ?, ?)",  # noqa: S608
                               (event.part, str(order_id), str(qty)))  # fmt: skip
            case ReservationConsumed(order_id=order_id, issued=issued):
                row["on_hand"] = str(Decimal(row["on_hand"]) - issued)
                self._delete(tx, self.reservations, event.part, "order_id", str(order_id))
        self._totals(tx, row)
        row["stock_version"] = version
        tx.upsert(self.table, COLUMNS, "part", [tuple(row[c] for c in COLUMNS)])

    def _row(self, tx: Tx, part: str) -> Row:
        tx.execute(f"SELECT * FROM {self.table} WHERE part = ?", (part,))  # noqa: S608
        return tx.fetchone() or {
            "part": part, "name": "", "unit": "pcs", "safety_level": "0", "alternatives": "",
            "on_hand": "0",
        }  # fmt: skip

    def _delete(self, tx: Tx, table: str, part: str, column: str, value: str) -> None:
        tx.execute(f"DELETE FROM {table} WHERE part = ? AND {column} = ?",  # noqa: S608
                   (part, value))  # fmt: skip

    def _totals(self, tx: Tx, row: Row) -> None:
        part = row["part"]
        tx.execute(f"SELECT quantity FROM {self.reservations} WHERE part = ?", (part,))  # noqa: S608
        reserved = sum((Decimal(r["quantity"]) for r in tx.fetchall()), Decimal(0))
        tx.execute(f"SELECT quantity, due_on FROM {self.expected} WHERE part = ?",  # noqa: S608
                   (part,))  # fmt: skip
        expected = tx.fetchall()
        available = Decimal(row["on_hand"]) - reserved
        status = "short" if available < 0 else "ok"
        if status == "ok" and available < Decimal(row["safety_level"]):
            status = "below_safety"
        row |= {
            "reserved": str(reserved),
            "available": str(available),
            "incoming": str(sum((Decimal(e["quantity"]) for e in expected), Decimal(0))),
            "next_receipt_on": min((e["due_on"] for e in expected), default=""),
            "status": status,
        }


def stock_list(
    tx: Tx, table: str, *, status: str | None = None, limit: int = 100, offset: int = 0
) -> list[Row]:
    clause, params = ("WHERE status = ? ", [status]) if status else ("", [])
    tx.execute(f"SELECT * FROM {table} {clause}ORDER BY part LIMIT ? OFFSET ?",  # noqa: S608
               [*params, limit, offset])  # fmt: skip
    return tx.fetchall()


def stock_item(tx: Tx, table: str, part: str) -> Row | None:
    """One component with who holds it and what is on the way."""
    tx.execute(f"SELECT * FROM {table} WHERE part = ?", (part,))  # noqa: S608
    row = tx.fetchone()
    if row is None:
        return None
    tx.execute(f"SELECT order_id, quantity FROM {table}_reservations WHERE part = ? "  # noqa: S608
               "ORDER BY order_id", (part,))  # fmt: skip
    row["reservations"] = tx.fetchall()
    tx.execute(f"SELECT reference, quantity, due_on FROM {table}_expected "  # noqa: S608
               "WHERE part = ? ORDER BY due_on, reference", (part,))  # fmt: skip
    row["expected_receipts"] = tx.fetchall()
    return row
