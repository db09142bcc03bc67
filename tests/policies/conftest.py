"""Policies run against a real runtime (SQLite and PostgreSQL), driven by the test."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from api.runtime import Runtime
from api.settings import Settings
from infrastructure.daemon.runner import Projection
from infrastructure.read_store import Tx
from tests.api.conftest import order_body, signed_in

Client = TestClient[Any]


@pytest.fixture
def runtime(store_settings: tuple[str, str], tmp_path: Path) -> Runtime:
    database_url, sqlite_path = store_settings
    return Runtime(Settings(database_url=database_url, sqlite_path=sqlite_path,
                            data_dir=str(tmp_path), run_projections=False))  # fmt: skip


@pytest.fixture
def client(runtime: Runtime) -> Iterator[Client]:
    with signed_in(runtime) as test_client:
        yield test_client


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def settle(runtime: Runtime) -> None:
    """Every read model and policy caught up, their commands executed, until quiet."""
    for _ in range(3):
        for live in runtime.projections.values():
            live.catch_up()
        runtime.dispatcher.dispatch_once()


def signed_order(client: Client, ref: str = "EC-1") -> str:
    order_id = str(ok(client.post("/orders", json=order_body(ref)))["aggregate_id"])
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": f"HT-{ref}", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
    return order_id


class Crash(Exception):
    """The process dying."""


class Crashing:
    """A policy that dies once, after `after` events of a batch, before its commit."""

    def __init__(self, inner: Projection, after: int) -> None:
        self.inner = inner
        self.name, self.topics = inner.name, inner.topics
        self.after = after

    def schema(self) -> list[str]:
        return self.inner.schema()

    def tables(self) -> list[str]:
        return self.inner.tables()

    def apply(self, tx: Tx, events: Sequence[Any]) -> None:
        self.inner.apply(tx, events[: self.after])
        if self.after < len(events):
            self.after = 10**9
            raise Crash
