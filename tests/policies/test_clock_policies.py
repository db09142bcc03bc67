"""The clock's policies, with an injected clock: the week's dunning list, the morning review."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

import pytest

from api.runtime import Runtime
from application.service import CommandIdReused, CommandMeta
from domain.deciders import DUNNING, RECEIVABLE
from domain.dunning import DEFAULT_DUNNING_RULES, DunningListCompiled
from domain.receivable import receivable_id_for
from domain.receivable.commands import IssueInvoice, RecordFulfilment
from domain.receivable.events import Fact
from domain.receivable.state import MilestoneStatus
from policies.every_monday_compile_dunning_list import (
    NAME,
    WeeklyDunning,
    latest_firing,
    trigger,
)
from policies.every_morning_review_milestones import DailyReview
from tests.policies.conftest import Client, signed_order
from tests.policies.test_bill_milestones_policy import settle

CST = timezone(timedelta(hours=8))
MONDAY_NINE = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
WEEK = timedelta(days=7)


def test_a_firing_is_the_latest_monday_nine_in_shanghai() -> None:
    rules = DEFAULT_DUNNING_RULES
    assert latest_firing(rules, MONDAY_NINE) == MONDAY_NINE
    assert latest_firing(rules, MONDAY_NINE - timedelta(minutes=1)) == MONDAY_NINE - WEEK
    assert latest_firing(rules, datetime(2026, 3, 8, 23, 0, tzinfo=UTC)) == MONDAY_NINE
    # Sunday 17:30 UTC is 01:30 on Monday in Shanghai: before nine, so 2 March is the latest.
    assert latest_firing(rules, datetime(2026, 3, 8, 17, 30, tzinfo=UTC)) == MONDAY_NINE
    assert latest_firing(rules, datetime(2026, 3, 9, 1, 0, tzinfo=UTC)) == MONDAY_NINE + WEEK


def test_the_scheduler_fires_on_mondays_at_nine_company_time() -> None:
    cron = trigger(DEFAULT_DUNNING_RULES)
    after = datetime(2026, 3, 3, 12, 0, tzinfo=CST)
    assert cron.get_next_fire_time(None, after) == MONDAY_NINE + WEEK


def overdue_invoice(client: Client, runtime: Runtime) -> str:
    order_id = signed_order(client)
    settle(runtime)
    runtime.service.execute(
        RECEIVABLE, receivable_id_for(UUID(order_id)),
        IssueInvoice(invoice_number="FP-1", milestone_id="m1",
                     issued_at=datetime(2025, 12, 21, 11, tzinfo=CST)),
        CommandMeta(command_id="invoice-1", actor="finance"),
    )  # fmt: skip
    runtime.projections["receivables"].catch_up()
    return order_id


def test_two_instances_and_a_restart_compile_one_list(client: Client, runtime: Runtime) -> None:
    overdue_invoice(client, runtime)
    store = runtime.storage.read_store
    first = WeeklyDunning(runtime.service, store, lambda: "receivables")
    second = WeeklyDunning(runtime.service, store, lambda: "receivables")
    times = [MONDAY_NINE, MONDAY_NINE + timedelta(seconds=3)]
    threads = [
        threading.Thread(target=w.run, args=(t,))
        for w, t in zip((first, second), times, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first.run(MONDAY_NINE + timedelta(days=2))  # a restart on Wednesday catches up: nothing new
    list_id = first.run(MONDAY_NINE)
    history = runtime.service.history(list_id)
    assert len(history) == 1
    compiled = history[0].event
    assert isinstance(compiled, DunningListCompiled)
    [line] = compiled.lines
    assert (line.invoice_number, line.days_overdue, line.level) == ("FP-1", 41, 2)
    assert history[0].actor == "clock:every_monday_compile_dunning_list"


def test_a_run_later_in_the_week_adds_a_revision_once_however_often_it_fires(
    client: Client, runtime: Runtime
) -> None:
    overdue_invoice(client, runtime)
    store = runtime.storage.read_store
    first = WeeklyDunning(runtime.service, store, lambda: "receivables")
    second = WeeklyDunning(runtime.service, store, lambda: "receivables")
    list_id = first.run(MONDAY_NINE)
    late = signed_order(client, "EC-2")
    settle(runtime)
    runtime.service.execute(
        RECEIVABLE, receivable_id_for(UUID(late)),
        IssueInvoice(invoice_number="FP-2", milestone_id="m1",
                     issued_at=datetime(2026, 3, 3, 11, tzinfo=CST)),  # invoiced on Tuesday
        CommandMeta(command_id="invoice-2", actor="finance"),
    )  # fmt: skip
    runtime.projections["receivables"].catch_up()
    wednesday = MONDAY_NINE + timedelta(days=2)
    threads = [threading.Thread(target=w.run, args=(t,)) for w, t in
               ((first, wednesday), (second, wednesday + timedelta(seconds=3)))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert first.run(wednesday) == list_id  # fired again: nothing new since
    history = runtime.service.history(list_id)
    assert [(r.event.revision, [ln.invoice_number for ln in r.event.lines]) for r in history] == [
        (1, ["FP-1"]), (2, ["FP-2"])]  # fmt: skip
    assert history[1].event.as_of.isoformat() == "2026-03-04"
    assert history[1].command_id == f"{NAME}:{MONDAY_NINE.isoformat()}:r2"  # retries find it


def test_the_clock_does_not_take_someone_elses_use_of_its_id_for_done(
    client: Client, runtime: Runtime
) -> None:
    """Clients cannot reach the clock's ids (their keys are hashed into `client:`), but
    should anything else have used one, the firing fails loudly instead of passing."""
    order_id = signed_order(client)
    settle(runtime)
    runtime.service.execute(
        RECEIVABLE, receivable_id_for(UUID(order_id)),
        IssueInvoice(invoice_number="FP-1", milestone_id="m1",
                     issued_at=datetime(2025, 12, 21, 11, tzinfo=CST)),
        CommandMeta(command_id=f"every_monday_compile_dunning_list:{MONDAY_NINE.isoformat()}",
                    actor="finance"),
    )  # fmt: skip
    runtime.projections["receivables"].catch_up()
    dunning = WeeklyDunning(runtime.service, runtime.storage.read_store, lambda: "receivables")
    with pytest.raises(CommandIdReused):
        dunning.run(MONDAY_NINE)


def test_the_retention_becomes_billable_on_the_morning_twelve_months_after_acceptance(
    client: Client, runtime: Runtime
) -> None:
    order_id = signed_order(client)
    settle(runtime)
    rid = receivable_id_for(UUID(order_id))
    for n, fact in enumerate((Fact.ACCEPTANCE, Fact.ACCEPTANCE_REPORT)):
        runtime.service.execute(RECEIVABLE, rid,
                                RecordFulfilment(fact=fact, at=datetime(2026, 1, 10, tzinfo=CST)),
                                CommandMeta(command_id=f"fact-{n}", actor="t"))  # fmt: skip
    runtime.projections["receivables"].catch_up()
    review = DailyReview(runtime.service, runtime.storage.read_store, lambda: "receivables")
    assert review.run(datetime(2027, 1, 9, 12, tzinfo=CST)) == [rid]
    state = runtime.service.load(RECEIVABLE, rid)
    assert state.status_of(state.milestones[2]) is MilestoneStatus.SCHEDULED
    review.run(datetime(2027, 1, 10, 0, 6, tzinfo=CST))
    review.run(datetime(2027, 1, 10, 18, 0, tzinfo=CST))  # fired again the same day
    state = runtime.service.load(RECEIVABLE, rid)
    retention = state.milestones[2]
    assert state.status_of(retention) is MilestoneStatus.BILLABLE
    assert str(retention.billable_on) == "2027-01-10"
    assert len(runtime.service.history(rid)) == state.version


def test_the_clock_waits_for_the_read_model_and_retries(client: Client, runtime: Runtime) -> None:
    overdue_invoice(client, runtime)
    clock = runtime.schedule
    clock.settled = lambda: False
    assert not clock.fire(clock.dunning.run)
    clock.settled = lambda: True
    clock.now = lambda: MONDAY_NINE
    assert clock.fire(clock.dunning.run)
    assert runtime.service.load(DUNNING, clock.dunning.run(MONDAY_NINE)).version == 1
