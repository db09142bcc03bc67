"""The running system: storage, the application service and the projection threads."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import msgspec
from eventsourcing.persistence import EventStore
from litestar.di import NamedDependency

from api.read_cache import ReadCache
from api.settings import Settings
from application.service import ApplicationService, CommandMeta
from domain.deciders import RULEBOOK
from domain.personal import ContactPerson, Sealed
from domain.rulebook import RULEBOOK_ID, missing_publications
from infrastructure.blobs import BlobStore
from infrastructure.daemon.live import Hearing, LiveProjection
from infrastructure.daemon.runner import TRANSIENT, Projection
from infrastructure.keyring import Keyring
from infrastructure.log_digests import DigestKey
from infrastructure.postgres.async_log import AsyncLog
from infrastructure.postgres.listener import Listener, MovedStreams, Subscriber
from infrastructure.postgres.recorder import PostgresLogRecorder
from infrastructure.read_store import PostgresReadStore
from infrastructure.signing import SigningKey, load_secret
from infrastructure.storage import Storage, open_storage
from policies import (
    when_alert_raised_notify_owners,
    when_documents_confirmed_pass_stage_gate,
    when_dunning_list_compiled_notify_salespeople,
    when_invoice_settled_rate_customer_credit,
    when_order_awaits_approval_assign_approver,
    when_order_captured_reserve_stock,
    when_order_enters_stage_assign_task,
    when_order_leaves_stage_close_its_tasks,
    when_order_placed_from_quote_accept_quote,
    when_order_progresses_bill_milestones,
    when_order_progresses_predict_completion,
    when_order_progresses_tell_the_customer,
    when_order_signed_recognise_revenue,
    when_order_slips_raise_exception,
    when_order_triggers_workflow_rules_act,
    when_stock_runs_short_warn_order,
    when_task_assigned_notify_assignee,
)
from policies.clock import Clock
from policies.delivery import Deliverer
from policies.outbox import Dispatcher
from policies.webhook_delivery import WebhookDeliverer
from projections import audit_digests, webhook_outbox
from projections.audit_chain import AuditChainProjection
from projections.audit_digests import AuditDigestsProjection
from projections.audit_trail import AuditTrailProjection
from projections.customers import CustomersProjection
from projections.documents import DocumentsProjection
from projections.dunning_lists import DunningListsProjection
from projections.order_alerts import OrderAlertsProjection
from projections.order_list import OrderListProjection
from projections.receivables import ReceivablesProjection
from projections.revenue import RevenueProjection
from projections.sales import SalesProjection
from projections.stock import StockProjection
from projections.tasks import TasksProjection
from projections.webhook_outbox import WebhookOutboxProjection

log = logging.getLogger(__name__)
_sealed = msgspec.json.Decoder(Sealed)

# Every read model, by name, with how to make a copy of it under a given name.
PROJECTIONS: dict[str, Callable[[str], Projection]] = {
    "order_list": OrderListProjection,
    "documents": DocumentsProjection,
    "receivables": ReceivablesProjection,
    "dunning_lists": DunningListsProjection,
    "order_alerts": OrderAlertsProjection,
    "tasks": TasksProjection,
    "stock": StockProjection,
    "audit_chain": AuditChainProjection,
    "audit_trail": AuditTrailProjection,
    "revenue": RevenueProjection,
    "sales": SalesProjection,
    "customers": CustomersProjection,
    # Policies are projections whose output is commands (see policies.outbox).
    when_documents_confirmed_pass_stage_gate.NAME: (
        when_documents_confirmed_pass_stage_gate.StageGatePolicy
    ),
    when_order_progresses_bill_milestones.NAME: (
        when_order_progresses_bill_milestones.BillMilestonesPolicy
    ),
    when_invoice_settled_rate_customer_credit.NAME: (
        when_invoice_settled_rate_customer_credit.RateCustomerCreditPolicy
    ),
    when_task_assigned_notify_assignee.NAME: (
        when_task_assigned_notify_assignee.NotifyAssigneePolicy
    ),
    when_dunning_list_compiled_notify_salespeople.NAME: (
        when_dunning_list_compiled_notify_salespeople.NotifySalespeoplePolicy
    ),
    when_order_slips_raise_exception.NAME: when_order_slips_raise_exception.RaiseExceptionPolicy,
    when_order_progresses_predict_completion.NAME: (
        when_order_progresses_predict_completion.PredictCompletionPolicy
    ),
    when_order_enters_stage_assign_task.NAME: (
        when_order_enters_stage_assign_task.AssignStageTasksPolicy
    ),
    when_order_leaves_stage_close_its_tasks.NAME: (
        when_order_leaves_stage_close_its_tasks.CloseStageTasksPolicy
    ),
    when_order_awaits_approval_assign_approver.NAME: (
        when_order_awaits_approval_assign_approver.AssignApproverPolicy
    ),
    when_order_captured_reserve_stock.NAME: when_order_captured_reserve_stock.ReserveStockPolicy,
    when_stock_runs_short_warn_order.NAME: when_stock_runs_short_warn_order.WarnOrderPolicy,
    when_alert_raised_notify_owners.NAME: when_alert_raised_notify_owners.NotifyAlertOwnersPolicy,
    when_order_placed_from_quote_accept_quote.NAME: (
        when_order_placed_from_quote_accept_quote.AcceptQuotePolicy
    ),
    when_order_signed_recognise_revenue.NAME: (
        when_order_signed_recognise_revenue.RecogniseRevenuePolicy
    ),
    when_order_progresses_tell_the_customer.NAME: (
        when_order_progresses_tell_the_customer.TellCustomerPolicy
    ),
    when_order_triggers_workflow_rules_act.NAME: (
        when_order_triggers_workflow_rules_act.WorkflowActionsPolicy
    ),
}


def service_over(
    storage: Storage,
    clock: Callable[[], datetime] | None = None,
    seal: Callable[[bytes], str] | None = None,
) -> ApplicationService:
    """The application service over `storage`'s log, snapshots and positions; `seal`
    (the installation's MAC) seals what each command writes."""
    return ApplicationService(
        events=EventStore(storage.mapper, storage.log),
        snapshots=storage.snapshots,
        position_of=storage.position_of,
        clock=clock or (lambda: datetime.now(UTC)),
        backoff=_jittered_sleep,
        seal=seal,
    )


def _jittered_sleep(attempt: int) -> None:
    """Back off after losing a write race, so contenders stop colliding in lockstep."""
    time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))  # noqa: S311 - not crypto


class Runtime:
    def __init__(self, settings: Settings, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.zone = settings.zone  # the company's; a bad name stops the start here
        self.storage: Storage = open_storage(settings.database_url, settings.sqlite_path)
        self.signing = SigningKey.load(settings.signing_key, settings.signing_key_file)
        self.digest_key = DigestKey.load(settings.digest_key_file)
        self.service: ApplicationService = service_over(self.storage, clock, self.signing.mac)
        self.clock = self.service.clock
        self.blobs = BlobStore(settings.blobs_path, max_bytes=settings.upload_limit)
        self.token_key = load_secret(settings.token_key, settings.token_key_file)
        self.keyring = Keyring(self.storage.read_store)
        self.read_cache = ReadCache(settings.read_cache_size, trail=settings.read_cache_trail)
        read_store = self.storage.read_store
        # On PostgreSQL an API process hears each read model's batches (`start_loop`).
        self.hearing = (
            Hearing(read_store.channel_name) if isinstance(read_store, PostgresReadStore) else None
        )
        self.projections: dict[str, LiveProjection] = {
            name: LiveProjection(
                name,
                make,
                self.storage.log,
                self.storage.mapper,
                self.storage.read_store,
                lease=self.storage.lease_for(name),
                hearing=self.hearing,
            )
            for name, make in self._projection_makers().items()
        }
        self.dispatcher = Dispatcher(self.storage.read_store, self.service)
        self.deliverer = Deliverer(
            self.storage.read_store, settings.smtp, self.clock, self._contact_email
        )
        self.webhooks = WebhookDeliverer(
            self.storage.read_store, lambda: self.projections[webhook_outbox.NAME].copy,
            lambda sid: self.signing.derive(f"webhook:{sid}"), self.clock,
            owner=f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}",
        )  # fmt: skip
        self.schedule = Clock(
            self.service,
            self.storage.read_store,
            lambda name: self.projections[name].copy,
            now=self.clock,
            settled=self._clock_reads_settled,
        )
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: list[LiveProjection] = []  # the projections this process runs
        self.async_log: AsyncLog | None = None  # on PostgreSQL, while the app serves
        self._listening: asyncio.Task[None] | None = None  # the listener, on the loop

    def _projection_makers(self) -> dict[str, Callable[[str], Projection]]:
        """Every read model's maker; the period digests sign with this installation's key."""
        digests = functools.partial(AuditDigestsProjection, key=self.digest_key,
                                    mapper=self.storage.mapper)  # fmt: skip
        webhooks = functools.partial(WebhookOutboxProjection, mapper=self.storage.mapper)
        return {**PROJECTIONS, audit_digests.NAME: digests, webhook_outbox.NAME: webhooks}

    def _clock_reads_settled(self, timeout: float = 60) -> bool:
        """Have the read models the clock reads caught up with the log's head? Waits up
        to `timeout`, and gives up at once when the runtime is stopping."""
        head = self.storage.read_store.head()
        lives = [self.projections[n] for n in ("receivables", "order_alerts", "tasks", "sales",
                                                    "order_list")]  # fmt: skip
        deadline = time.monotonic() + timeout
        while not self._stop.is_set() and time.monotonic() < deadline:
            if all(live.wait_for(head, timeout=0.5) for live in lives):
                return True
        return False

    def bootstrap(self) -> None:
        """Publish the default of every part of the rulebook not yet published.

        Parts already published (default or not) are left alone; concurrent first
        starts use the same command ids, so they publish once.
        """
        for i, command in missing_publications(self.service.load(RULEBOOK, RULEBOOK_ID)):
            meta = CommandMeta(command_id=f"bootstrap-rulebook-{i}", actor="system")
            self.service.execute(RULEBOOK, RULEBOOK_ID, command, meta)

    def start(self) -> None:
        self.bootstrap()
        if self.settings.run_projections:
            self.run_projections(set(self.projections))
            self.run_dispatcher()
            if self.settings.run_clock:
                self.schedule.start()

    def _contact_email(self, sealed_json: str) -> str | None:
        """The e-mail of a sealed contact person, None once its subject was erased."""
        contact = self.keyring.open(_sealed.decode(sealed_json), ContactPerson)
        return None if contact is None else contact.email

    def _moved_streams(self, log_recorder: PostgresLogRecorder) -> MovedStreams:
        return MovedStreams(log_recorder.channel_name, self.service.cache)

    def watch_appends(self) -> None:
        """On PostgreSQL, hear every process's appends in a background thread, so the
        service decides commands on states no other process has moved since (on one
        SQLite file a refused append is the only news, and enough)."""
        if isinstance(self.storage.log, PostgresLogRecorder):
            listener = Listener(self.settings.database_url, [self._moved_streams(self.storage.log)])
            thread = threading.Thread(target=listener.run, args=(self._stop,),
                                      name="append-listener", daemon=True)  # fmt: skip
            thread.start()
            self._threads.append(thread)

    async def start_loop(self) -> None:
        """What an API process runs on its event loop, on PostgreSQL: the log for
        commands appended from the loop (see `api.orders.run_command_async`), and a
        task listening for the log's appends and the read models' batches. Elsewhere
        commands run in worker threads."""
        log_recorder = self.storage.log
        if not isinstance(log_recorder, PostgresLogRecorder):
            return
        log_from_loop = AsyncLog(self.settings.database_url, log_recorder, self.storage.mapper)
        await log_from_loop.open()
        self.async_log = log_from_loop
        subscribers: list[Subscriber] = [self._moved_streams(log_recorder)]
        if self.hearing is not None:
            subscribers.append(self.hearing)
        listening = Listener(self.settings.database_url, subscribers).run_async()
        self._listening = asyncio.get_running_loop().create_task(listening)

    async def stop_loop(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
            self._listening = None
        if self.async_log is not None:
            log_from_loop, self.async_log = self.async_log, None
            await log_from_loop.close()

    def run_projections(self, names: set[str]) -> None:
        """Keep these projections up to date in background threads (each under its lease)."""
        for runner in (self.projections[name] for name in sorted(names)):
            self._running.append(runner)
            thread = threading.Thread(
                target=runner.run_forever,
                args=(self._stop,),
                name=f"projection-{runner.name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def run_dispatcher(self, poll_interval: float = 0.5) -> None:
        """Execute the policies' pending commands, and deliver their notifications, in
        background threads (a slow mail server never holds up commands)."""
        for target, name in ((self._dispatch_forever, "dispatcher"),
                             (self._deliver_forever, "delivery")):  # fmt: skip
            thread = threading.Thread(target=target, args=(poll_interval,), name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _deliver_forever(self, poll_interval: float) -> None:
        while not self._stop.is_set():
            try:
                if self.deliverer.deliver_once() + self.webhooks.deliver_once():
                    continue
            except TRANSIENT:
                log.warning("delivery: the store is unavailable; retrying", exc_info=True)
            self._stop.wait(poll_interval * 4)

    def _dispatch_forever(self, poll_interval: float) -> None:
        while not self._stop.is_set():
            try:
                if self.dispatcher.dispatch_once():
                    self.notify_written()
                    continue
            except TRANSIENT:
                log.warning("dispatcher: the store is unavailable; retrying", exc_info=True)
            self._stop.wait(poll_interval)

    def notify_written(self) -> None:
        """Wake the projections this process runs (an API process may run none)."""
        for runner in self._running:
            runner.wake.set()

    def request_stop(self) -> None:
        self._stop.set()

    def wait(self) -> None:
        """Block until `stop` is called (e.g. from a signal handler)."""
        self._stop.wait()

    def stop(self) -> None:
        self._stop.set()
        self.schedule.stop()
        self.notify_written()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self._running.clear()
        self.storage.close()


# How route handlers ask for the runtime (an explicit, named dependency).
RuntimeDep = NamedDependency[Runtime]
