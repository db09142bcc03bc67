"""Auditors replay any aggregate's history and prove the log was not altered."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from api.auth import Role
from api.cli import main
from api.commanding import client_command_id
from api.runtime import Runtime
from api.settings import Settings
from infrastructure.daemon.rebuild import compare
from infrastructure.read_store import ReadStore
from projections import audit_chain
from tests.api.conftest import bearer, order_body
from tests.policies.conftest import Client, ok

CHAIN_KINDS = {"altered", "moved", "removed", "inserted", "chain_edited", "digest_mismatch"}
SIGN = {"contract_number": "HT-7", "signed_at": "2025-12-21T10:00:00+08:00"}


def book(client: Client, runtime: Runtime, orders: int = 3) -> list[str]:
    ids = []
    for n in range(orders):
        headers = {**bearer(runtime, Role.SALES, "wang.fang"), "Idempotency-Key": f"place-{n}",
                   "X-Correlation-Id": f"deal-{n}"}  # fmt: skip
        ids.append(ok(client.post("/orders", json=order_body(f"EC-{n}"), headers=headers))[
            "aggregate_id"])  # fmt: skip
        ok(client.post(f"/orders/{ids[-1]}/sign", json=SIGN,
                       headers=bearer(runtime, Role.SALES, "li.ming")))  # fmt: skip
    runtime.projections["audit_chain"].catch_up()
    return ids


def tamper(store: ReadStore, sql: str, params: tuple[Any, ...] = ()) -> None:
    """What someone with the database password could do behind the application's back."""
    with store.transaction(commit=True) as tx:
        tx.execute(sql.format(events=store.events_table, pos=store.position_column), params)


def state_at(store: ReadStore, position: int) -> bytes:
    with store.transaction(commit=False) as tx:
        tx.execute(f"SELECT state FROM {store.events_table} "
                   f"WHERE {store.position_column} = ?", (position,))  # fmt: skip
        row = tx.fetchone()
    assert row is not None
    return bytes(row["state"])


def position_of(store: ReadStore, topic: str) -> int:
    """The first position holding an event of `topic`."""
    with store.transaction(commit=False) as tx:
        tx.execute(f"SELECT MIN({store.position_column}) AS p FROM {store.events_table} "
                   "WHERE topic = ?", (topic,))  # fmt: skip
        row = tx.fetchone()
    assert row is not None
    return int(row["p"])


def findings(client: Client, **params: Any) -> list[tuple[int, str]]:
    report = ok(client.get("/audit/verify", params=params))
    return [(f["position"], f["kind"]) for f in report["findings"]]


def test_an_orders_history_says_who_did_what_when_and_why(client: Client, runtime: Runtime) -> None:
    [order_id, *_] = book(client, runtime)
    history = ok(client.get(f"/audit/aggregates/{order_id}/history"))
    assert history["aggregate_type"] == "Order"
    placed, signed = history["events"]
    key = client_command_id("wang.fang", "place-0")  # the client's key, hashed for its user
    assert (placed["topic"], placed["actor"], placed["command_id"], placed["correlation_id"]) == (
        "OrderPlaced", "wang.fang", key, "deal-0")  # fmt: skip
    assert placed["business_time"] == "2025-12-20T09:30:00+08:00"
    assert (signed["topic"], signed["actor"], signed["version"]) == ("OrderSigned", "li.ming", 2)
    assert signed["business_time"] == "2025-12-21T10:00:00+08:00"
    assert placed["position"] < signed["position"]
    assert signed["causation_id"] == signed["command_id"]  # a command from outside

    then = ok(client.get(f"/audit/aggregates/{order_id}/state", params={"version": 1}))
    assert (then["version"], then["state"]["stage"]) == (1, "pending_confirmation")
    now = ok(client.get(f"/audit/aggregates/{order_id}/state"))
    assert (now["version"], now["state"]["stage"]) == (2, "signed")
    before = ok(client.get(f"/audit/aggregates/{order_id}/state",
                           params={"as_of": "2020-01-01T00:00:00Z"}))  # fmt: skip
    assert before["version"] == 0
    assert client.get("/audit/aggregates/00000000-0000-4000-8000-000000000000/history"
                      ).status_code == 404  # fmt: skip


def test_an_untouched_log_verifies_and_its_digest_is_reproducible(
    client: Client, runtime: Runtime
) -> None:
    book(client, runtime)
    report = ok(client.get("/audit/verify"))
    assert (report["intact"], report["unchained"]) == (True, 0)
    assert report["checked"] == runtime.storage.read_store.head()
    digest = ok(client.get("/audit/digest"))
    assert (digest["position"], digest["digest"]) == (report["head"], report["digest"])
    # A rebuilt chain comes out the same: the digest is a function of the log alone.
    assert compare(runtime.projections["audit_chain"]) == []


def test_an_edited_event_is_named_by_its_position(client: Client, runtime: Runtime) -> None:
    book(client, runtime)
    store = runtime.storage.read_store
    victim = position_of(store, "OrderPlaced")
    edited = state_at(store, victim).replace("浙江".encode(), "江苏".encode())
    tamper(store, "UPDATE {events} SET state = ? WHERE {pos} = ?", (edited, victim))
    # The chain sees the bytes changed; the writer's seal no longer covers them.
    assert findings(client) == [(victim, "altered"), (victim, "forged")]


def test_a_deleted_or_swapped_event_is_named(client: Client, runtime: Runtime) -> None:
    book(client, runtime)
    store = runtime.storage.read_store
    tamper(store, "DELETE FROM {events} WHERE {pos} = 4")
    # Two orders' placements change places: each position now holds another stream.
    with store.transaction(commit=False) as tx:
        tx.execute(f"SELECT {store.position_column} AS p, originator_id FROM "
                   f"{store.events_table} WHERE topic = 'OrderPlaced' ORDER BY 1")  # fmt: skip
        first, second = tx.fetchall()[:2]
    for stream, position in ((first["originator_id"], -1), (second["originator_id"], first["p"]),
                             (first["originator_id"], second["p"])):  # fmt: skip
        tamper(store, "UPDATE {events} SET {pos} = ? WHERE originator_id = ? AND "
               "originator_version = 1", (position, stream))  # fmt: skip
    chain = [f for f in findings(client) if f[1] in CHAIN_KINDS]
    assert chain == [(4, "removed"), (first["p"], "moved"), (second["p"], "moved")]
    assert {k for _p, k in findings(client)} - CHAIN_KINDS  # and the seals disagree too


def test_a_rewritten_chain_is_caught_by_the_digest_kept_elsewhere(
    client: Client, runtime: Runtime
) -> None:
    book(client, runtime)
    kept = ok(client.get("/audit/digest"))
    store = runtime.storage.read_store
    victim = position_of(store, "OrderSigned")
    edited = state_at(store, victim).replace(b"HT-7", b"HT-8")
    tamper(store, "UPDATE {events} SET state = ? WHERE {pos} = ?", (edited, victim))
    # The forger recomputes the chain from the edited record on.
    table = runtime.projections["audit_chain"].copy
    with store.transaction(commit=True) as tx:
        tx.execute(f"SELECT chain_hash FROM {table} WHERE position = ?", (victim - 1,))
        previous = tx.fetchone()["chain_hash"]
        for n in runtime.storage.log.select_notifications(start=victim, limit=10_000):
            previous = audit_chain.chain_hash(previous, n.id, audit_chain.record_hash(n))
            tx.execute(f"UPDATE {table} SET record_hash = ?, chain_hash = ? WHERE position = ?",
                       (audit_chain.record_hash(n), previous, n.id))  # fmt: skip
    # The chain is consistent with itself; the edited record's seal is not ...
    assert findings(client) == [(victim, "forged")]
    caught = findings(client, digest_position=kept["position"], digest=kept["digest"])
    # ... and neither is the chain with the digest kept elsewhere.
    assert caught == [(victim, "forged"), (kept["position"], "digest_mismatch")]


def test_the_cli_verifies_replays_and_prints_the_digest(
    client: Client, runtime: Runtime, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    [order_id, *_] = book(client, runtime)
    settings: Settings = runtime.settings
    monkeypatch.setattr(Settings, "from_env", staticmethod(lambda: settings))
    assert main(["audit", "digest"]) == 0
    position, digest = capsys.readouterr().out.strip().split(":")
    assert main(["audit", "verify", "--digest", f"{position}:{digest}"]) == 0
    assert "intact" in capsys.readouterr().out
    assert main(["audit", "replay", order_id]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert json.loads(lines[0])["topic"] == "OrderPlaced"
    assert '"stage": "signed"' in lines[-1]
    assert main(["audit", "history", order_id, "--until", "2000-01-01T00:00:00Z"]) == 0
    assert capsys.readouterr().out == ""
    store = runtime.storage.read_store
    tamper(store, "UPDATE {events} SET state = ? WHERE {pos} = 1",
           (hashlib.sha256(b"forged").digest(),))  # fmt: skip
    assert main(["audit", "verify"]) == 1
    assert "position 1: altered" in capsys.readouterr().out
