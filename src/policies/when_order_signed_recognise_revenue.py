"""When an order is signed it becomes a revenue contract; its fulfilment earns revenue.

ASC 606 step 1: the signed order is the contract. The policy keeps each
order's lines; on signing it identifies the contract with the satisfaction
patterns in force, then passes on the facts that earn revenue — shipments (by
line quantities) and the customer's acceptance, with their business dates —
every change order after signing, for the rules to classify, and a
cancellation after signing, which terminates the contract on its date (what
was earned by then stays). Facts seen before signing travel right after the
identification, dated no earlier than the signing. Command ids name the order
and the fact, so redelivery changes nothing. The satisfaction patterns are the ones
finance published last (their version is recorded on the contract), else the
defaults; an order line may carry its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from domain.contract_terms import ContractTerms, Satisfaction
from domain.decider import topic_of
from domain.deciders import REVENUE_CONTRACT, TASK
from domain.envelope import Recorded
from domain.order.events import (
    CustomerAccepted,
    LineKind,
    OrderCancelled,
    OrderChanged,
    OrderLine,
    OrderPlaced,
    OrderSigned,
    ShipmentRecorded,
)
from domain.order.state import changed_lines
from domain.revenue import (
    Fulfilment,
    IdentifyContract,
    LineQuantity,
    ModifyContract,
    RecordFulfilment,
    TerminateContract,
    contract_id_for,
)
from domain.revenue.feasibility import contract_of, why_not
from domain.revenue_periods import PatternsPublished, PeriodsState
from domain.task import AssignTask, task_id
from infrastructure.read_store import Row, Tx
from policies import outbox
from projections.rows import KeyedRows, encode

NAME = "when_order_signed_recognise_revenue"
_lines = msgspec.json.Decoder(tuple[OrderLine, ...])
_facts = msgspec.json.Decoder(list[RecordFulfilment])
_published = msgspec.json.Decoder(PatternsPublished)
_terms = msgspec.json.Decoder(ContractTerms)
_COLUMNS = ("order_id", "customer_id", "currency", "lines", "terms", "signed", "waiting")


class RecogniseRevenuePolicy:
    topics = frozenset(
        topic_of(t)
        for t in (
            OrderPlaced, OrderChanged, OrderSigned, ShipmentRecorded, CustomerAccepted,
            OrderCancelled, PatternsPublished,
        )
    )  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders, self.patterns = f"{name}_orders", f"{name}_patterns"
        self.rows = KeyedRows(self.orders, _COLUMNS)

    def tables(self) -> list[str]:
        return [self.orders, self.patterns]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "customer_id TEXT NOT NULL, currency TEXT NOT NULL, lines TEXT NOT NULL, "
            "terms TEXT NOT NULL, "
            "signed BIGINT NOT NULL, waiting TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.patterns} (id BIGINT PRIMARY KEY, "
            "published TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            self._apply(tx, recorded)

    def _apply(self, tx: Tx, recorded: Recorded[Any]) -> None:
        event, order_id = recorded.event, str(recorded.originator_id)
        if isinstance(event, PatternsPublished):
            tx.upsert(self.patterns, ("id", "published"), "id", [(1, encode(event))])
            return
        if isinstance(event, OrderPlaced):
            row: Row = {"order_id": order_id, "customer_id": event.customer_id,
                        "currency": event.currency, "lines": encode(event.lines),
                        "terms": encode(event.revenue_terms or ContractTerms()),
                        "signed": 0, "waiting": "[]"}  # fmt: skip
            self.rows.save(tx, row)
            return
        found = self.rows.load(tx, order_id)
        if found is None:
            return
        match event:
            case OrderSigned(contract_number=number, signed_at=at):
                found["signed"] = 1
                by_kind, version = self._patterns(tx)
                terms = _terms.decode(found["terms"])
                identify = contract_of(
                    order_id=recorded.originator_id, customer_id=found["customer_id"],
                    contract_number=number, currency=found["currency"], signed_on=at.date(),
                    lines=_lines.decode(found["lines"]), terms=terms, by_kind=by_kind,
                    rules_version=version,
                )  # fmt: skip
                self._enqueue(tx, found, "0-identify", identify, recorded)
                self._tell_finance_if_impossible(tx, identify, at, recorded)
                for n, waited in enumerate(_facts.decode(found["waiting"])):
                    # A fact before the signing counts from the contract's first day.
                    fact = msgspec.structs.replace(waited, on=max(waited.on, at.date()))
                    self._enqueue(tx, found, f"1-{n}-{fact.fact.value}", fact, recorded)
                found["waiting"] = "[]"
            case OrderChanged(revision=revision, changed_at=at):
                lines = _lines.decode(found["lines"])
                now = changed_lines(
                    lines, added=event.added, removed=event.removed, repriced=event.repriced
                )
                found["lines"] = encode(now)
                if found["signed"]:
                    repriced = {r.line_id for r in event.repriced}
                    classified = event.revenue_classification
                    modify = ModifyContract(
                        revision=revision, on=at.date(), added=event.added,
                        removed=event.removed,
                        repriced=tuple(ln for ln in now if ln.line_id in repriced),
                        by_kind=self._patterns(tx)[0],
                        override=classified.treatment if classified else None,
                        reason=classified.reason if classified else "",
                    )  # fmt: skip
                    self._enqueue(tx, found, f"change:{revision}", modify, recorded)
            case ShipmentRecorded(shipment_id=shipment, shipped_at=at):
                quantities = tuple(
                    LineQuantity(line_id=q.line_id, quantity=q.quantity) for q in event.lines
                )
                fact = RecordFulfilment(fact=Fulfilment.SHIPMENT, on=at.date(),
                                        lines=quantities, source=shipment)  # fmt: skip
                self._fact(tx, found, f"shipment:{shipment}", fact, recorded)
            case CustomerAccepted(accepted_at=at):
                fact = RecordFulfilment(fact=Fulfilment.ACCEPTANCE, on=at.date(),
                                        source="customer acceptance")  # fmt: skip
                self._fact(tx, found, "acceptance", fact, recorded)
            case OrderCancelled(reason=reason, at=at) if found["signed"]:
                end = TerminateContract(last_day=at.date(), reason=reason)
                self._enqueue(tx, found, "termination", end, recorded)
        self.rows.save(tx, found)

    def _tell_finance_if_impossible(
        self, tx: Tx, identify: IdentifyContract, at: datetime, cause: Recorded[Any]
    ) -> None:
        """A signed order must have its contract: if the identification will be refused
        (patterns changed since capture, or an order older than the capture check),
        finance gets a task that says why, with a deadline and a chain."""
        error = why_not(identify)
        if error is None:
            return
        key = f"{NAME}:{identify.order_id}:no-contract"
        assign = AssignTask(
            order_id=identify.order_id, role="finance",
            title=f"收入合同无法建立 No revenue contract for {identify.contract_number}",
            assigned_at=at, reason=f"{error.message} (field {error.field})",
            due_at=at + timedelta(hours=24), escalation=("finance_manager", "cfo"),
        )  # fmt: skip
        outbox.enqueue(tx, NAME, outbox.Intent(key, TASK, task_id(key), assign), cause)

    def _patterns(self, tx: Tx) -> tuple[dict[LineKind, Satisfaction], int]:
        tx.execute(f"SELECT published FROM {self.patterns} WHERE id = 1")  # noqa: S608
        row = tx.fetchone()
        published = None if row is None else _published.decode(row["published"])
        return PeriodsState(patterns=published).by_kind()

    def _fact(
        self, tx: Tx, row: Row, what: str, fact: RecordFulfilment, cause: Recorded[Any]
    ) -> None:
        if row["signed"]:
            self._enqueue(tx, row, what, fact, cause)
        else:
            row["waiting"] = encode([*_facts.decode(row["waiting"]), fact])

    def _enqueue(self, tx: Tx, row: Row, what: str, command: Any, cause: Recorded[Any]) -> None:
        order_id = UUID(row["order_id"])
        # Keyed by the policy, not by this copy: a rebuilt copy decides the same commands.
        key = f"{NAME}:{order_id}:{what}"
        intent = outbox.Intent(key, REVENUE_CONTRACT, contract_id_for(order_id), command)
        outbox.enqueue(tx, NAME, intent, cause)
