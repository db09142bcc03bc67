"""Tamper evidence: every stored record chained by hash to its predecessor.

The chain is a projection of the log's records as stored (bytes, not decoded
events, so an upgrade that adds a defaulted field never breaks it): for each
position, the hash of the record (stream, version, topic, stored bytes) and the
chain hash, sha256(previous chain hash, position, record hash). The chain hash
at the head is the log's running digest: export it and keep it elsewhere.

`verify` re-reads the log and the chain and reports, by position, each record
altered (its bytes changed), moved (another stream or version now stands at
its position: reordered or renumbered), removed (its position is gone) or
inserted (a record the chain never saw, below its head - also when the records
after it were renumbered to make room), and whether the chain itself was
edited; given an exported digest, it also proves the chain up to that position
is the one that was exported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import NamedTuple
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Notification

from infrastructure.log_digests import record_hash
from infrastructure.read_store import ReadStore, Row, Tx

NAME = "audit_chain"
GENESIS = "0" * 64
BATCH = 20_000


def chain_hash(previous: str, position: int, record: str) -> str:
    return hashlib.sha256(f"{previous}:{position}:{record}".encode()).hexdigest()


class AuditChainProjection:
    topics: frozenset[str] = frozenset()  # it reads records, not events

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name

    def tables(self) -> list[str]:
        return [self.table]

    def schema(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.table} (position BIGINT PRIMARY KEY, "
            "originator_id TEXT NOT NULL, originator_version BIGINT NOT NULL, "
            "topic TEXT NOT NULL, record_hash TEXT NOT NULL, chain_hash TEXT NOT NULL)"
        ]

    def apply(self, tx: Tx, events: Sequence[object]) -> None:  # noqa: ARG002
        """Never called: the runner gives a raw projection its records instead."""
        raise TypeError("the audit chain reads stored records, not events")

    def apply_notifications(self, tx: Tx, notifications: Sequence[Notification]) -> None:
        tx.execute(
            f"SELECT chain_hash FROM {self.table} ORDER BY position DESC LIMIT 1"  # noqa: S608
        )
        found = tx.fetchone()
        previous = found["chain_hash"] if found else GENESIS
        rows = []
        for n in notifications:
            record = record_hash(n)
            previous = chain_hash(previous, n.id, record)
            rows.append((n.id, str(n.originator_id), n.originator_version, n.topic, record,
                         previous))  # fmt: skip
        tx.executemany(f"INSERT INTO {self.table} VALUES (?, ?, ?, ?, ?, ?)", rows)  # noqa: S608


class Finding(NamedTuple):
    position: int
    kind: str  # altered | moved | removed | inserted | chain_edited | digest_mismatch
    detail: str


class Report(NamedTuple):
    checked: int  # records checked against the chain
    head: int  # the chain's last position
    digest: str  # the chain hash at `head`
    unchained: int  # records after the chain's head (not yet chained: projection lag)
    findings: list[Finding]

    @property
    def intact(self) -> bool:
        return not self.findings


def digest(store: ReadStore, table: str = NAME) -> tuple[int, str]:
    """The chain's head position and hash: the log's running digest, to keep elsewhere."""
    with store.transaction(commit=False) as tx:
        tx.execute(
            f"SELECT position, chain_hash FROM {table} ORDER BY position DESC LIMIT 1"  # noqa: S608
        )
        found = tx.fetchone()
    return (0, GENESIS) if found is None else (found["position"], found["chain_hash"])


def positions(store: ReadStore, originator_id: UUID, table: str = NAME) -> dict[int, int]:
    """Each version of a stream with its position in the log (as far as the chain got)."""
    with store.transaction(commit=False) as tx:
        tx.execute(f"SELECT originator_version, position FROM {table} "  # noqa: S608
                   "WHERE originator_id = ?", (str(originator_id),))  # fmt: skip
        return {int(r["originator_version"]): int(r["position"]) for r in tx.fetchall()}


def chain_rows(store: ReadStore, table: str) -> Iterator[Row]:
    after = 0
    while True:
        with store.transaction(commit=False) as tx:
            tx.execute(
                f"SELECT * FROM {table} WHERE position > ? ORDER BY position LIMIT ?",  # noqa: S608
                (after, BATCH),
            )
            rows = tx.fetchall()
        if not rows:
            return
        yield from rows
        after = int(rows[-1]["position"])


def log_records(log: ApplicationRecorder) -> Iterator[Notification]:
    """Every stored record, in log order, a page at a time."""
    after = 0
    while True:
        batch = log.select_notifications(start=after, limit=BATCH, inclusive_of_start=False)
        if not batch:
            return
        yield from batch
        after = batch[-1].id


def verify(
    log: ApplicationRecorder,
    store: ReadStore,
    *,
    table: str = NAME,
    expected: tuple[int, str] | None = None,
) -> Report:
    """Check every record against the chain, and the chain against itself (and against
    an exported digest `expected` = (position, chain hash), if given)."""
    findings: list[Finding] = []
    chain = chain_rows(store, table)
    records = log_records(log)
    row, record = next(chain, None), next(records, None)
    previous, checked, head, unchained = GENESIS, 0, 0, 0
    shift = 0  # records inserted so far with the ones after them renumbered
    while row is not None or record is not None:
        if row is not None and (record is None or int(row["position"]) < record.id - shift):
            position = int(row["position"])
            findings.append(Finding(position, "removed", f"{_what(row)} is gone from the log"))
            previous = _check_link(row, previous, findings)
            head, row = position, next(chain, None)
            continue
        assert record is not None
        if row is None:
            unchained += 1
            record = next(records, None)
            continue
        position = int(row["position"])
        if record.id - shift < position:
            findings.append(Finding(record.id, "inserted",
                                    f"stream {record.originator_id} v{record.originator_version} "
                                    "was never chained"))  # fmt: skip
            record = next(records, None)
            continue
        checked += 1
        if (str(record.originator_id), record.originator_version) != (
            row["originator_id"], row["originator_version"]):  # fmt: skip
            if not _chained(store, table, record):
                # Never chained anywhere: inserted, and what follows renumbered to make room.
                findings.append(Finding(record.id, "inserted",
                                        f"stream {record.originator_id} "
                                        f"v{record.originator_version} was never chained; the "
                                        "records after it were renumbered"))  # fmt: skip
                shift, checked, record = shift + 1, checked - 1, next(records, None)
                continue
            findings.append(Finding(position, "moved",
                                    f"{_what(row)} was here; now stream {record.originator_id} "
                                    f"v{record.originator_version}"))  # fmt: skip
        elif record_hash(record) != row["record_hash"]:
            findings.append(Finding(position, "altered", f"{_what(row)} was changed"))
        previous = _check_link(row, previous, findings)
        head = position
        row, record = next(chain, None), next(records, None)
    if expected is not None:
        _check_digest(store, table, expected, findings)
    findings.sort()
    return Report(checked=checked, head=head, digest=previous, unchained=unchained,
                  findings=findings)  # fmt: skip


def _chained(store: ReadStore, table: str, record: Notification) -> bool:
    """Whether the chain holds `record`'s stream and version at any position."""
    with store.transaction(commit=False) as tx:
        tx.execute(f"SELECT 1 AS found FROM {table} WHERE originator_id = ? "  # noqa: S608
                   "AND originator_version = ? LIMIT 1",
                   (str(record.originator_id), record.originator_version))  # fmt: skip
        return tx.fetchone() is not None


def _what(row: Row) -> str:
    return f"{row['topic']} of stream {row['originator_id']} v{row['originator_version']}"


def _check_link(row: Row, previous: str, findings: list[Finding]) -> str:
    position = int(row["position"])
    if chain_hash(previous, position, str(row["record_hash"])) != row["chain_hash"]:
        findings.append(Finding(position, "chain_edited", "the chain's own row was edited"))
    return str(row["chain_hash"])


def _check_digest(
    store: ReadStore, table: str, expected: tuple[int, str], findings: list[Finding]
) -> None:
    position, wanted = expected
    with store.transaction(commit=False) as tx:
        tx.execute(f"SELECT chain_hash FROM {table} WHERE position = ?", (position,))  # noqa: S608
        found = tx.fetchone()
    if found is None or found["chain_hash"] != wanted:
        detail = "the chain up to here is not the one whose digest was exported"
        findings.append(Finding(position, "digest_mismatch", detail))
