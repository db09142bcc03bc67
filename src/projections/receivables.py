"""Receivables: balances per order, milestones, invoices and a ledger of every money movement.

The projection folds each receivable's events with the aggregate's own `evolve`
(kept, encoded deterministically, beside the row), so its balances mean exactly
what the domain means; it then writes the receivable's row, its milestones and
invoices, and appends one ledger entry per movement. Entries are signed so that
an invoice's entries sum to what it has outstanding and the entries without an
invoice sum to the money held on account; reading them up to a date gives the
books as they stood that day (aging as of, DSO). Money is exact decimal text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, get_args

import msgspec

from domain import receivable
from domain.decider import topic_of
from domain.envelope import Recorded
from domain.receivable.events import (
    CreditApplied,
    CreditNoteIssued,
    InvoiceIssued,
    InvoiceSettled,
    InvoiceWrittenOff,
    PaymentReceived,
    PaymentRefunded,
    ReceivableEvent,
    ReceivableOpened,
)
from domain.receivable.state import ReceivableState
from infrastructure.read_store import Row, Tx, utc_text

NAME = "receivables"
_encoder = msgspec.json.Encoder(order="deterministic", decimal_format="string")
_state = msgspec.json.Decoder(ReceivableState)

HEADER = (
    "receivable_id", "order_id", "customer_id", "customer_name", "salesperson",
    "contract_number", "currency", "contract_amount", "template", "credit_rating",
    "opened_at", "revision", "invoiced", "paid", "credited", "written_off", "outstanding",
    "on_account", "receivable_version", "state",
)  # fmt: skip
MILESTONES = ("receivable_id", "milestone_id", "name", "percent", "trig", "amount", "status",
              "billable_on", "due_on", "invoice_number")  # fmt: skip
INVOICES = (
    "receivable_id", "invoice_number", "milestone_id", "milestone", "order_id", "customer_id",
    "customer_name", "salesperson", "contract_number", "currency", "amount", "paid", "credited",
    "written_off", "outstanding", "issued_on", "due_on", "settled_on", "on_time",
)  # fmt: skip
ENTRIES = ("receivable_id", "version", "seq", "kind", "invoice_number", "currency", "amount",
           "on_date", "reference")  # fmt: skip
_INTEGERS = {"revision", "receivable_version", "version", "seq", "on_time"}


def _ddl(table: str, columns: Sequence[str], key: str) -> str:
    cols = ", ".join(f"{c} {'BIGINT' if c in _INTEGERS else 'TEXT'} NOT NULL" for c in columns)
    return f"CREATE TABLE IF NOT EXISTS {table} ({cols}, PRIMARY KEY ({key}))"


class ReceivablesProjection:
    topics = frozenset(map(topic_of, get_args(ReceivableEvent)))

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name
        self.milestones, self.invoices = f"{name}_milestones", f"{name}_invoices"
        self.entries = f"{name}_entries"

    def tables(self) -> list[str]:
        return [self.table, self.milestones, self.invoices, self.entries]

    def schema(self) -> list[str]:
        t = self.table
        return [
            _ddl(t, HEADER, "receivable_id"),
            _ddl(self.milestones, MILESTONES, "receivable_id, milestone_id"),
            _ddl(self.invoices, INVOICES, "receivable_id, invoice_number"),
            _ddl(self.entries, ENTRIES, "receivable_id, version, seq"),
            f"CREATE INDEX IF NOT EXISTS {t}_customer ON {t} (customer_id)",
            f"CREATE INDEX IF NOT EXISTS {t}_salesperson ON {t} (salesperson)",
            f"CREATE INDEX IF NOT EXISTS {self.entries}_date ON {self.entries} (on_date)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        streams: dict[str, list[Recorded[Any]]] = {}
        for recorded in events:
            streams.setdefault(str(recorded.originator_id), []).append(recorded)
        for receivable_id, stream in streams.items():
            self._apply_stream(tx, receivable_id, stream)

    def _apply_stream(self, tx: Tx, rid: str, events: list[Recorded[Any]]) -> None:
        tx.execute(f"SELECT * FROM {self.table} WHERE receivable_id = ?", (rid,))  # noqa: S608
        header = tx.fetchone()
        state = _state.decode(header["state"]) if header else receivable.INITIAL
        tx.execute(
            f"SELECT invoice_number, settled_on, on_time FROM {self.invoices} "  # noqa: S608
            "WHERE receivable_id = ?",
            (rid,),
        )
        settled = {r["invoice_number"]: (r["settled_on"], r["on_time"]) for r in tx.fetchall()}
        entries: list[tuple[Any, ...]] = []
        for recorded in events:
            event = recorded.event
            if isinstance(event, ReceivableOpened):
                header = _opened(rid, event)
            elif isinstance(event, InvoiceSettled):
                settled[event.invoice_number] = (event.settled_at.date().isoformat(),
                                                 int(event.on_time))  # fmt: skip
            state = receivable.evolve(state, event)
            moves = _movements(event)
            entries += [(rid, recorded.originator_version, seq, kind, invoice, state.currency,
                         str(amount), on.isoformat(), ref)
                        for seq, (kind, invoice, amount, on, ref) in enumerate(moves)]  # fmt: skip
        assert header is not None, f"receivable {rid} has events but was never opened"
        self._write(tx, rid, header=header, state=state, settled=settled,
                    version=events[-1].originator_version)  # fmt: skip
        tx.executemany(
            f"INSERT INTO {self.entries} ({', '.join(ENTRIES)}) "  # noqa: S608
            f"VALUES ({', '.join('?' * len(ENTRIES))})",
            entries,
        )

    def _write(  # noqa: PLR0913 - one receivable's pieces
        self,
        tx: Tx,
        rid: str,
        *,
        header: Row,
        state: ReceivableState,
        settled: dict[str, tuple[str, int]],
        version: int,
    ) -> None:
        invoices = list(state.invoices.values())

        def sum_of(field: str) -> str:
            return str(sum((getattr(i, field).amount for i in invoices), Decimal(0)))

        header |= {
            "revision": state.revision, "contract_amount": str(state.contract_amount),
            "invoiced": str(sum((i.amount.amount - i.credited.amount for i in invoices),
                                Decimal(0))),
            "paid": sum_of("paid"), "credited": sum_of("credited"),
            "written_off": sum_of("written_off"), "outstanding": sum_of("outstanding"),
            "on_account": str(state.on_account), "receivable_version": version,
            "state": _encoder.encode(state).decode(),
        }  # fmt: skip
        tx.upsert(self.table, HEADER, "receivable_id", [tuple(header[c] for c in HEADER)])
        names = {}
        rows = []
        for m in state.milestones:
            term = m.milestone.term
            names[m.milestone.milestone_id] = term.name
            rows.append((rid, m.milestone.milestone_id, term.name, str(term.percent),
                         term.trigger.value, str(m.milestone.amount.amount),
                         state.status_of(m).value, _iso(m.billable_on), _iso(m.due_on),
                         m.invoice_number or ""))  # fmt: skip
        tx.upsert(self.milestones, MILESTONES, "receivable_id, milestone_id", rows)
        tx.upsert(self.invoices, INVOICES, "receivable_id, invoice_number", [
            (rid, i.invoice_number, i.milestone_id, names.get(i.milestone_id, ""),
             header["order_id"], header["customer_id"], header["customer_name"],
             header["salesperson"], header["contract_number"], state.currency,
             str(i.amount.amount), str(i.paid.amount), str(i.credited.amount),
             str(i.written_off.amount), str(i.outstanding.amount), i.issued_at.date().isoformat(),
             i.due_on.isoformat(), *settled.get(i.invoice_number, ("", 0)))
            for i in invoices
        ])  # fmt: skip


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _opened(rid: str, event: ReceivableOpened) -> Row:
    return {
        "receivable_id": rid, "order_id": str(event.order_id),
        "customer_id": event.customer_id, "customer_name": event.customer_name,
        "salesperson": event.salesperson, "contract_number": event.contract_number,
        "currency": event.contract_amount.currency, "template": event.template,
        "credit_rating": event.credit_rating.value, "opened_at": utc_text(event.opened_at),
    }  # fmt: skip


Movement = tuple[str, str, Decimal, date, str]  # kind, invoice, signed amount, day, reference


def _movements(event: ReceivableEvent) -> list[Movement]:
    """The ledger entries of one event: per invoice they sum to its outstanding amount;
    without an invoice, to the money held on account."""
    match event:
        case InvoiceIssued(invoice_number=inv, amount=amount, issued_at=at):
            return [("invoice", inv, amount.amount, at.date(), inv)]
        case PaymentReceived(received_at=at, bank_reference=ref):
            moves: list[Movement] = [("payment", a.invoice_number, -a.amount.amount, at.date(), ref)
                                     for a in event.applied]  # fmt: skip
            if event.on_account.amount:
                moves.append(("on_account", "", event.on_account.amount, at.date(), ref))
            return moves
        case CreditApplied(invoice_number=inv, amount=amount, at=at):
            return [("credit", inv, -amount.amount, at.date(), "on account"),
                    ("on_account", "", -amount.amount, at.date(), inv)]  # fmt: skip
        case CreditNoteIssued(invoice_number=inv, amount=amount, issued_at=at):
            ref, held = event.credit_note_number, event.on_account.amount
            moves = [("credit_note", inv, -amount.amount, at.date(), ref)]
            if held:  # paid money the invoice no longer owes moves on account
                moves += [("unapplied", inv, held, at.date(), ref),
                          ("on_account", "", held, at.date(), ref)]  # fmt: skip
            return moves
        case InvoiceWrittenOff(invoice_number=inv, amount=amount, at=at):
            return [("write_off", inv, -amount.amount, at.date(), event.reason)]
        case PaymentRefunded(amount=amount, refunded_at=at, refund_reference=ref):
            return [("refund", "", -amount.amount, at.date(), ref)]
        case _:
            return []
