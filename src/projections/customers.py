"""The customer list: each customer's record, its credit rating and its pricing tier.

The record comes from the customer master (`CustomerRecorded`), the rating from
judged payments (`CreditRatingChanged`) and the tier from the catalogue
(`CustomerTierSet`); a customer known only by its rating or tier has a row with
an empty name until its record arrives. The contact person is personal data and
stays in the log, sealed: this read model only says whether there is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.cpq.catalogue import DEFAULT_TIER, CustomerTierSet
from domain.customer import CustomerRecorded
from domain.customer_credit import CreditRatingChanged
from domain.decider import topic_of
from domain.envelope import Recorded
from domain.receivable.terms import CreditRating
from infrastructure.read_store import Row, Tx, utc_text

NAME = "customers"
COLUMNS = ("customer_id", "name", "region", "industry", "tax_id", "address", "salesperson",
           "payment_days", "has_contact", "rating", "tier", "recorded_at")  # fmt: skip


class CustomersProjection:
    topics = frozenset(map(topic_of, (CustomerRecorded, CreditRatingChanged, CustomerTierSet)))

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name

    def tables(self) -> list[str]:
        return [self.table]

    def schema(self) -> list[str]:
        cols = ", ".join(f"{c} TEXT NOT NULL" for c in COLUMNS)
        return [
            f"CREATE TABLE IF NOT EXISTS {self.table} ({cols}, PRIMARY KEY (customer_id))",
            f"CREATE INDEX IF NOT EXISTS {self.table}_region ON {self.table} (region, name)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event = recorded.event
            row = self._row(tx, event.customer_id)
            match event:
                case CustomerRecorded(details=d, at=at):
                    row |= {"name": d.name, "region": d.region, "industry": d.industry,
                            "tax_id": d.tax_id, "address": d.address,
                            "salesperson": d.salesperson,
                            "payment_days": "" if d.payment_days is None else str(d.payment_days),
                            "has_contact": "yes" if d.contact else "no",
                            "recorded_at": utc_text(at)}  # fmt: skip
                case CreditRatingChanged(rating=rating):
                    row["rating"] = rating.value
                case CustomerTierSet(tier=tier):
                    row["tier"] = tier
            tx.upsert(self.table, COLUMNS, "customer_id", [tuple(row[c] for c in COLUMNS)])

    def _row(self, tx: Tx, customer_id: str) -> Row:
        tx.execute(f"SELECT * FROM {self.table} WHERE customer_id = ?", (customer_id,))  # noqa: S608
        return tx.fetchone() or {
            **dict.fromkeys(COLUMNS, ""), "customer_id": customer_id, "has_contact": "no",
            "rating": CreditRating.STANDARD.value, "tier": DEFAULT_TIER,
        }  # fmt: skip


def customer_list(  # noqa: PLR0913 - the list's filters
    tx: Tx,
    table: str,
    *,
    region: str | None = None,
    rating: str | None = None,
    tier: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Row]:
    """Customers by id, optionally of one region, rating or tier."""
    filters = {"region": region, "rating": rating, "tier": tier}
    clauses = [(f"{column} = ?", value) for column, value in filters.items() if value is not None]
    where = f"WHERE {' AND '.join(c for c, _ in clauses)} " if clauses else ""
    tx.execute(f"SELECT * FROM {table} {where}ORDER BY customer_id LIMIT ? OFFSET ?",  # noqa: S608
               [*(v for _, v in clauses), limit, offset])  # fmt: skip
    return tx.fetchall()


def customer_row(tx: Tx, table: str, customer_id: str) -> Row | None:
    tx.execute(f"SELECT * FROM {table} WHERE customer_id = ?", (customer_id,))  # noqa: S608
    return tx.fetchone()
