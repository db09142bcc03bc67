"""Notifications reach people by real SMTP and HTTP, once per cause, retried, never lost."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import UUID

import pytest
from aiosmtpd.controller import Controller

from api.runtime import Runtime
from application.service import CommandMeta
from domain.deciders import DIRECTORY, DUNNING, TASK
from domain.directory import DIRECTORY_ID, Contact, SetContact, WebhookFormat
from domain.dunning import CompileDunningList, DunningLine, dunning_list_id
from domain.shared import Money
from domain.task import AssignTask
from infrastructure.daemon.runner import ProjectionRunner
from policies import notifications
from policies.delivery import MAX_ATTEMPTS, Deliverer, SmtpSettings
from policies.when_dunning_list_compiled_notify_salespeople import NotifySalespeoplePolicy
from policies.when_task_assigned_notify_assignee import NotifyAssigneePolicy
from tests.policies.conftest import Client, Crashing, ok

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class Inbox:
    def __init__(self) -> None:
        self.mails: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mails.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, str], Any]] = []  # noqa: RUF012 - per test, reset below

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.path, dict(self.headers), body))
        status, answer = {"/down": (500, b"{}"), "/robot-error": (200, b'{"errcode": 93000}')}.get(
            self.path, (200, b'{"errcode": 0}'))  # fmt: skip
        self.send_response(status)
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def webhooks() -> Iterator[tuple[list[Any], str]]:
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Receiver.received, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class Clock:
    """The deliverer's clock: starts just after the (real) time the causes were recorded."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(minutes=1)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(runtime: Runtime, inbox: tuple[Inbox, int]) -> Clock:
    ticking = Clock()
    smtp = SmtpSettings(host="127.0.0.1", port=inbox[1], sender="orderhub@example.com")
    runtime.deliverer = Deliverer(runtime.storage.read_store, smtp, ticking)
    return ticking


def contact(runtime: Runtime, key: str, **channels: Any) -> None:
    command = SetContact(key=key, contact=Contact(name=key, **channels))
    meta = CommandMeta(command_id=f"dir-{key}-{channels}", actor="ops")
    runtime.service.execute(DIRECTORY, DIRECTORY_ID, command, meta)


def assign(runtime: Runtime, n: int = 1) -> None:
    command = AssignTask(order_id=UUID(int=9), role="purchasing_manager",
                         title="核对物料清单: check the bill of materials",
                         assigned_at=NOW, reason="order moved to material_prep")  # fmt: skip
    runtime.service.execute(TASK, UUID(int=100 + n), command,
                            CommandMeta(command_id=f"task-{n}", actor="t"))  # fmt: skip


def decide(runtime: Runtime, policy: Any) -> None:
    store = runtime.storage
    ProjectionRunner(policy, store.log, store.mapper, store.read_store).catch_up()


def rows(runtime: Runtime, status: str | None = None) -> list[dict[str, Any]]:
    return notifications.notifications(runtime.storage.read_store, status=status)


def test_an_assigned_task_is_mailed_and_posted_to_the_group_robot_once(
    runtime: Runtime, clock: Clock, inbox: tuple[Inbox, int], webhooks: tuple[list[Any], str]
) -> None:
    received, base = webhooks
    contact(runtime, "purchasing_manager", email="caigou@example.com",
            webhook_url=f"{base}/wecom", webhook_format=WebhookFormat.WECOM)  # fmt: skip
    assign(runtime)
    decide(runtime, NotifyAssigneePolicy())
    decide(runtime, NotifyAssigneePolicy("a_rebuilt_copy"))  # a replay decides nothing new
    assert len(rows(runtime)) == 2
    assert runtime.deliverer.deliver_once() == 2
    assert runtime.deliverer.deliver_once() == 0
    [mail] = inbox[0].mails
    assert mail["To"] == "caigou@example.com"
    assert "核对物料清单" in mail["Subject"]
    assert mail["Message-ID"].startswith("<when_task_assigned_notify_assignee.")
    [(path, headers, body)] = received
    assert path == "/wecom"
    assert body["msgtype"] == "markdown"
    assert "核对物料清单" in body["markdown"]["content"]
    assert headers["Idempotency-Key"].endswith(":webhook")
    assert {r["status"] for r in rows(runtime)} == {"sent"}


def test_each_salesperson_gets_their_lines_of_the_dunning_list(
    runtime: Runtime, clock: Clock, webhooks: tuple[list[Any], str]
) -> None:
    received, base = webhooks
    for person in ("li.na", "zhao"):
        contact(runtime, person, webhook_url=f"{base}/{person}",
                webhook_format=WebhookFormat.DINGTALK)  # fmt: skip
    cny = Money.of("100.00", "CNY")
    lines = tuple(
        DunningLine(salesperson=p, customer_id=c, customer_name=f"客户{c}", contract_number=c,
                    order_id=UUID(int=1), receivable_id=UUID(int=2), invoice_number=f"FP-{c}",
                    milestone="m1", due_on=date(2026, 1, 1), days_overdue=60, outstanding=cny,
                    level=2, level_name="正式催告", fee=Money.of("0", "CNY"),
                    interest=Money.of("0", "CNY"))
        for p, c in (("li.na", "A"), ("li.na", "B"), ("zhao", "C"))
    )  # fmt: skip
    runtime.service.execute(DUNNING, dunning_list_id(NOW),
                            CompileDunningList(scheduled_for=NOW, as_of=NOW.date(), lines=lines),
                            CommandMeta(command_id="dun", actor="clock"))  # fmt: skip
    decide(runtime, NotifySalespeoplePolicy())
    runtime.deliverer.deliver_once()
    by_path = {path: body for path, _, body in received}
    assert set(by_path) == {"/li.na", "/zhao"}
    assert "客户A" in by_path["/li.na"]["markdown"]["text"]
    assert "客户B" in by_path["/li.na"]["markdown"]["text"]
    assert "客户A" not in by_path["/zhao"]["markdown"]["text"]


def owed(person: str, c: str) -> DunningLine:
    zero = Money.of("0", "CNY")
    return DunningLine(salesperson=person, customer_id=c, customer_name=f"客户{c}",
                       contract_number=c, order_id=UUID(int=1), receivable_id=UUID(int=2),
                       invoice_number=f"FP-{c}", milestone="m1", due_on=date(2026, 1, 1),
                       days_overdue=60, outstanding=Money.of("100.00", "CNY"), level=2,
                       level_name="正式催告", fee=zero, interest=zero)  # fmt: skip


def test_a_later_revision_tells_each_salesperson_only_their_new_lines_once(
    runtime: Runtime,
) -> None:
    a, b, c = owed("li.na", "A"), owed("li.na", "B"), owed("zhao", "C")
    list_id = dunning_list_id(NOW)
    for n, (as_of, lines) in enumerate(((NOW.date(), (a, c)), (date(2026, 3, 4), (a, b, c)))):
        run = CompileDunningList(scheduled_for=NOW, as_of=as_of, lines=lines)
        for again in ("", "-again"):  # asked twice: the second run finds nothing new
            meta = CommandMeta(command_id=f"dun-{n}{again}", actor="clock")
            runtime.service.execute(DUNNING, list_id, run, meta)
    decide(runtime, NotifySalespeoplePolicy())
    decide(runtime, NotifySalespeoplePolicy("a_rebuilt_copy"))  # a replay decides nothing new
    told = sorted((r["recipient"], r["subject"], r["body"]) for r in rows(runtime))
    assert [(who, subject) for who, subject, _ in told] == [
        ("li.na", "催款清单 Dunning list 2026-03-02: 1"),
        ("li.na", "催款清单 Dunning list 2026-03-04 新增 new (revision 2): 1"),
        ("zhao", "催款清单 Dunning list 2026-03-02: 1"),
    ]
    monday, wednesday, zhao = (body.splitlines() for _, _, body in told)
    assert (monday[0][:6], zhao[0][:6]) == ("1. 客户A", "2. 客户C")
    assert wednesday[0].startswith("3. 客户B")  # line 3 of the list, as in its letter's URL
    assert len(wednesday) == 3  # B alone, then the link
    assert wednesday[-1] == f"/dunning-lists/{list_id}?salesperson=li.na&revision=2"


def test_a_failing_webhook_backs_off_then_fails_visibly_and_can_be_retried(
    runtime: Runtime, client: Client, clock: Clock, webhooks: tuple[list[Any], str]
) -> None:
    received, base = webhooks
    contact(runtime, "purchasing_manager", webhook_url=f"{base}/down")
    assign(runtime)
    decide(runtime, NotifyAssigneePolicy())
    assert runtime.deliverer.deliver_once() == 1
    [row] = rows(runtime)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "HTTPError" in row["last_error"]
    assert runtime.deliverer.deliver_once() == 0  # not due before the backoff has passed
    for _ in range(MAX_ATTEMPTS - 1):
        clock.now += timedelta(hours=1)
        runtime.deliverer.deliver_once()
    [failed] = ok(client.get("/notifications", params={"status": "failed"}))
    assert failed["attempts"] == MAX_ATTEMPTS
    assert len(received) == MAX_ATTEMPTS
    ok(client.post(f"/notifications/{failed['message_id']}/retry"))
    assert rows(runtime)[0]["status"] == "pending"


def test_a_robot_error_code_counts_as_a_failure(
    runtime: Runtime, clock: Clock, webhooks: tuple[list[Any], str]
) -> None:
    contact(runtime, "purchasing_manager", webhook_url=f"{webhooks[1]}/robot-error",
            webhook_format=WebhookFormat.DINGTALK)  # fmt: skip
    assign(runtime)
    decide(runtime, NotifyAssigneePolicy())
    runtime.deliverer.deliver_once()
    assert "errcode 93000" in rows(runtime)[0]["last_error"]


def test_a_crash_between_the_causes_and_their_messages_loses_and_repeats_nothing(
    runtime: Runtime, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    contact(runtime, "purchasing_manager", email="caigou@example.com")
    for n in range(3):
        assign(runtime, n)
    decide(runtime, Crashing(NotifyAssigneePolicy(), after=2))  # dies with two decided
    decide(runtime, NotifyAssigneePolicy())  # the restarted process goes on
    assert sorted(r["message_id"] for r in rows(runtime)) == [
        f"when_task_assigned_notify_assignee:{UUID(int=100 + n)}:email" for n in range(3)
    ]
    assert runtime.deliverer.deliver_once() == 3
    assert runtime.deliverer.deliver_once() == 0
    assert len(inbox[0].mails) == 3


def test_nobody_to_reach_is_recorded_as_failed_not_dropped(runtime: Runtime, clock: Clock) -> None:
    assign(runtime)
    decide(runtime, NotifyAssigneePolicy())
    [row] = rows(runtime, "failed")
    assert row["last_error"] == "no contact for 'purchasing_manager' in the directory"


def test_a_deliverer_that_dies_after_claiming_leaves_the_message_for_later(
    runtime: Runtime, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    contact(runtime, "purchasing_manager", email="caigou@example.com")
    assign(runtime)
    decide(runtime, NotifyAssigneePolicy())
    [row] = rows(runtime)
    assert runtime.deliverer._claim(row)  # then the process died before sending
    assert runtime.deliverer.deliver_once() == 0
    clock.now += timedelta(minutes=6)  # the claim's lease ran out
    assert runtime.deliverer.deliver_once() == 1
    assert len(inbox[0].mails) == 1
