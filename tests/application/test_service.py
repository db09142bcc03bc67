"""The application service over a real log: snapshots, as-of reads, retries, races."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from msgspec.structs import replace

from api.runtime import service_over
from application.service import SNAPSHOT_EVERY, ApplicationService, CommandMeta
from application.state_cache import StateCache
from domain.deciders import ORDER, RECEIVABLE
from domain.order import commands as cmd
from domain.order.rules import InvalidTransition
from domain.receivable import receivable_id_for
from domain.receivable.commands import RecordFulfilment
from domain.receivable.events import Fact
from infrastructure.storage import Storage
from tests.domain.receivable_examples import ORDER as ORDER_ID
from tests.domain.receivable_examples import open_receivable
from tests.projections.scenario import START, write_scenario


def _one_order(service: ApplicationService) -> UUID:
    return write_scenario(service, orders=1)[0]


def _feedback(service: ApplicationService, order_id: UUID, n: int, prefix: str = "fb") -> None:
    for i in range(n):
        command = cmd.RecordFeedback(rating=4, comment=f"#{i}", at=START + timedelta(hours=i))
        service.execute(
            ORDER, order_id, command, CommandMeta(command_id=f"{prefix}-{i}", actor="t")
        )


def test_long_streams_load_from_a_snapshot_equal_to_full_replay(storage: Storage) -> None:
    service = service_over(storage)
    order_id = _one_order(service)
    _feedback(service, order_id, SNAPSHOT_EVERY + 5)
    snapshots = storage.snapshots.select_events(order_id)
    assert [s.originator_version for s in snapshots] == [SNAPSHOT_EVERY]
    without_snapshots = ApplicationService(service.events, None, storage.position_of, service.clock)
    from_snapshot = service_over(storage)  # a new process: nothing cached
    assert from_snapshot.load(ORDER, order_id) == without_snapshots.load(ORDER, order_id)


def test_a_snapshot_of_another_schema_is_ignored_not_trusted(storage: Storage) -> None:
    service = service_over(storage)
    order_id = _one_order(service)
    version = service.load(ORDER, order_id).version
    bogus = StoredEvent(
        originator_id=order_id, originator_version=version, topic="snapshot:Order:0", state=b"{}"
    )
    storage.snapshots.insert_events([bogus])
    assert service_over(storage).load(ORDER, order_id).version == version


def test_a_cached_state_still_reads_what_another_process_wrote(storage: Storage) -> None:
    ours, theirs = service_over(storage), service_over(storage)
    order_id = _one_order(ours)
    before = ours.load(ORDER, order_id)
    assert ours.cache.get(ORDER, order_id) == before
    _feedback(theirs, order_id, 2)
    after = ours.load(ORDER, order_id)
    assert after.version == before.version + 2
    assert after == service_over(storage).load(ORDER, order_id)
    assert ours.cache.get(ORDER, order_id) == after


def _hold(service: ApplicationService, order_id: UUID, key: str, *, resume: bool = False) -> Any:
    at = START + timedelta(days=40)
    command = cmd.ResumeOrder(at=at) if resume else cmd.HoldOrder(reason="等待图纸", at=at)
    return service.execute(ORDER, order_id, command, CommandMeta(command_id=key, actor="t"))


def test_a_decision_on_a_stale_cached_state_is_taken_again_on_the_fresh_one(
    storage: Storage,
) -> None:
    ours, theirs = service_over(storage), service_over(storage)
    order_id = _one_order(ours)
    ours.load(ORDER, order_id)  # cached: not on hold
    _hold(theirs, order_id, "their-hold")
    with pytest.raises(InvalidTransition, match="already on hold"):
        _hold(ours, order_id, "our-hold")  # its append conflicts; decided again, refused
    _hold(theirs, order_id, "their-resume", resume=True)  # ours still caches "on hold"
    landed = _hold(ours, order_id, "our-hold")  # refused on the stale state, not on the fresh
    assert (landed.events, landed.replayed) == (("OrderPutOnHold",), False)
    holds = [r for r in ours.history(order_id) if type(r.event).__name__ == "OrderPutOnHold"]
    assert [r.command_id for r in holds] == ["their-hold", "our-hold"]


def test_a_retried_command_is_answered_from_its_record_without_a_second_write(
    storage: Storage,
) -> None:
    service = service_over(storage)
    order_id = _one_order(service)
    first = _feedback_once(service, order_id, "fb-retried")
    head = storage.log.max_notification_id()
    for retry in (service, service_over(storage)):  # with its state cached, and from a new process
        again = _feedback_once(retry, order_id, "fb-retried")
        assert (again.replayed, again.version, again.position) == (True, first.version,
                                                                   first.position)  # fmt: skip
    assert storage.log.max_notification_id() == head


def _feedback_once(service: ApplicationService, order_id: UUID, key: str) -> Any:
    command = cmd.RecordFeedback(rating=5, comment="好", at=START + timedelta(days=3))
    return service.execute(ORDER, order_id, command, CommandMeta(command_id=key, actor="t"))


def test_the_cache_keeps_the_latest_state_and_the_most_recently_used() -> None:
    cache = StateCache(size=2)
    first, second, third = UUID(int=1), UUID(int=2), UUID(int=3)
    older, newer = ORDER.initial, replace(ORDER.initial, version=3)
    cache.put(ORDER, first, newer)
    cache.put(ORDER, first, older)  # a slower reader's older state does not replace it
    assert cache.get(ORDER, first) == newer
    cache.put(ORDER, second, older)
    cache.get(ORDER, first)  # used: the second is now the least recent
    cache.put(ORDER, third, older)
    assert (cache.get(ORDER, first), cache.get(ORDER, second)) == (newer, None)


def test_state_as_of_a_version_replays_only_that_far(storage: Storage) -> None:
    service = service_over(storage)
    order_id = _one_order(service)
    _feedback(service, order_id, SNAPSHOT_EVERY + 3)
    history = service.history(order_id)
    for version in (1, 2, SNAPSHOT_EVERY - 1, SNAPSHOT_EVERY + 1, len(history)):
        state = service.load(ORDER, order_id, at_version=version)
        assert state.version == version
        assert state.feedback_count == sum(
            type(r.event).__name__ == "CustomerFeedbackRecorded" for r in history[:version]
        )


def test_a_replayed_command_reports_the_original_position(storage: Storage) -> None:
    service = service_over(storage)
    order_id = _one_order(service)
    command = cmd.HoldOrder(reason="等待图纸", at=START + timedelta(days=30))
    first = service.execute(ORDER, order_id, command, CommandMeta(command_id="h", actor="t"))
    _feedback(service, order_id, 3)
    again = service.execute(ORDER, order_id, command, CommandMeta(command_id="h", actor="t"))
    assert (again.position, again.version, again.replayed) == (first.position, first.version, True)


def test_a_command_that_decides_nothing_writes_nothing(storage: Storage) -> None:
    service = service_over(storage)
    rid = receivable_id_for(ORDER_ID)
    opened = service.execute(
        RECEIVABLE, rid, open_receivable(), CommandMeta(command_id="o", actor="t")
    )
    head = storage.read_store.head()
    seen_again = RecordFulfilment(fact=Fact.SIGNING, at=START + timedelta(days=3))
    outcome = service.execute(RECEIVABLE, rid, seen_again, CommandMeta(command_id="s", actor="t"))
    assert (outcome.version, outcome.position, outcome.events) == (
        opened.version,
        opened.position,
        (),
    )
    assert storage.read_store.head() == head


def test_concurrent_commands_without_a_pinned_version_all_land(storage: Storage) -> None:
    service = service_over(storage)
    order_id = _one_order(service)
    before = service.load(ORDER, order_id).version
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda k: _feedback(service, order_id, 5, prefix=f"t{k}"), range(4)))
    after = service.load(ORDER, order_id)
    assert after.version == before + 20
    assert [r.originator_version for r in service.history(order_id)] == list(
        range(1, after.version + 1)
    )


def test_every_event_carries_its_envelope(storage: Storage) -> None:
    service = service_over(storage)
    order_id = _one_order(service)
    meta = CommandMeta(
        command_id="env-1", actor="li.na", correlation_id="flow-7", causation_id="evt-3"
    )
    service.execute(ORDER, order_id, cmd.HoldOrder(reason="x", at=START + timedelta(days=30)), meta)
    last = service.history(order_id)[-1]
    assert (last.actor, last.command_id, last.correlation_id, last.causation_id) == (
        "li.na",
        "env-1",
        "flow-7",
        "evt-3",
    )
    assert last.timestamp.utcoffset() is not None


def test_a_state_known_to_be_behind_the_log_is_only_where_loading_starts() -> None:
    cache = StateCache()
    order, other = UUID(int=1), UUID(int=2)
    at3, at4 = replace(ORDER.initial, version=3), replace(ORDER.initial, version=4)
    cache.put(ORDER, order, at3)
    cache.moved({order: 4, other: 9})  # another process appended version 4; `other` not kept
    assert (cache.get(ORDER, order), cache.start(ORDER, order)) == (None, at3)
    assert cache.start(ORDER, other) is None
    cache.put(ORDER, order, at4)  # read up to what moved: current again
    assert cache.get(ORDER, order) == at4
    cache.moved({order: 4})  # our own append heard back: still current
    assert cache.get(ORDER, order) == at4
    cache.forget()
    assert cache.start(ORDER, order) is None


def test_a_state_moved_elsewhere_is_read_before_deciding_not_refused_at_the_append(
    storage: Storage,
) -> None:
    ours, theirs = service_over(storage), service_over(storage)
    order_id = _one_order(ours)
    before = ours.load(ORDER, order_id)
    _feedback(theirs, order_id, 1)
    ours.cache.moved({order_id: before.version + 1})  # what the append watcher tells
    appends: list[int] = []
    put = ours.events.put
    ours.events.put = lambda batch: appends.append(len(batch)) or put(batch)  # type: ignore[method-assign]
    done = _feedback_once(ours, order_id, "fb-after-theirs")
    assert (done.version, appends) == (before.version + 2, [2])  # one append, not refused
