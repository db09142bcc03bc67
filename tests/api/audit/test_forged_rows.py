"""A row written to the log behind the application's back never verifies as intact.

The hash chain chains whatever stands in the log; each command's record carries the
writer's seal (a MAC under the installation's key over the events it wrote), which
whoever writes by SQL cannot make."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import msgspec
import pytest

from api.cli import main
from api.runtime import Runtime
from api.settings import Settings
from domain.deciders import ORDER
from domain.deciders import EVENT_TYPES
from domain.envelope import CommandHandled, Recorded, command_stream, seal_message
from domain.order.events import OrderCancelled, OrderPlaced
from infrastructure.mapper import MsgspecMapper
from projections import audit_seals
from tests.api.audit.test_history_and_chain import book, findings
from tests.policies.conftest import Client, ok


def forge(runtime: Runtime, order_id: str, *, with_record: str | None = None) -> int:
    """INSERT a cancellation of `order_id` (and, if asked, a command record sealed with
    `with_record`) as someone with the database password could; its position."""
    state = runtime.service.load(ORDER, UUID(order_id))
    version = state.version + 1
    at = datetime(2026, 1, 5, tzinfo=UTC)

    def recorded(stream: UUID, v: int, event: object) -> Recorded[object]:
        return Recorded(originator_id=stream, originator_version=v, timestamp=at,
                        actor="wang.fang", command_id="forged", correlation_id="forged",
                        causation_id="forged", event=event)  # fmt: skip

    rows = [recorded(UUID(order_id), version, OrderCancelled(reason="不要了", at=at))]
    if with_record is not None:
        rows.append(recorded(command_stream("forged"), 1, CommandHandled(
            command_id="forged", command_digest="0" * 64, aggregate_type="Order",
            aggregate_id=UUID(order_id), version=version, events=("OrderCancelled",),
            seal=with_record)))  # fmt: skip
    stored = [runtime.storage.mapper.to_stored_event(r) for r in rows]
    ids = runtime.storage.log.insert_events(stored)
    assert ids is not None
    runtime.projections["audit_chain"].catch_up()  # the chainer chains it within seconds
    return int(ids[0])


def test_an_inserted_event_is_an_orphan(
    client: Client, runtime: Runtime, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    [order_id, *_] = book(client, runtime)
    position = forge(runtime, order_id)
    assert (position, "orphan") in findings(client)  # chained, yet found out
    settings: Settings = runtime.settings
    monkeypatch.setattr(Settings, "from_env", staticmethod(lambda: settings))
    assert main(["audit", "verify"]) == 1
    assert f"position {position}: orphan" in capsys.readouterr().out


@pytest.mark.parametrize(("seal", "kind"), [("", "unsealed"), ("f" * 64, "forged")])
def test_an_inserted_event_with_a_made_up_command_record_does_not_verify(
    client: Client, runtime: Runtime, seal: str, kind: str
) -> None:
    [order_id, *_] = book(client, runtime)
    position = forge(runtime, order_id, with_record=seal)
    found = findings(client)
    assert any(k == kind for _p, k in found), found
    assert any(p >= position for p, _k in found)


def test_what_the_application_wrote_is_sealed_and_intact(client: Client, runtime: Runtime) -> None:
    book(client, runtime)
    report = ok(client.get("/audit/verify"))
    assert report["intact"], report
    assert report["sealed"] >= 6
    assert report["legacy"] == 0
    seals = audit_seals.verify_seals(runtime.storage.log, runtime.storage.mapper,
                                     runtime.signing.checks)  # fmt: skip
    assert seals.findings == []


def test_an_event_rewritten_with_its_neighbours_is_forged(client: Client, runtime: Runtime) -> None:
    """Rewriting an event's bytes (and the chain to match) still breaks its seal."""
    [order_id, *_] = book(client, runtime)
    store = runtime.storage.read_store
    history = runtime.service.history(UUID(order_id))
    first = history[0]
    changed = msgspec.structs.replace(first, actor="someone else")
    stored = runtime.storage.mapper.to_stored_event(changed)
    with store.transaction(commit=True) as tx:
        tx.execute(f"UPDATE {store.events_table} SET state = ? "
                   "WHERE originator_id = ? AND originator_version = 1",
                   (stored.state, store._key(UUID(order_id))))  # fmt: skip
    seals = audit_seals.verify_seals(runtime.storage.log, runtime.storage.mapper,
                                     runtime.signing.checks)  # fmt: skip
    assert [f.kind for f in seals.findings] == ["forged"]


def test_an_insert_with_the_tail_renumbered_is_one_insert(client: Client, runtime: Runtime) -> None:
    """Someone makes room in the middle of the log and slips a row in: the chain names
    one inserted record, not every record after it as moved."""
    book(client, runtime)
    store = runtime.storage.read_store
    head = store.head()
    room = head - 4
    pos, events = store.position_column, store.events_table
    with store.transaction(commit=True) as tx:  # shift the tail up by one, in two steps
        tx.execute(f"UPDATE {events} SET {pos} = {pos} + 1000000 WHERE {pos} >= ?", (room,))
        tx.execute(f"UPDATE {events} SET {pos} = {pos} - 999999 WHERE {pos} >= ?",
                   (room + 1000000,))  # fmt: skip
    forged = runtime.storage.mapper.to_stored_event(Recorded(
        originator_id=UUID(int=7), originator_version=1,
        timestamp=datetime(2026, 1, 5, tzinfo=UTC), actor="x", command_id="x",
        correlation_id="x", causation_id="x",
        event=OrderCancelled(reason="x", at=datetime(2026, 1, 5, tzinfo=UTC))))  # fmt: skip
    with store.transaction(commit=True) as tx:
        tx.execute(f"INSERT INTO {events} ({pos}, originator_id, originator_version, topic, "
                   "state) VALUES (?, ?, ?, ?, ?)",
                   (room, store._key(UUID(int=7)), 1, forged.topic, forged.state))  # fmt: skip
    chain = [f for f in findings(client) if f[1] != "orphan"]
    assert chain == [(room, "inserted")], chain
    assert (room, "orphan") in findings(client)


class OrderPlacedLater(OrderPlaced, frozen=True, kw_only=True, tag="OrderPlaced"):
    """OrderPlaced as a later release may define it: one more field, with a default."""

    loyalty_points: int = 0


def test_records_written_before_an_event_type_gained_a_field_still_verify_as_sealed(
    client: Client, runtime: Runtime
) -> None:
    """New event fields get defaults so old events still decode; re-encoding an old
    event adds them, so a seal checked over re-encoded bytes would call every older
    record forged after the upgrade. The seal is checked over the bytes as written."""
    book(client, runtime)
    log, mapper = runtime.storage.log, runtime.storage.mapper
    before = audit_seals.verify_seals(log, mapper, runtime.signing.checks)
    assert before.findings == [] and before.sealed > 0
    later = MsgspecMapper(event_types={**EVENT_TYPES, "OrderPlaced": OrderPlacedLater})
    placed = next(r for r in log.select_notifications(start=1, limit=100)
                  if r.topic == "OrderPlaced")  # fmt: skip
    decoded = later.to_domain_event(placed)
    assert decoded.event.loyalty_points == 0  # the old record reads under the new type
    assert seal_message("x", [decoded]) != seal_message("x", [mapper.to_domain_event(placed)])
    after = audit_seals.verify_seals(log, later, runtime.signing.checks)
    assert (after.sealed, after.findings) == (before.sealed, [])
