"""Hearing the log's appends (and the read models' batches) as they commit, in every process."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Protocol
from uuid import UUID

import psycopg
from psycopg.sql import SQL, Identifier

log = logging.getLogger(__name__)


def moved_heads(payload: str) -> dict[UUID, int] | None:
    """The streams an append moved and their new last versions, as the append's
    notification tells them; None when it does not say (anything may have moved)."""
    if not payload:
        return None
    heads = {}
    for pair in payload.split(","):
        stream, version = pair.split(" ")
        heads[UUID(stream)] = int(version)
    return heads


class Subscriber(Protocol):
    """What a `Listener` tells of one channel."""

    channel: str

    def listening(self) -> None:
        """It listens from now on (what was notified before, it did not hear)."""

    def deaf(self) -> None:
        """It stopped listening (the connection was lost, or it was stopped)."""

    def heard(self, payload: str) -> None:
        """A notification on the channel."""


class StreamHeads(Protocol):
    """What learns which aggregates moved (the application's state cache)."""

    def moved(self, heads: Mapping[UUID, int]) -> None: ...

    def forget(self) -> None: ...


class MovedStreams:
    """Tells the state cache which aggregates the log's appends moved (from every
    process), so decisions are not taken on states known to be old. Appends made
    while not listening go unheard, so once listening the cache keeps nothing as
    current."""

    def __init__(self, channel: str, cache: StreamHeads) -> None:
        self.channel = channel
        self.cache = cache

    def listening(self) -> None:
        self.cache.forget()

    def deaf(self) -> None:
        """The cache learns nothing meanwhile; it forgets once listening again."""

    def heard(self, payload: str) -> None:
        heads = moved_heads(payload)
        if heads is None:
            self.cache.forget()
        else:
            self.cache.moved(heads)


class Listener:
    """Listens for the subscribers' channels on a connection of its own, in a thread
    (`run`), or as a task on an API process's event loop (`run_async`: no thread
    contending with the requests for the interpreter)."""

    def __init__(self, url: str, subscribers: Sequence[Subscriber]) -> None:
        self.url = url
        self.subscribers = {s.channel: s for s in subscribers}
        self.listen = [SQL("LISTEN {}").format(Identifier(c)) for c in self.subscribers]
        self.listening = threading.Event()

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    for statement in self.listen:
                        conn.execute(statement)
                    self._started()
                    while not stop.is_set():
                        for notice in conn.notifies(timeout=0.5):
                            self._heard(notice)
            except psycopg.Error:
                log.warning("listener: the store is unavailable; retrying", exc_info=True)
            finally:
                self._stopped()
            stop.wait(1.0)

    async def run_async(self) -> None:
        """Until cancelled."""
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
                async with conn:
                    for statement in self.listen:
                        await conn.execute(statement)
                    self._started()
                    async for notice in conn.notifies():
                        self._heard(notice)
            except psycopg.Error:
                log.warning("listener: the store is unavailable; retrying", exc_info=True)
            finally:
                self._stopped()
            await asyncio.sleep(1.0)

    def _started(self) -> None:
        for subscriber in self.subscribers.values():
            subscriber.listening()
        self.listening.set()

    def _stopped(self) -> None:
        self.listening.clear()
        for subscriber in self.subscribers.values():
            subscriber.deaf()

    def _heard(self, notice: psycopg.Notify) -> None:
        self.subscribers[notice.channel].heard(notice.payload)
