"""Replaying any prefix of the log twice into the policies issues nothing twice.

A realistic log is written once: the demo's order book (approvals, rejections,
change orders, stages, slips, complaints, cancellations), invoices and payments,
the directory, and every command the policies and the clock issued in reaction,
until the log is quiet. Then, for any prefix, every policy is fed the prefix,
fed it again — once onto its own state (an at-least-once redelivery) and once
into fresh state sharing the outboxes (a rebuild) — and then the rest. Its
command and message outboxes must hold exactly what one clean pass writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import TestClient

from api.runtime import PROJECTIONS, Runtime
from api.settings import Settings
from application.demo import load_demo
from application.service import CommandMeta
from domain.decider import topic_of
from domain.deciders import DIRECTORY
from domain.directory import DIRECTORY_ID, Contact, SetContact
from domain.envelope import Recorded
from domain.stages import Stage
from infrastructure.daemon.runner import Projection
from infrastructure.read_store import ReadStore
from infrastructure.storage import open_storage
from policies import notifications, outbox
from tests.api.conftest import order_body, signed_in
from tests.api.test_quotes_api import publish_example, quote_body
from tests.policies.conftest import ok
from tests.policies.test_stage_gate_policy import order_in, sign_drawings

POLICIES = sorted(n for n, make in PROJECTIONS.items() if make(n).__module__.startswith("policies"))
OUTBOXES = (
    f"SELECT command_id, policy, aggregate_type, aggregate_id, command, correlation_id, "
    f"causation_id, caused_at FROM {outbox.TABLE} ORDER BY command_id",
    f"SELECT message_id, policy, kind, recipient, channel, target, format, subject, body, "
    f"correlation_id, caused_at FROM {notifications.TABLE} ORDER BY message_id",
)


def _quiet(runtime: Runtime) -> None:
    """Run every read model and policy and the dispatcher until nothing new is written."""
    store = runtime.storage
    while True:
        head = store.read_store.head()
        for live in runtime.projections.values():
            live.catch_up()
        runtime.dispatcher.dispatch_once()
        if store.read_store.head() == head:
            return


def _write_log(runtime: Runtime, client: TestClient[Any]) -> None:
    service = runtime.service
    for key in ("engineer", "team_lead", "vp", "executives", "sales_director", "wang.fang"):
        contact = Contact(name=key, email=f"{key}@example.com")
        service.execute(DIRECTORY, DIRECTORY_ID, SetContact(key=key, contact=contact),
                        CommandMeta(command_id=f"replay-dir-{key}", actor="ops"))  # fmt: skip
    load_demo(service, orders=24, seed=7, today=date(2026, 3, 2))
    publish_example(client)  # an order captured from a quote: its acceptance is completed
    quote = ok(
        client.post("/quotes", json=quote_body("Q-REPLAY", {"code": "IMPL", "quantity": "1"}))
    )
    ok(client.post(f"/quotes/{quote['aggregate_id']}/accept", json={
        "revision": 1, "accepted_by": "王总", "at": "2026-03-05T10:00:00+08:00"}))  # fmt: skip
    sign_drawings(client, order_in(client, Stage.DESIGNING))  # the stage gate opens
    # Custom hardware (a workflow rule tells production), a contact told of the signing.
    custom = order_body("EC-REPLAY", contact={"name": "陈工", "email": "chen@example.com"})
    custom["lines"][0]["custom"] = True
    placed = ok(client.post("/orders", json=custom))["aggregate_id"]
    ok(client.post(f"/orders/{placed}/sign", json={
        "contract_number": "HT-REPLAY", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
    _quiet(runtime)
    receivables = ok(client.get("/receivables"))
    assert len(receivables) >= 6
    for n, receivable in enumerate(receivables[:6]):
        order_id = receivable["order_id"]
        ok(client.post(f"/receivables/{order_id}/invoices", json={
            "invoice_number": f"INV-{n}", "milestone_id": "m1",
            "issued_at": "2026-01-05T10:00:00+08:00"}))  # fmt: skip
        if n % 2:
            due = ok(client.get(f"/receivables/{order_id}"))["invoices"][0]["amount"]
            ok(client.post(f"/receivables/{order_id}/payments", json={
                "bank_reference": f"BANK-{n}", "amount": due["amount"],
                "currency": due["currency"], "received_at": "2026-01-20T10:00:00+08:00",
            }))  # fmt: skip
    _quiet(runtime)
    monday = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    for jump in (timedelta(0), timedelta(days=2), timedelta(days=9)):
        for job in (runtime.schedule.dunning, runtime.schedule.escalate,
                    runtime.schedule.escalate_tasks):  # fmt: skip
            job.run(monday + jump)
        _quiet(runtime)


@pytest.fixture(scope="module")
def log() -> Iterator[list[Recorded[Any]]]:
    with TemporaryDirectory() as tmp:
        settings_ = Settings(sqlite_path=f"{tmp}/log.db", data_dir=tmp, run_projections=False,
                             run_clock=False)  # fmt: skip
        runtime = Runtime(settings_)
        with signed_in(runtime) as client:
            _write_log(runtime, client)
            store = runtime.storage
            head = store.read_store.head()
            notes = store.log.select_notifications(start=1, limit=head + 1)
            yield [store.mapper.to_domain_event(n) for n in notes]


def _feed(store: ReadStore, policy: Projection, events: Sequence[Recorded[Any]]) -> None:
    with store.transaction(commit=True) as tx:
        policy.apply(tx, [e for e in events if topic_of(type(e.event)) in policy.topics])


def _outboxes(store: ReadStore) -> list[list[dict[str, Any]]]:
    with store.transaction(commit=False) as tx:
        found = []
        for query in OUTBOXES:
            tx.execute(query)
            found.append(tx.fetchall())
        return found


def _fresh(path: Path, policy_name: str, copy: str = "") -> tuple[ReadStore, Projection]:
    store = open_storage("", str(path)).read_store
    policy = PROJECTIONS[policy_name](copy or policy_name)
    store.create([*outbox.SCHEMA, *notifications.SCHEMA, *policy.schema()])
    return store, policy


def test_the_log_exercises_every_policy(log: list[Recorded[Any]]) -> None:
    silent = []
    with TemporaryDirectory() as tmp:
        for name in POLICIES:
            store, policy = _fresh(Path(tmp) / f"{name}.db", name)
            _feed(store, policy, log)
            if not any(_outboxes(store)):
                silent.append(name)
    assert silent == [], f"the log does not exercise {silent}"


@given(cut=st.floats(min_value=0, max_value=1), policy_name=st.sampled_from(POLICIES))
def test_replaying_a_prefix_twice_issues_no_command_or_message_twice(
    log: list[Recorded[Any]], cut: float, policy_name: str
) -> None:
    k = round(cut * len(log))
    with TemporaryDirectory() as tmp:
        clean, policy = _fresh(Path(tmp) / "clean.db", policy_name)
        _feed(clean, policy, log)
        expected = _outboxes(clean)

        redelivered, policy = _fresh(Path(tmp) / "redelivered.db", policy_name)
        _feed(redelivered, policy, log[:k])
        _feed(redelivered, policy, log[:k])
        _feed(redelivered, policy, log[k:])
        assert _outboxes(redelivered) == expected

        rebuilt, first = _fresh(Path(tmp) / "rebuilt.db", policy_name)
        _feed(rebuilt, first, log[:k])
        second = PROJECTIONS[policy_name](f"{policy_name}_copy")
        rebuilt.create(second.schema())
        _feed(rebuilt, second, log[:k])
        _feed(rebuilt, second, log[k:])
        assert _outboxes(rebuilt) == expected
