"""The policies' command outbox: decided exactly once, executed at least once, applied once.

A policy is a projection whose output is commands. It writes each command into
this table in the same transaction as its own rows and tracking position, so a
crash never loses or duplicates a decision. The dispatcher then executes pending
commands through the application service and marks them; a crash between the
two re-executes the command, and its command id (derived from the policy and the
facts that caused it) makes the service answer with the first result instead of
applying it again. A command the domain refuses (the order moved on by hand, say)
is marked refused with the rule, visible, never retried.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple
from uuid import UUID

import msgspec

from application.service import ApplicationService, CommandMeta
from domain.decider import Decider
from domain.deciders import DECIDERS
from domain.envelope import Recorded
from domain.shared import DomainError
from infrastructure.daemon.runner import TRANSIENT
from infrastructure.read_store import ReadStore, Row, Tx, utc_text

log = logging.getLogger(__name__)

TABLE = "policy_commands"
SCHEMA = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (command_id TEXT PRIMARY KEY, policy TEXT NOT NULL, "
    "aggregate_type TEXT NOT NULL, aggregate_id TEXT NOT NULL, command TEXT NOT NULL, "
    "correlation_id TEXT NOT NULL, causation_id TEXT NOT NULL, caused_at TEXT NOT NULL, "
    "status TEXT NOT NULL, outcome TEXT NOT NULL, attempts BIGINT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_pending ON {TABLE} (status, caused_at)",
]

# The aggregates a policy may command, with the type its commands decode to.
# Which decider a queued command goes to, by its aggregate type's name.
TARGETS: dict[str, Decider[Any, Any, Any]] = {decider.name: decider for decider in DECIDERS}


class Intent(NamedTuple):
    """A command a policy decided on, with its idempotency key and target aggregate."""

    command_id: str
    target: Decider[Any, Any, Any]
    aggregate_id: UUID
    command: Any


def enqueue(tx: Tx, policy: str, intent: Intent, cause: Recorded[Any]) -> None:
    """Add a command decided by `policy`, once: the same command id again is ignored."""
    tx.execute(
        f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', '', 0) "  # noqa: S608
        "ON CONFLICT (command_id) DO NOTHING",
        (
            intent.command_id,
            policy,
            intent.target.name,
            str(intent.aggregate_id),
            msgspec.json.encode(intent.command).decode(),
            cause.correlation_id,
            cause.command_id,
            utc_text(cause.timestamp),
        ),
    )


def commands(
    store: ReadStore, *, status: str | None = None, policy: str | None = None
) -> list[Row]:
    """The outbox's rows, oldest first, optionally of one status or policy."""
    where = [(c, v) for c, v in (("status", status), ("policy", policy)) if v is not None]
    clause = " AND ".join(f"{c} = ?" for c, _ in where) or "1 = 1"
    with store.transaction(commit=False) as tx:
        tx.execute(
            f"SELECT * FROM {TABLE} WHERE {clause} ORDER BY caused_at, command_id",  # noqa: S608
            [v for _, v in where],
        )
        return tx.fetchall()


class Dispatcher:
    """Executes pending commands through the service and records how each ended."""

    def __init__(self, store: ReadStore, service: ApplicationService) -> None:
        self.store = store
        self.service = service
        store.create(SCHEMA)

    def dispatch_once(self, limit: int = 100) -> int:
        """Execute up to `limit` pending commands; returns how many were settled."""
        pending = commands(self.store, status="pending")[:limit]
        for row in pending:
            self._dispatch(row)
        return len(pending)

    def _dispatch(self, row: Row) -> None:
        target = TARGETS[row["aggregate_type"]]
        command = msgspec.json.decode(row["command"], type=target.commands)
        meta = CommandMeta(
            command_id=row["command_id"],
            actor=f"policy:{row['policy']}",
            correlation_id=row["correlation_id"],
            causation_id=row["causation_id"],
        )
        try:
            outcome = self.service.execute(target, UUID(row["aggregate_id"]), command, meta)
        except TRANSIENT:
            raise  # the store is away: leave it pending for the next round
        except DomainError as refused:
            log.warning("policy %s: %s refused: %s", row["policy"], row["command_id"], refused)
            self._settle(row, "refused", f"{refused.rule}: {refused}")
            return
        self._settle(row, "done", f"version {outcome.version} at position {outcome.position}")

    def _settle(self, row: Row, status: str, outcome: str) -> None:
        with self.store.transaction(commit=True) as tx:
            tx.execute(
                f"UPDATE {TABLE} SET status = ?, outcome = ?, attempts = attempts + 1 "  # noqa: S608
                "WHERE command_id = ?",
                (status, outcome, row["command_id"]),
            )
