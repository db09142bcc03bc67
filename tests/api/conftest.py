"""An API client on a real store (SQLite file or a fresh PostgreSQL database)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.auth import Role, issue_token
from api.runtime import Runtime
from api.settings import Settings
from application.service import CommandMeta
from domain.deciders import RULEBOOK
from domain.rulebook import RULEBOOK_ID, PositionHolder, PublishPositions
from policies import outbox


@pytest.fixture
def runtime(store_settings: tuple[str, str], tmp_path: Path) -> Runtime:
    database_url, sqlite_path = store_settings
    # The clock is driven by the tests that need it, with an injected time.
    settings = Settings(database_url=database_url, sqlite_path=sqlite_path,
                        data_dir=str(tmp_path), run_clock=False)  # fmt: skip
    return Runtime(settings)


# Who holds the approving positions in the tests (as an admin would publish them).
HOLDERS = {"sales_director": "li", "vp": "zhao", "general_manager": "chen"}


def publish_positions(runtime: Runtime, holders: Iterable[PositionHolder] | None = None) -> None:
    """Publish the positions list (HOLDERS, everywhere, unless `holders` are given)."""
    listed = tuple(holders) if holders is not None else tuple(
        PositionHolder(position=p, user=u) for p, u in HOLDERS.items())  # fmt: skip
    command = PublishPositions(holders=listed)
    digest = hashlib.sha256(msgspec.json.encode(listed)).hexdigest()[:16]
    meta = CommandMeta(command_id=f"test-positions-{digest}", actor="admin")
    runtime.service.execute(RULEBOOK, RULEBOOK_ID, command, meta)


def as_approver(runtime: Runtime, body: dict[str, Any]) -> dict[str, str]:
    """The token of the user an approval's body names (a sales token: any role may hold
    a position)."""
    return bearer(runtime, Role.SALES, body["approver"])


def bearer(runtime: Runtime, role: Role = Role.ADMIN, user: str = "admin") -> dict[str, str]:
    """The Authorization header of `user` acting in `role` on this installation."""
    return {"Authorization": f"Bearer {issue_token(runtime.token_key, user, role)}"}


@contextmanager
def signed_in(runtime: Runtime, role: Role = Role.ADMIN) -> Iterator[TestClient[Any]]:
    """A client of the running app whose requests carry a token of `role` by default."""
    with TestClient(create_app(runtime), raise_server_exceptions=False) as test_client:
        test_client.headers.update(bearer(runtime, role))
        yield test_client


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient[Any]]:
    with signed_in(runtime) as test_client:
        yield test_client


def order_body(ref: str = "EC-2025-0001", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "order_type": "equipment",
        "channel": "ecommerce",
        "external_ref": ref,
        "customer_id": "C-JX-001",
        "customer_name": "嘉兴恒力输送设备有限公司",
        "region": "浙江",
        "salesperson": "wang.fang",
        "currency": "CNY",
        "promised_delivery": "2026-03-01",
        "placed_at": "2025-12-20T09:30:00+08:00",
        "lines": [
            {
                "line_id": "L1",
                "product_code": "CONV-800",
                "kind": "hardware",
                "quantity": "2",
                "unit_price": "30000.00",
                "discount": "1000.00",
                "product_line": "输送线",
            },
            {
                "line_id": "L2",
                "product_code": "TRAIN-OPS",
                "kind": "training",
                "quantity": "1",
                "unit_price": "5000",
            },
        ],
    }
    body.update(overrides)
    return body


def quiet(runtime: Runtime, timeout: float = 20) -> int:
    """Wait until the background policies have done what the log asks of them: every
    read model and policy at the head, no command pending in the outbox, and the head
    unmoved since; the head then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        head = runtime.storage.log.max_notification_id() or 0
        caught_up = all(live.wait_for(head, timeout=5) for live in runtime.projections.values())
        pending = outbox.commands(runtime.storage.read_store, status="pending")
        if caught_up and not pending and (runtime.storage.log.max_notification_id() or 0) == head:
            return head
        time.sleep(0.05)
    raise AssertionError("the policies did not settle")
