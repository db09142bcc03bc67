"""The receivables read model: balances, a ledger that dates every movement, aging and DSO."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.runtime import service_over
from application.service import CommandMeta
from domain.deciders import RECEIVABLE
from domain.receivable import receivable_id_for
from domain.receivable.commands import (
    IssueCreditNote,
    IssueInvoice,
    RecordFulfilment,
    RecordPayment,
    RefundPayment,
)
from domain.receivable.events import Fact
from domain.shared import Money
from infrastructure.daemon.live import LiveProjection
from infrastructure.daemon.rebuild import compare
from infrastructure.storage import Storage, open_storage
from projections.receivables import ReceivablesProjection
from projections.receivables_queries import aging, dso, open_items, receivables
from tests.domain.receivable_examples import open_receivable

CST = timezone(timedelta(hours=8))
A, B = UUID(int=0xA), UUID(int=0xB)


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=CST)


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


@pytest.fixture
def storage(store_settings: tuple[str, str]) -> Iterator[Storage]:
    database_url, sqlite_path = store_settings
    store = open_storage(database_url, sqlite_path)
    service, n = service_over(store), iter(range(1000))

    def run(order_id: UUID, command: Any) -> None:
        meta = CommandMeta(command_id=f"c{next(n)}", actor="finance")
        service.execute(RECEIVABLE, receivable_id_for(order_id), command, meta)

    # A: 100,000 with Li Na; prepayment part paid late, shipment invoiced.
    run(A, open_receivable(order_id=A, opened_at=at(1, 5)))
    run(A, IssueInvoice(invoice_number="A1", milestone_id="m1", issued_at=at(1, 5)))
    run(A, RecordPayment(bank_reference="BK-1", amount=cny("10000.00"), received_at=at(2, 20)))
    run(A, RecordFulfilment(fact=Fact.SHIPMENT, at=at(3, 1)))
    run(A, IssueInvoice(invoice_number="A2", milestone_id="m2", issued_at=at(3, 1)))
    # B: 50,000 with Zhao; overpaid, credited after payment, the credit refunded.
    b = open_receivable(
        "50000.00",
        order_id=B,
        customer_id="C-002",
        customer_name="常州",
        salesperson="Zhao",
        contract_number="HT-B",
        opened_at=at(1, 10),
    )
    run(B, b)
    run(B, IssueInvoice(invoice_number="B1", milestone_id="m1", issued_at=at(1, 10)))
    run(B, RecordPayment(bank_reference="BK-2", amount=cny("20000.00"), received_at=at(1, 20)))
    run(B, IssueCreditNote(credit_note_number="CN-1", invoice_number="B1", amount=cny("1000.00"),
                           issued_at=at(1, 25), reason="damaged crate"))  # fmt: skip
    run(B, RefundPayment(refund_reference="RF-1", amount=cny("6000.00"), refunded_at=at(1, 30),
                         reason="overpaid"))  # fmt: skip
    yield store
    store.close()


def built(storage: Storage, batch_size: int = 1) -> LiveProjection:
    live = LiveProjection("receivables", ReceivablesProjection, storage.log, storage.mapper,
                          storage.read_store)  # fmt: skip
    live.runner.batch_size = batch_size
    live.catch_up()
    return live


def read(storage: Storage, query: Any, *args: Any) -> Any:
    with storage.read_store.transaction(commit=False) as tx:
        return query(tx, "receivables", *args)


def test_balances_follow_invoices_payments_credit_notes_and_refunds(storage: Storage) -> None:
    built(storage)
    rows = {r["contract_number"]: r for r in read(storage, receivables)}
    a, b = rows["HT-2026-001"], rows["HT-B"]
    assert (a["invoiced"], a["paid"], a["outstanding"]) == ("90000.00", "10000.00", "80000.00")
    assert (b["invoiced"], b["paid"], b["credited"]) == ("14000.00", "14000.00", "1000.00")
    assert (b["outstanding"], b["on_account"]) == ("0.00", "0.00")


def test_open_items_as_of_a_past_day_ignore_later_payments(storage: Storage) -> None:
    built(storage)
    [item] = read(storage, open_items, date(2026, 2, 15))
    assert (item.invoice_number, item.outstanding, item.due_on) == ("A1", cny("30000.00"),
                                                                     date(2026, 2, 4))  # fmt: skip
    later = {i.invoice_number: i.outstanding for i in read(storage, open_items, date(2026, 3, 1))}
    assert later == {"A1": cny("20000.00"), "A2": cny("60000.00")}


def test_aging_buckets_by_customer_and_salesperson(storage: Storage) -> None:
    built(storage)
    [feb] = read(storage, aging, date(2026, 2, 15), "customer")
    assert (feb["customer_id"], feb["1_30"], feb["total"]) == ("C-001", "30000.00", "30000.00")
    [april] = read(storage, aging, date(2026, 4, 15), "salesperson")
    assert april["salesperson"] == "Li Na"
    assert (april["1_30"], april["61_90"], april["current"]) == ("60000.00", "20000.00", "0.00")


def test_dso_is_receivables_at_the_end_over_credit_sales_times_days(storage: Storage) -> None:
    built(storage)
    figures = read(storage, dso, date(2026, 1, 1), date(2026, 3, 31), "CNY")
    assert figures.receivables_at_end == Decimal("80000.00")
    assert figures.credit_sales == Decimal("104000.00")  # 30,000 + 60,000 + 15,000 - 1,000
    assert (figures.days, figures.dso) == (90, Decimal("69.2"))
    assert read(storage, dso, date(2025, 1, 1), date(2025, 1, 31), "CNY").dso is None


def test_a_rebuild_from_the_log_is_identical_to_the_live_model(storage: Storage) -> None:
    live = built(storage, batch_size=1)  # one event at a time, as it arrives
    assert compare(live) == []
    other = LiveProjection("big_batches", ReceivablesProjection, storage.log, storage.mapper,
                           storage.read_store)  # fmt: skip
    other.runner.batch_size = 1000
    other.catch_up()
    for table in ("", "_milestones", "_invoices", "_entries"):
        assert dump(storage, f"receivables{table}") == dump(storage, f"big_batches{table}")


def dump(storage: Storage, table: str) -> list[dict[str, Any]]:
    with storage.read_store.transaction(commit=False) as tx:
        tx.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3")
        return tx.fetchall()
