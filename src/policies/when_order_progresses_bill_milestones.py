"""When an order is signed, open its receivable; as it is fulfilled, make milestones billable.

The cash side runs beside the order. On signing the receivable opens from the
milestone template the order stated at capture, else the first plan rule of the
published payment terms its type, lines and credit rating (recorded on the order
when it was captured) match, else the one that rating names; a periodic template
bills over the service term the order's lines span. The
facts that trigger milestones follow it: everything shippable shipped (or, for
an order with nothing to ship, reaching its last stage), the customer's
acceptance, and the acceptance report's upload. A change order after signing
revises the contract amount. Facts seen before signing travel with the opening.
Each command's id derives from the order and the fact, so redelivery changes
nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from domain.decider import topic_of
from domain.deciders import RECEIVABLE
from domain.document_version.events import DocumentKind, VersionUploaded
from domain.envelope import Recorded
from domain.order.events import (
    SHIPPABLE_KINDS,
    CustomerAccepted,
    OrderChanged,
    OrderLine,
    OrderPlaced,
    OrderSigned,
    ShipmentRecorded,
    StageAdvanced,
)
from domain.order.state import changed_lines
from domain.receivable import receivable_id_for
from domain.receivable.commands import (
    FactAt,
    OpenReceivable,
    RecordFulfilment,
    ReviseContractAmount,
)
from domain.receivable.events import Fact
from domain.receivable.plans import OrderProfile, choose, service_term
from domain.receivable.terms import DEFAULT_PAYMENT_TERMS, PaymentTerms
from domain.rulebook import PaymentTermsPublished
from domain.shared import total
from infrastructure.read_store import Row, Tx
from policies import outbox
from projections.rows import KeyedRows, encode

NAME = "when_order_progresses_bill_milestones"
_lines = msgspec.json.Decoder(tuple[OrderLine, ...])
_facts = msgspec.json.Decoder(dict[Fact, datetime])
_terms = msgspec.json.Decoder(PaymentTerms)
_COLUMNS = ("order_id", "placed", "lines", "shipped", "facts", "last_stage", "signed")


class BillMilestonesPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (
            OrderPlaced, OrderChanged, OrderSigned, ShipmentRecorded, StageAdvanced,
            CustomerAccepted, VersionUploaded, PaymentTermsPublished,
        )
    )  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders, self.terms = f"{name}_orders", f"{name}_terms"
        self.rows = KeyedRows(self.orders, _COLUMNS)

    def tables(self) -> list[str]:
        return [self.orders, self.terms]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "placed TEXT NOT NULL, lines TEXT NOT NULL, shipped TEXT NOT NULL, "
            "facts TEXT NOT NULL, last_stage TEXT NOT NULL, signed BIGINT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.terms} (id BIGINT PRIMARY KEY, terms TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            self._apply(tx, recorded)

    def _apply(self, tx: Tx, recorded: Recorded[Any]) -> None:
        event, order_id = recorded.event, str(recorded.originator_id)
        match event:
            case OrderPlaced():
                row: Row = {"order_id": order_id, "placed": msgspec.json.encode(event).decode(),
                       "lines": encode(event.lines), "shipped": "{}", "facts": "{}",
                       "last_stage": event.route.stages[-1].value, "signed": 0}  # fmt: skip
                self.rows.save(tx, row)
            case PaymentTermsPublished(terms=terms):
                tx.upsert(self.terms, ("id", "terms"), "id", [(1, encode(terms))])
            case VersionUploaded(kind=DocumentKind.ACCEPTANCE_REPORT, uploaded_at=at):
                self._fact(tx, str(event.order_id), Fact.ACCEPTANCE_REPORT, at, recorded)
            case CustomerAccepted(accepted_at=at):
                self._fact(tx, order_id, Fact.ACCEPTANCE, at, recorded)
            case OrderSigned() | OrderChanged() | ShipmentRecorded() | StageAdvanced():
                found = self.rows.load(tx, order_id)
                if found is not None:
                    self._progress(tx, found, recorded)

    def _progress(self, tx: Tx, row: Row, recorded: Recorded[Any]) -> None:
        event = recorded.event
        lines = _lines.decode(row["lines"])
        match event:
            case OrderSigned():
                row["signed"] = 1
                self.rows.save(tx, row)
                self._open(tx, row, event, lines, recorded)
            case OrderChanged():
                lines = changed_lines(
                    lines, added=event.added, removed=event.removed, repriced=event.repriced
                )
                row["lines"] = encode(lines)
                self.rows.save(tx, row)
                if row["signed"]:
                    placed = msgspec.json.decode(row["placed"], type=OrderPlaced)
                    amount = total([line.net for line in lines], placed.currency)
                    revise = ReviseContractAmount(
                        revision=event.revision, amount=amount, at=event.changed_at
                    )
                    self._enqueue(tx, row, f"revise:{event.revision}", revise, recorded)
            case ShipmentRecorded(shipped_at=at):
                shipped = msgspec.json.decode(row["shipped"], type=dict[str, Decimal])
                for item in event.lines:
                    shipped[item.line_id] = shipped.get(item.line_id, Decimal(0)) + item.quantity
                row["shipped"] = encode(shipped)
                self.rows.save(tx, row)
                to_ship = [ln for ln in lines if ln.kind in SHIPPABLE_KINDS]
                if all(shipped.get(ln.line_id, Decimal(0)) >= ln.quantity for ln in to_ship):
                    self._fact(tx, row["order_id"], Fact.SHIPMENT, at, recorded)
            case StageAdvanced(to_stage=stage, at=at) if stage.value == row["last_stage"]:
                # Nothing to ship (software, services): delivery is reaching the last stage.
                if not any(ln.kind in SHIPPABLE_KINDS for ln in lines):
                    self._fact(tx, row["order_id"], Fact.SHIPMENT, at, recorded)

    def _open(
        self,
        tx: Tx,
        row: Row,
        signed: OrderSigned,
        lines: Sequence[OrderLine],
        cause: Recorded[Any],
    ) -> None:
        placed = msgspec.json.decode(row["placed"], type=OrderPlaced)
        tx.execute(f"SELECT terms FROM {self.terms} WHERE id = 1")  # noqa: S608
        found = tx.fetchone()
        terms = _terms.decode(found["terms"]) if found else DEFAULT_PAYMENT_TERMS
        facts = _facts.decode(row["facts"])
        signed_on = signed.signed_at.date()
        span = service_term((ln.term_start or signed_on, ln.term_months)
                            for ln in lines if ln.term_months)  # fmt: skip
        profile = OrderProfile(
            order_type=placed.order_type,
            line_kinds=frozenset(ln.kind.value for ln in lines),
            product_lines=frozenset(ln.product_line for ln in lines if ln.product_line),
            credit_rating=placed.credit_rating,
            stated=placed.billing_plan,
            has_service_term=span is not None,
        )
        template, plan = choose(terms, profile)
        command = OpenReceivable(
            order_id=cause.originator_id,
            customer_id=placed.customer_id,
            customer_name=placed.customer_name,
            salesperson=placed.salesperson,
            contract_number=signed.contract_number,
            contract_amount=total([line.net for line in lines], placed.currency),
            template=template,
            credit_rating=placed.credit_rating,
            opened_at=signed.signed_at,
            facts=tuple(FactAt(fact=f, at=at) for f, at in sorted(facts.items())),
            plan=plan,
            service_term=span,
        )
        self._enqueue(tx, row, "open", command, cause)

    def _fact(self, tx: Tx, order_id: str, fact: Fact, at: datetime, cause: Recorded[Any]) -> None:
        """Remember the first time `fact` happened; pass it on once the receivable is open."""
        row = self.rows.load(tx, order_id)
        if row is None:
            return
        facts = _facts.decode(row["facts"])
        if fact in facts:
            return
        facts[fact] = at
        row["facts"] = encode(facts)
        self.rows.save(tx, row)
        if row["signed"]:
            self._enqueue(tx, row, fact.value, RecordFulfilment(fact=fact, at=at), cause)

    def _enqueue(self, tx: Tx, row: Row, what: str, command: Any, cause: Recorded[Any]) -> None:
        order_id = UUID(row["order_id"])
        # Keyed by the policy, not by this copy: a rebuilt copy decides the same commands.
        key = f"{NAME}:{order_id}:{what}"
        intent = outbox.Intent(key, RECEIVABLE, receivable_id_for(order_id), command)
        outbox.enqueue(tx, NAME, intent, cause)
