"""Outward webhooks: every fact of the subscribed kinds reaches the receiver once (after
dropping repeats by id), in order, signed - also when the deliverer is killed mid-batch."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from api.auth import Role
from api.runtime import Runtime
from infrastructure.daemon.rebuild import compare, rebuild
from tests.api.conftest import bearer, order_body
from tests.policies.conftest import Client, ok

ROOT = Path(__file__).resolve().parents[2]
DELIVERER = """
import sys, time
from datetime import timedelta
from api.runtime import Runtime
from api.settings import Settings
from policies.webhook_delivery import WebhookDeliverer
url, path, data_dir, owner = sys.argv[1:5]
rt = Runtime(Settings(database_url=url, sqlite_path=path, data_dir=data_dir,
                      run_projections=False))
deliverer = WebhookDeliverer(
    rt.storage.read_store, lambda: rt.projections["webhook_outbox"].copy,
    lambda sid: rt.signing.derive(f"webhook:{sid}"), rt.clock, owner=owner,
    lease=timedelta(seconds=1), batch=10)
print("ready", flush=True)
while True:
    deliverer.deliver_once()
    time.sleep(0.02)
"""


class Receiver:
    """An ERP's endpoint: checks each signature, keeps what arrived, in arrival order."""

    def __init__(self, delay: float = 0.0) -> None:
        self.secret = ""
        self.delay = delay
        self.arrived: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = self.headers["X-OrderHub-Timestamp"]
                mac = hmac.new(receiver.secret.encode(), f"{stamp}.".encode() + body,
                               hashlib.sha256).hexdigest()  # fmt: skip
                time.sleep(receiver.delay)
                with receiver.lock:
                    if not hmac.compare_digest(
                        f"sha256={mac}", self.headers["X-OrderHub-Signature"]
                    ):
                        receiver.bad_signatures += 1
                    message = json.loads(body)
                    assert message["id"] == self.headers["X-OrderHub-Message-Id"]
                    receiver.arrived.append(message)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/orderhub"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def unique(self) -> list[dict[str, Any]]:
        seen, kept = set(), []
        with self.lock:
            for message in self.arrived:
                if message["id"] not in seen:
                    seen.add(message["id"])
                    kept.append(message)
        return kept


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(delay=0.03)
    yield found
    found.server.shutdown()


def subscribe(client: Client, receiver: Receiver, kinds: list[str]) -> str:
    sid = str(ok(client.post("/webhooks", json={"name": "erp", "url": receiver.url,
                                                "kinds": kinds}))["aggregate_id"])  # fmt: skip
    receiver.secret = ok(client.get(f"/webhooks/{sid}/secret"))["secret"]
    return sid


def facts(client: Client, orders: int) -> None:
    for i in range(orders):
        order_id = ok(client.post("/orders", json=order_body(f"WH-{i}")))["aggregate_id"]
        sign = {"contract_number": f"HT-WH-{i}", "signed_at": "2025-12-21T10:00:00+08:00"}
        ok(client.post(f"/orders/{order_id}/sign", json=sign))
        ok(client.post(f"/orders/{order_id}/advance", json={
            "to_stage": "designing", "at": "2025-12-22T10:00:00+08:00"}))  # fmt: skip


def deliverer(runtime: Runtime, owner: str) -> subprocess.Popen[str]:
    settings = runtime.settings
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    process = subprocess.Popen(
        [sys.executable, "-c", DELIVERER, settings.database_url, settings.sqlite_path,
         settings.data_dir, owner],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def wait_until(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_every_fact_arrives_once_in_order_signed_across_a_killed_deliverer(
    client: Client, runtime: Runtime, receiver: Receiver
) -> None:
    subscribe(client, receiver, ["Order"])
    facts(client, orders=12)  # 36 facts: placed, signed, advanced
    runtime.projections["webhook_outbox"].catch_up()
    first = deliverer(runtime, "first")
    wait_until(lambda: len(receiver.arrived) >= 8)
    first.send_signal(signal.SIGKILL)  # mid-batch: it holds the subscription's lease
    first.wait()
    second = deliverer(runtime, "second")
    try:
        wait_until(lambda: len(receiver.unique()) >= 36)
        time.sleep(0.3)  # nothing more should come
    finally:
        second.kill()
        second.wait()
    messages = receiver.unique()
    assert receiver.bad_signatures == 0
    assert len(messages) == 36
    positions = [m["position"] for m in messages]
    assert positions == sorted(positions)  # the log's order, so each order's too
    by_order: dict[str, list[int]] = {}
    for m in messages:
        by_order.setdefault(m["aggregate_id"], []).append(m["aggregate_version"])
    assert all(v == sorted(v) for v in by_order.values())
    assert {m["kind"] for m in messages} == {"OrderPlaced", "OrderSigned", "StageAdvanced"}
    assert len(receiver.arrived) - len(messages) <= 1  # at most the one in flight again


def test_a_refusing_receiver_is_retried_with_back_off_and_a_replay_sends_again(
    client: Client, runtime: Runtime, receiver: Receiver
) -> None:
    sid = subscribe(client, receiver, ["OrderSigned"])
    facts(client, orders=2)
    runtime.projections["webhook_outbox"].catch_up()
    receiver.secret = "wrong"  # the receiver still answers 204: signatures checked below
    assert runtime.webhooks.deliver_once() == 2
    assert receiver.bad_signatures == 2
    [status] = ok(client.get("/webhooks"))
    assert (status["waiting"], status["last_error"]) == (0, None)
    receiver.server.shutdown()
    receiver.server.server_close()
    ok(client.post(f"/webhooks/{sid}/replay", json={"from_position": 1}))
    assert runtime.webhooks.deliver_once() == 0  # nobody listens: recorded, retried later
    [status] = ok(client.get("/webhooks"))
    assert status["waiting"] == 2
    assert status["attempts"] == 1
    assert "URLError" in status["last_error"]
    assert status["next_attempt_at"] is not None
    assert runtime.webhooks.deliver_once() == 0  # not before its back-off


def test_subscriptions_are_checked_and_admin_only(
    client: Client, runtime: Runtime, receiver: Receiver
) -> None:
    bad = client.post("/webhooks", json={"name": "x", "url": "ftp://erp", "kinds": ["Order"]})
    assert (bad.status_code, bad.json()["field"]) == (422, "url")
    unknown = client.post("/webhooks", json={"name": "x", "url": receiver.url,
                                             "kinds": ["Order", "OrderShipped"]})  # fmt: skip
    assert (unknown.status_code, unknown.json()["field"]) == (422, "kinds[1]")
    sales = bearer(runtime, Role.SALES)
    assert client.get("/webhooks", headers=sales).status_code == 403
    denied = client.post("/webhooks", headers=sales,
                         json={"name": "x", "url": receiver.url, "kinds": ["Order"]})  # fmt: skip
    assert denied.status_code == 403


def test_a_rebuilt_outbox_is_identical_and_sends_nothing_again(
    client: Client, runtime: Runtime, receiver: Receiver
) -> None:
    subscribe(client, receiver, ["Order"])
    facts(client, orders=2)
    live = runtime.projections["webhook_outbox"]
    live.catch_up()
    assert runtime.webhooks.deliver_once() == 6
    assert compare(live) == []
    rebuild(live)
    assert live.copy != "webhook_outbox"
    assert runtime.webhooks.deliver_once() == 0  # the cursor is not the read model's
    assert len(receiver.arrived) == 6
