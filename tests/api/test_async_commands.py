"""Commands appended from the event loop (PostgreSQL): on a kept state the API process
reads what moved and appends without a worker thread; a lost race or a retried
command id goes to the threaded path, which decides afresh - same answers, nothing
twice. The append watcher runs on the API process's loop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import ANY
from uuid import UUID

import pytest

from api.commanding import run_command_async
from api.runtime import Runtime, service_over
from api.settings import Settings
from application.service import CommandMeta
from domain.deciders import ORDER
from domain.envelope import CommandHandled
from domain.order import commands as cmd
from infrastructure.postgres.async_log import AsyncLog
from infrastructure.postgres.recorder import PostgresLogRecorder
from infrastructure.storage import open_storage
from tests.api.conftest import signed_in
from tests.projections.scenario import START, write_scenario

pytestmark = pytest.mark.postgres


@pytest.fixture
def runtime(postgres_url: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(database_url=postgres_url, data_dir=str(tmp_path), run_projections=False,
                        run_clock=False)  # fmt: skip
    rt = Runtime(settings)
    yield rt
    rt.stop()


@contextlib.asynccontextmanager
async def _async_log(runtime: Runtime) -> AsyncIterator[AsyncLog]:
    """An API process's loop-side log on the runtime's store, open for the block."""
    assert isinstance(runtime.storage.log, PostgresLogRecorder)
    appender = AsyncLog(runtime.settings.database_url, runtime.storage.log,
                        runtime.storage.mapper)  # fmt: skip
    await appender.open()
    try:
        yield appender
    finally:
        await appender.close()


def _feedback(runtime: Runtime, order_id: UUID, key: str) -> tuple[Any, list[str]]:
    """Run one feedback command from an event loop; its answer, and how each append
    from the loop ended."""
    said: list[str] = []

    async def run() -> Any:
        async with _async_log(runtime) as appender:
            return await feedback(appender)

    async def feedback(appender: AsyncLog) -> Any:
        runtime.async_log = appender  # no append watcher: the cache is what the test puts
        append = appender.append

        async def watched(batch: Any) -> list[int]:
            try:
                ids = await append(batch)
            except Exception as error:
                said.append(type(error).__name__)
                raise
            said.append("appended")
            return ids

        appender.append = watched  # type: ignore[method-assign]
        try:
            command = cmd.RecordFeedback(rating=5, comment="好", at=START + timedelta(days=3))
            meta = CommandMeta(command_id=key, actor="t")
            return await run_command_async(runtime, ORDER, order_id, command, meta)
        finally:
            runtime.async_log = None

    return asyncio.run(run()), said


def _appended_together(runtime: Runtime, batches: list[Any]) -> tuple[list[Any], int]:
    """Append the batches at once from one loop: what each was answered (its ids or
    its error's name), and how many append statements went to the store."""

    async def run() -> tuple[list[Any], int]:
        sent = []
        async with _async_log(runtime) as appender:
            insert = appender._insert

            async def counted(stored: Any) -> list[int]:
                sent.append(len(stored))
                return await insert(stored)

            appender._insert = counted  # type: ignore[method-assign]
            answers = await asyncio.gather(*map(appender.append, batches), return_exceptions=True)
        return [a if isinstance(a, list) else type(a).__name__ for a in answers], len(sent)

    return asyncio.run(run())


def _decided(runtime: Runtime, order_id: UUID, key: str) -> Any:
    state = runtime.service.load(ORDER, order_id)
    command = cmd.RecordFeedback(rating=4, comment="好", at=START + timedelta(days=3))
    decided = runtime.service.decide_on(ORDER, order_id, command, CommandMeta(command_id=key,
                                        actor="t"), state)  # fmt: skip
    assert decided is not None
    return decided.batch


def test_appends_waiting_together_commit_in_one_statement(runtime: Runtime) -> None:
    orders = write_scenario(runtime.service, orders=3)
    head = runtime.storage.log.max_notification_id() or 0
    batches = [_decided(runtime, o, f"together-{n}") for n, o in enumerate(orders)]
    answers, statements = _appended_together(runtime, batches)
    assert statements == 1
    assert answers == [[head + 1, head + 2], [head + 3, head + 4], [head + 5, head + 6]]
    for order_id, answer in zip(orders, answers, strict=True):
        last = runtime.service.history(order_id)[-1]
        assert type(last.event).__name__ == "CustomerFeedbackRecorded"
        assert runtime.storage.position_of(order_id, last.originator_version) == answer[0]


def test_a_conflict_in_a_group_refuses_only_its_own_command(runtime: Runtime) -> None:
    first, second = write_scenario(runtime.service, orders=2)
    batches = [
        _decided(runtime, first, "a"),
        _decided(runtime, second, "b"),
        _decided(runtime, first, "c"),
    ]  # the same version of the first order again
    answers, statements = _appended_together(runtime, batches)
    assert statements == 4  # the group, refused; then each on its own
    assert [type(a) for a in answers] == [list, list, str]
    assert answers[2] == "IntegrityError"
    assert len(_records(runtime, "a")) == len(_records(runtime, "b")) == 1
    assert _records(runtime, "c") == []


def _records(runtime: Runtime, key: str) -> list[CommandHandled]:
    handled = runtime.service.previous_outcome(key)
    return [handled] if handled is not None else []


def test_a_command_on_a_current_cached_state_is_appended_from_the_loop(runtime: Runtime) -> None:
    order_id = write_scenario(runtime.service, orders=1)[0]
    before = runtime.service.load(ORDER, order_id)
    answer, said = _feedback(runtime, order_id, "fb-loop")
    assert said == ["appended"]
    assert (answer.version, answer.replayed) == (before.version + 1, False)
    history = runtime.service.history(order_id)
    assert type(history[-1].event).__name__ == "CustomerFeedbackRecorded"
    assert answer.position == runtime.storage.position_of(order_id, answer.version)
    assert runtime.service.cache.get(ORDER, order_id).version == answer.version  # type: ignore[union-attr]


def test_a_state_known_to_have_moved_is_caught_up_on_the_loop(runtime: Runtime) -> None:
    order_id = write_scenario(runtime.service, orders=1)[0]
    kept = runtime.service.load(ORDER, order_id)
    other = open_storage(runtime.settings.database_url)  # another process
    try:
        command = cmd.RecordFeedback(rating=3, comment="一般", at=START + timedelta(days=2))
        meta = CommandMeta(command_id="other", actor="t")
        service_over(other).execute(ORDER, order_id, command, meta)
    finally:
        other.close()
    runtime.service.cache.moved({order_id: kept.version + 1})  # what the watcher tells
    answer, said = _feedback(runtime, order_id, "fb-after-other")
    assert said == ["appended"]  # read what moved, then one append from the loop
    assert (answer.version, answer.replayed) == (kept.version + 2, False)


def test_a_lost_race_is_decided_again_in_a_thread(runtime: Runtime) -> None:
    order_id = write_scenario(runtime.service, orders=1)[0]
    head = runtime.service.load(ORDER, order_id).version
    stale = runtime.service.load(ORDER, order_id, at_version=head - 1)
    runtime.service.cache.forget()
    runtime.service.cache.put(ORDER, order_id, stale)  # as if another process wrote unheard
    answer, said = _feedback(runtime, order_id, "fb-race")
    assert said == ["IntegrityError"]
    assert (answer.version, answer.replayed) == (head + 1, False)
    assert len(_records(runtime, "fb-race")) == 1


def test_a_retried_command_is_answered_from_its_record(runtime: Runtime) -> None:
    order_id = write_scenario(runtime.service, orders=1)[0]
    first, _ = _feedback(runtime, order_id, "fb-retry")
    head = runtime.storage.log.max_notification_id()
    again, said = _feedback(runtime, order_id, "fb-retry")
    assert said == ["IntegrityError"]  # the record's stream refused it; the thread replays
    assert (again.version, again.position, again.replayed) == (first.version, first.position,
                                                               True)  # fmt: skip
    assert runtime.storage.log.max_notification_id() == head


def test_the_api_hears_another_process_and_reads_before_deciding(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=postgres_url, data_dir=str(tmp_path), run_projections=False,
                        run_clock=False)  # fmt: skip
    runtime = Runtime(settings)
    with signed_in(runtime) as client:
        assert runtime.async_log is not None
        order_id = write_scenario(runtime.service, orders=1)[0]
        head = runtime.service.load(ORDER, order_id).version  # kept, current
        other = open_storage(postgres_url)  # another process
        try:
            command = cmd.RecordFeedback(rating=3, comment="一般", at=START + timedelta(days=2))
            service_over(other).execute(
                ORDER, order_id, command, CommandMeta(command_id="o", actor="t")
            )
        finally:
            other.close()
        deadline = time.monotonic() + 5
        while runtime.service.cache.kept(ORDER, order_id) != (ANY, False):
            assert time.monotonic() < deadline, "the API process never heard the other's append"
            time.sleep(0.01)
        body = {"rating": 5, "comment": "好", "at": "2025-12-23T09:00:00+08:00"}
        answer = client.post(f"/orders/{order_id}/feedback", json=body)
        assert answer.status_code == 200, answer.text
        assert answer.json()["version"] == head + 2
