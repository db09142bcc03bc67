"""Signed drawings move a designing order to material prep, once, whatever crashes."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.deciders import ORDER
from domain.order.events import StageAdvanced
from domain.stages import Stage
from domain.task import TaskAssigned
from infrastructure.daemon.runner import ProjectionRunner
from policies import outbox
from policies.outbox import Dispatcher
from policies.when_documents_confirmed_pass_stage_gate import NAME, StageGatePolicy
from tests.api.conftest import order_body
from tests.policies.conftest import Client, Crash, Crashing, ok

DRAWING = b"%PDF-1.7 conveyor frame" * 50


def order_in(client: Client, stage: Stage) -> str:
    order_id = ok(client.post("/orders", json=order_body()))["aggregate_id"]
    ok(client.post(f"/orders/{order_id}/sign", json={
        "contract_number": "HT-1", "signed_at": "2025-12-21T10:00:00+08:00"}))  # fmt: skip
    if stage is Stage.DESIGNING:
        advance(client, order_id, Stage.DESIGNING, "2025-12-22T09:00:00+08:00")
    return str(order_id)


def advance(client: Client, order_id: str, stage: Stage, at: str) -> None:
    ok(client.post(f"/orders/{order_id}/advance", json={"to_stage": stage.value, "at": at}))


def sign_drawings(client: Client, order_id: str) -> None:
    uploaded = ok(client.post(
        f"/orders/{order_id}/documents",
        files={"file": ("frame.pdf", DRAWING, "application/pdf")},
        data={"kind": "design_drawing", "title": "Frame", "uploaded_at": "2025-12-23T10:00:00Z"},
    ))  # fmt: skip
    ok(client.post(
        f"/documents/{uploaded['aggregate_id']}/versions/{uploaded['label']}/confirm",
        json={"sha256": hashlib.sha256(DRAWING).hexdigest(), "signer": "Wang Wei",
              "signed_at": "2025-12-24T16:00:00+08:00"},
    ))  # fmt: skip


def run_policy(runtime: Runtime, policy: Any = None) -> None:
    store = runtime.storage
    ProjectionRunner(
        policy or StageGatePolicy(), store.log, store.mapper, store.read_store, batch_size=7
    ).catch_up()


def stage_changes(runtime: Runtime, order_id: str) -> list[Stage]:
    history = runtime.service.history(UUID(order_id))
    return [r.event.to_stage for r in history if isinstance(r.event, StageAdvanced)]


def test_signed_drawings_move_the_order_to_material_prep_and_task_purchasing(
    client: Client, runtime: Runtime
) -> None:
    order_id = order_in(client, Stage.DESIGNING)
    sign_drawings(client, order_id)
    run_policy(runtime)
    assert runtime.dispatcher.dispatch_once() == 2

    state = runtime.service.load(ORDER, UUID(order_id))
    assert state.stage is Stage.MATERIAL_PREP
    [rows_advance, rows_task] = sorted(
        outbox.commands(runtime.storage.read_store, policy=NAME), key=lambda r: r["command_id"]
    )
    assert rows_advance["status"] == rows_task["status"] == "done"
    task_id = UUID(rows_task["aggregate_id"])
    [assigned] = [r.event for r in runtime.service.history(task_id)]
    assert isinstance(assigned, TaskAssigned)
    assert assigned.role == "purchasing_manager"
    assert "bill of materials" in assigned.title
    history = runtime.service.history(UUID(order_id))
    assert history[-1].actor == f"policy:{NAME}"


def upload(client: Client, order_id: str, content: bytes, title: str) -> dict[str, Any]:
    file = {"file": (f"{title}.pdf", content, "application/pdf")}
    return dict(ok(client.post(f"/orders/{order_id}/documents", files=file, data={
        "kind": "design_drawing", "title": title, "uploaded_at": "2025-12-23T10:00:00Z",
        "change_note": "thicker frame"})))  # fmt: skip


def confirm(client: Client, uploaded: dict[str, Any], content: bytes, at: str) -> None:
    ok(client.post(
        f"/documents/{uploaded['aggregate_id']}/versions/{uploaded['label']}/confirm",
        json={"sha256": hashlib.sha256(content).hexdigest(), "signer": "Wang Wei",
              "signed_at": at},
    ))  # fmt: skip


def test_the_gate_waits_for_every_drawing_of_the_order(client: Client, runtime: Runtime) -> None:
    """Reported: the gate passed on the first signed drawing while another drawing of
    the order awaited the customer."""
    order_id = order_in(client, Stage.DESIGNING)
    frame, belt = DRAWING, b"%PDF-1.7 belt" * 50
    first, second = upload(client, order_id, frame, "Frame"), upload(client, order_id, belt, "Belt")
    confirm(client, first, frame, "2025-12-24T16:00:00+08:00")
    run_policy(runtime)
    assert runtime.dispatcher.dispatch_once() == 0
    assert stage_changes(runtime, order_id) == [Stage.DESIGNING]
    # A new version of the signed drawing goes back to the customer, too.
    revised = upload(client, order_id, frame + b" rev", "Frame")
    confirm(client, second, belt, "2025-12-25T11:00:00+08:00")
    run_policy(runtime)
    assert runtime.dispatcher.dispatch_once() == 0
    confirm(client, revised, frame + b" rev", "2025-12-26T09:30:00+08:00")
    run_policy(runtime)
    assert runtime.dispatcher.dispatch_once() == 2
    assert stage_changes(runtime, order_id) == [Stage.DESIGNING, Stage.MATERIAL_PREP]
    moved = runtime.service.history(UUID(order_id))[-1].event
    assert moved.at.isoformat() == "2025-12-26T01:30:00+00:00"  # the last confirmation


def test_the_gate_waits_for_the_design_stage(client: Client, runtime: Runtime) -> None:
    order_id = order_in(client, Stage.SIGNED)
    sign_drawings(client, order_id)
    run_policy(runtime)
    assert runtime.dispatcher.dispatch_once() == 0  # drawings signed, but not designing yet
    advance(client, order_id, Stage.DESIGNING, "2025-12-26T09:00:00+08:00")
    run_policy(runtime)
    runtime.dispatcher.dispatch_once()
    assert stage_changes(runtime, order_id) == [Stage.DESIGNING, Stage.MATERIAL_PREP]


def test_a_dispatcher_killed_after_executing_applies_the_command_once(
    client: Client, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id = order_in(client, Stage.DESIGNING)
    sign_drawings(client, order_id)
    run_policy(runtime)

    def killed(*_: Any) -> None:
        raise Crash  # executed, but the process died before marking it done

    with monkeypatch.context() as patch:
        patch.setattr(Dispatcher, "_settle", killed)
        with pytest.raises(Crash):
            runtime.dispatcher.dispatch_once()
    assert len(outbox.commands(runtime.storage.read_store, status="pending")) == 2

    restarted = Dispatcher(runtime.storage.read_store, runtime.service)
    assert restarted.dispatch_once() == 2
    assert restarted.dispatch_once() == 0
    assert stage_changes(runtime, order_id) == [Stage.DESIGNING, Stage.MATERIAL_PREP]


def test_a_policy_killed_mid_batch_or_replayed_from_zero_fires_once(
    client: Client, runtime: Runtime
) -> None:
    order_id = order_in(client, Stage.DESIGNING)
    sign_drawings(client, order_id)
    run_policy(runtime, Crashing(StageGatePolicy(), after=5))  # dies mid-batch, is re-run singly
    run_policy(runtime, StageGatePolicy(f"{NAME}_replayed"))  # the whole log delivered again
    assert len(outbox.commands(runtime.storage.read_store)) == 2
    runtime.dispatcher.dispatch_once()
    run_policy(runtime, StageGatePolicy(f"{NAME}_again"))  # and again, after dispatch
    runtime.dispatcher.dispatch_once()
    assert stage_changes(runtime, order_id) == [Stage.DESIGNING, Stage.MATERIAL_PREP]


def test_an_order_moved_on_by_hand_is_refused_visibly_not_moved_twice(
    client: Client, runtime: Runtime
) -> None:
    order_id = order_in(client, Stage.DESIGNING)
    sign_drawings(client, order_id)
    run_policy(runtime)
    advance(client, order_id, Stage.MATERIAL_PREP, "2025-12-25T08:00:00+08:00")
    runtime.dispatcher.dispatch_once()
    [advance_row] = [
        r
        for r in outbox.commands(runtime.storage.read_store)
        if "->" in r["command_id"] and not r["command_id"].endswith(":task")
    ]
    assert advance_row["status"] == "refused"
    assert stage_changes(runtime, order_id) == [Stage.DESIGNING, Stage.MATERIAL_PREP]


def test_operators_see_what_the_policies_decided(client: Client, runtime: Runtime) -> None:
    order_id = order_in(client, Stage.DESIGNING)
    sign_drawings(client, order_id)
    run_policy(runtime)
    assert len(ok(client.get("/policies/commands", params={"status": "pending"}))) == 2
    runtime.dispatcher.dispatch_once()
    done = ok(client.get("/policies/commands", params={"policy": NAME}))
    assert [row["status"] for row in done] == ["done", "done"]
    assert client.get("/policies/commands", params={"status": "lost"}).status_code == 400


def test_an_order_on_hold_passes_the_gate_only_when_resumed(
    client: Client, runtime: Runtime
) -> None:
    order_id = order_in(client, Stage.DESIGNING)
    ok(client.post(f"/orders/{order_id}/hold", json={
        "reason": "customer reviewing", "at": "2025-12-23T08:00:00+08:00"}))  # fmt: skip
    sign_drawings(client, order_id)
    run_policy(runtime)
    assert runtime.dispatcher.dispatch_once() == 0
    ok(client.post(f"/orders/{order_id}/resume", json={"at": "2025-12-27T08:00:00+08:00"}))
    run_policy(runtime)
    assert runtime.dispatcher.dispatch_once() == 2
    assert stage_changes(runtime, order_id) == [Stage.DESIGNING, Stage.MATERIAL_PREP]
