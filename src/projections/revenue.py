"""Revenue read models: each contract's obligations, its bookings and billings by month.

For every revenue contract event the projection folds the contract (its state
is kept as JSON), derives each obligation's schedule and books it with the
ledger: months finance has closed keep what they booked, and what a late fact
changes in them is booked as an adjustment in the first open month. A reopened
month books facts dated in it again; adjustments booked while it was closed stay
where they were booked (the first open month nets them). Every
booking names the contract events (by version) that changed it, so a figure
leads back to the facts behind it. Invoices and credit notes of the order's
receivable are kept by month as billings, for the contract balances. Rebuilt
from the log, it comes out the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, get_args

import msgspec

from domain import revenue as revenue_decide
from domain.decider import topic_of
from domain.envelope import Recorded
from domain.receivable.events import CreditNoteIssued, InvoiceIssued, ReceivableOpened
from domain.revenue import INITIAL, ContractState, RevenueEvent
from domain.revenue.ledger import Booking, Books, rebook
from domain.revenue_periods import PeriodClosed, PeriodReopened
from domain.shared import Money
from infrastructure.read_store import Tx

NAME = "revenue"
_state = msgspec.json.Decoder(ContractState)
OBLIGATION_COLUMNS = ("contract_id", "obligation_id", "order_id", "customer_id",
                      "contract_number", "currency", "kind", "pattern", "line_ids", "ssp",
                      "allocated", "removed", "identified_on")  # fmt: skip
BOOKING_COLUMNS = ("contract_id", "obligation_id", "month", "currency", "regular",
                   "adjustment", "versions")  # fmt: skip


class RevenueProjection:
    topics = frozenset({
        *map(topic_of, get_args(RevenueEvent)),
        *map(topic_of, (PeriodClosed, PeriodReopened, ReceivableOpened, InvoiceIssued,
                        CreditNoteIssued)),
    })  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.contracts = f"{name}_contracts"
        self.obligations = f"{name}_obligations"
        self.bookings = f"{name}_bookings"
        self.periods = f"{name}_periods"
        # Its own table, so an upgraded installation gains it: the month last reopened.
        self.reopened = f"{name}_reopened"
        self.receivables = f"{name}_receivables"
        self.billings = f"{name}_billings"

    def tables(self) -> list[str]:
        return [self.contracts, self.obligations, self.bookings, self.periods, self.receivables,
                self.billings, self.reopened]  # fmt: skip

    def schema(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.contracts} (contract_id TEXT PRIMARY KEY, "
            "version BIGINT NOT NULL, state TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.obligations} ({_text(OBLIGATION_COLUMNS)}, "
            "PRIMARY KEY (contract_id, obligation_id))",
            f"CREATE TABLE IF NOT EXISTS {self.bookings} ({_text(BOOKING_COLUMNS)}, "
            "PRIMARY KEY (contract_id, obligation_id, month))",
            f"CREATE TABLE IF NOT EXISTS {self.periods} (id BIGINT PRIMARY KEY, "
            "closed_through TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.receivables} (receivable_id TEXT PRIMARY KEY, "
            "order_id TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.billings} (order_id TEXT NOT NULL, "
            "month TEXT NOT NULL, currency TEXT NOT NULL, amount TEXT NOT NULL, "
            "PRIMARY KEY (order_id, month))",
            f"CREATE TABLE IF NOT EXISTS {self.reopened} (id BIGINT PRIMARY KEY, "
            "month TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            match recorded.event:
                case PeriodClosed(month=month):
                    tx.upsert(self.periods, ("id", "closed_through"), "id",
                              [(1, month.isoformat())])  # fmt: skip
                case PeriodReopened(month=month, closed_through=through):
                    self._reopen(tx, month, through)
                case ReceivableOpened(order_id=order_id):
                    tx.upsert(self.receivables, ("receivable_id", "order_id"), "receivable_id",
                              [(str(recorded.originator_id), str(order_id))])  # fmt: skip
                case InvoiceIssued(amount=amount, issued_at=at):
                    self._bill(tx, recorded, amount, at.date())
                case CreditNoteIssued(amount=amount, issued_at=at):
                    self._bill(tx, recorded, Money.zero(amount.currency) - amount, at.date())
                case _:
                    self._contract(tx, recorded)

    def _bill(self, tx: Tx, recorded: Recorded[Any], amount: Money, day: date) -> None:
        """Billings of the order by month: invoices less credit notes."""
        tx.execute(f"SELECT order_id FROM {self.receivables} WHERE receivable_id = ?",  # noqa: S608
                   (str(recorded.originator_id),))  # fmt: skip
        found = tx.fetchone()
        if found is None:
            return
        key = (found["order_id"], day.replace(day=1).isoformat())
        tx.execute(f"SELECT amount FROM {self.billings} WHERE order_id = ? AND month = ?",  # noqa: S608
                   key)  # fmt: skip
        row = tx.fetchone()
        billed = Decimal(row["amount"]) if row else Decimal(0)
        tx.upsert(self.billings, ("order_id", "month", "currency", "amount"), "order_id, month",
                  [(*key, amount.currency, str(billed + amount.amount))])  # fmt: skip

    def _reopen(self, tx: Tx, month: date, through: date | None) -> None:
        if through is None:
            tx.execute(f"DELETE FROM {self.periods} WHERE id = 1")  # noqa: S608
        else:
            tx.upsert(self.periods, ("id", "closed_through"), "id", [(1, through.isoformat())])
        tx.upsert(self.reopened, ("id", "month"), "id", [(1, month.isoformat())])

    def last_reopened(self, tx: Tx) -> date | None:
        tx.execute(f"SELECT month FROM {self.reopened} WHERE id = 1")  # noqa: S608
        row = tx.fetchone()
        return date.fromisoformat(row["month"]) if row else None

    def closed_through(self, tx: Tx) -> date | None:
        tx.execute(f"SELECT closed_through FROM {self.periods} WHERE id = 1")  # noqa: S608
        row = tx.fetchone()
        return date.fromisoformat(row["closed_through"]) if row else None

    def _contract(self, tx: Tx, recorded: Recorded[Any]) -> None:
        contract_id = str(recorded.originator_id)
        tx.execute(f"SELECT state FROM {self.contracts} WHERE contract_id = ?",  # noqa: S608
                   (contract_id,))  # fmt: skip
        found = tx.fetchone()
        state = _state.decode(found["state"]) if found else INITIAL
        state = revenue_decide.evolve(state, recorded.event)
        tx.upsert(self.contracts, ("contract_id", "version", "state"), "contract_id",
                  [(contract_id, state.version, msgspec.json.encode(state).decode())])  # fmt: skip
        self._obligations(tx, contract_id, state)
        self._book(tx, contract_id, state, recorded.originator_version)

    def _obligations(self, tx: Tx, contract_id: str, state: ContractState) -> None:
        assert state.identified_on is not None
        rows = []
        for oid, o in state.obligations.items():
            terms = o.terms
            rows.append((
                contract_id, oid, str(state.order_id), state.customer_id,
                state.contract_number, state.currency, terms.kind.value,
                terms.satisfaction.pattern.value, ",".join(terms.line_ids),
                "" if terms.ssp is None else str(terms.ssp.amount),
                str(o.revenue(state.currency).allocated().amount),
                "1" if o.removed else "0", state.identified_on.isoformat(),
            ))  # fmt: skip
        tx.upsert(self.obligations, OBLIGATION_COLUMNS, "contract_id, obligation_id", rows)

    def _book(self, tx: Tx, contract_id: str, state: ContractState, version: int) -> None:
        assert state.identified_on is not None
        closed = self.closed_through(tx)
        reopened = self.last_reopened(tx) if closed is None else None
        tx.execute(f"SELECT * FROM {self.bookings} WHERE contract_id = ?",  # noqa: S608
                   (contract_id,))  # fmt: skip
        before: dict[tuple[str, date], dict[str, Any]] = {
            (r["obligation_id"], date.fromisoformat(r["month"])): r for r in tx.fetchall()
        }
        currency = state.currency
        booked: Books = {}
        for (oid, month), row in before.items():
            booked.setdefault(oid, {})[month] = _booking(row, currency)
        upserts, deletes = [], []
        for oid, after in rebook(state, booked, closed, reopened).items():
            for month, booking in after.items():
                old = before.get((oid, month))
                if old is not None and booked[oid][month] == booking:
                    continue
                versions = [*msgspec.json.decode(old["versions"]), version] if old else [version]
                upserts.append((contract_id, oid, month.isoformat(), currency,
                                str(booking.regular.amount), str(booking.adjustment.amount),
                                msgspec.json.encode(versions).decode()))  # fmt: skip
            gone = booked.get(oid, {})
            deletes += [(contract_id, oid, m.isoformat()) for m in gone if m not in after]
        tx.upsert(self.bookings, BOOKING_COLUMNS, "contract_id, obligation_id, month", upserts)
        for key in deletes:
            tx.execute(f"DELETE FROM {self.bookings} WHERE contract_id = ? AND "  # noqa: S608
                       "obligation_id = ? AND month = ?", key)  # fmt: skip


def _text(columns: Sequence[str]) -> str:
    return ", ".join(f"{c} TEXT NOT NULL" for c in columns)


def _booking(row: dict[str, Any], currency: str) -> Booking:
    return Booking(
        month=date.fromisoformat(row["month"]),
        regular=Money(amount=Decimal(row["regular"]), currency=currency),
        adjustment=Money(amount=Decimal(row["adjustment"]), currency=currency),
    )
