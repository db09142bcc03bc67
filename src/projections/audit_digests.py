"""Signed period digests: at each revenue period's close, the log's Merkle root, signed.

A projection of the stored records, like the hash chain: it appends each record as
a leaf to a Merkle tree it holds as a frontier (a few dozen hashes, so the root is
known at every position without reading the log again), and when the record is a
revenue period's close it signs the root over the log up to and including it with
the installation's Ed25519 key. Ed25519 signatures are deterministic and the
digest's time is the close's recorded time, so a rebuild writes the same rows.

`verify_digests` grows the tree again from the audit chain's record hashes and
checks that every signed root is the root of the log as it stands now; together
with `audit verify` (the chain against the records) a record changed, removed or
inserted below a signed period shows. `prove` gives an inclusion proof of one record
under a signed digest, which `infrastructure.log_digests.check_proof` checks offline.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import datetime

from eventsourcing.persistence import Notification

from domain.decider import topic_of
from domain.revenue_periods import PeriodClosed
from infrastructure.log_digests import (
    DigestKey,
    InclusionProof,
    Record,
    SignedDigest,
    leaf_of,
    record_hash,
    signature_holds,
)
from infrastructure.mapper import MsgspecMapper
from infrastructure.merkle import Frontier, inclusion_path, root_of
from infrastructure.read_store import ReadStore, Row, Tx, utc_text
from projections.audit_chain import Finding, chain_rows

NAME = "audit_digests"
CLOSED = topic_of(PeriodClosed)
COLUMNS = ("tree_size", "position", "period", "root", "signed_at", "key_id", "public_key",
           "signature")  # fmt: skip


class AuditDigestsProjection:
    topics: frozenset[str] = frozenset()  # it reads records, not events

    def __init__(self, name: str = NAME, *, key: DigestKey, mapper: MsgspecMapper) -> None:
        """`key`: the installation's (a rebuild must sign with the same); `mapper`: the
        store's (it reads the closes' months, through any cipher the store uses)."""
        self.name = self.table = name
        self.frontier = f"{name}_frontier"
        self.key, self.mapper = key, mapper

    def tables(self) -> list[str]:
        return [self.table, self.frontier]

    def schema(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.table} (tree_size BIGINT PRIMARY KEY, "
            "position BIGINT NOT NULL, period TEXT NOT NULL, root TEXT NOT NULL, "
            "signed_at TEXT NOT NULL, key_id TEXT NOT NULL, public_key TEXT NOT NULL, "
            "signature TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.frontier} (id BIGINT PRIMARY KEY, "
            "tree_size BIGINT NOT NULL, position BIGINT NOT NULL, hashes TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[object]) -> None:  # noqa: ARG002
        """Never called: the runner gives a raw projection its records instead."""
        raise TypeError("the period digests read stored records, not events")

    def apply_notifications(self, tx: Tx, notifications: Sequence[Notification]) -> None:
        frontier, position = load_frontier(tx, self.frontier)
        signed = []
        for n in notifications:
            frontier.append(leaf_of(n.id, record_hash(n)))
            position = n.id
            if n.topic == CLOSED:
                closed = self.mapper.to_domain_event(n)
                digest = self.key.sign(tree_size=frontier.size, position=n.id,
                                       root=frontier.root(),
                                       period=closed.event.month.strftime("%Y-%m"),
                                       signed_at=closed.timestamp)  # fmt: skip
                signed.append(_row(digest))
        if signed:
            tx.executemany(f"INSERT INTO {self.table} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                           signed)  # fmt: skip
        tx.upsert(self.frontier, ("id", "tree_size", "position", "hashes"), "id",
                  [(1, frontier.size, position, frontier.encode())])  # fmt: skip


def _row(d: SignedDigest) -> tuple[object, ...]:
    return (d.tree_size, d.position, d.period, d.root, utc_text(d.signed_at), d.key_id,
            d.public_key, d.signature)  # fmt: skip


def _digest(row: Row) -> SignedDigest:
    return SignedDigest(tree_size=int(row["tree_size"]), position=int(row["position"]),
                        period=row["period"], root=row["root"],
                        signed_at=datetime.fromisoformat(row["signed_at"]),
                        key_id=row["key_id"], public_key=row["public_key"],
                        signature=row["signature"])  # fmt: skip


def load_frontier(tx: Tx, table: str) -> tuple[Frontier, int]:
    """The tree as far as the projection got, and the position of its last record."""
    tx.execute(f"SELECT tree_size, position, hashes FROM {table} WHERE id = 1")  # noqa: S608
    found = tx.fetchone()
    if found is None:
        return Frontier(), 0
    return Frontier.decode(int(found["tree_size"]), found["hashes"]), int(found["position"])


def signed_digests(store: ReadStore, table: str = NAME) -> list[SignedDigest]:
    """Every period's signed digest, oldest first."""
    with store.transaction(commit=False) as tx:
        tx.execute(f"SELECT * FROM {table} ORDER BY tree_size")  # noqa: S608
        return [_digest(row) for row in tx.fetchall()]


def sign_now(store: ReadStore, key: DigestKey, now: datetime, table: str = NAME) -> SignedDigest:
    """A digest of the log as far as the projection got, signed now (kept by whoever asks)."""
    with store.transaction(commit=False) as tx:
        frontier, position = load_frontier(tx, f"{table}_frontier")
    return key.sign(tree_size=frontier.size, position=position, root=frontier.root(),
                    period="", signed_at=now)  # fmt: skip


def _leaves(store: ReadStore, chain: str, last: int | None) -> tuple[list[bytes], list[int]]:
    leaves, positions = [], []
    for row in chain_rows(store, chain):
        position = int(row["position"])
        if last is not None and position > last:
            break
        leaves.append(leaf_of(position, row["record_hash"]))
        positions.append(position)
    return leaves, positions


class NotProvable(Exception):
    pass


def prove(
    store: ReadStore,
    record: Notification,
    chain: str,
    digest: SignedDigest | None = None,
    sign: Callable[[int, int, bytes], SignedDigest] | None = None,
) -> InclusionProof:
    """The inclusion proof of `record` under `digest`, from the audit chain's record
    hashes; without a digest, under the chain's root as it stands, signed by `sign(tree
    size, last position, root)`."""
    if digest is not None and record.id > digest.position:
        raise NotProvable(f"position {record.id} is after the digest's last, {digest.position}")
    leaves, positions = _leaves(store, chain, digest.position if digest else None)
    index = _index(positions, record.id)
    if digest is None:
        assert sign is not None, "a proof under no digest needs a signer"
        digest = sign(len(leaves), positions[-1], root_of(leaves))
    elif len(leaves) != digest.tree_size:
        raise NotProvable(f"the audit chain holds {len(leaves)} records up to position "
                          f"{digest.position}, the digest {digest.tree_size}: let the chain "
                          "catch up, then run `audit verify`")  # fmt: skip
    return InclusionProof(record=Record.of(record), leaf_index=index,
                          path=[h.hex() for h in inclusion_path(index, leaves)],
                          digest=digest)  # fmt: skip


def _index(positions: list[int], position: int) -> int:
    index = bisect_left(positions, position)
    if index == len(positions) or positions[index] != position:
        raise NotProvable(f"the audit chain has no record at position {position}")
    return index


def verify_digests(
    store: ReadStore, chain: str, digests: Sequence[SignedDigest], public_key: str
) -> list[Finding]:
    """Does every signed root still stand over the log as the chain holds it, and is
    each signature the installation's?"""
    findings: list[Finding] = []
    waiting = sorted(digests, key=lambda d: d.tree_size)
    frontier = Frontier()
    for row in chain_rows(store, chain):
        if not waiting:
            break
        frontier.append(leaf_of(int(row["position"]), row["record_hash"]))
        while waiting and waiting[0].tree_size == frontier.size:
            digest = waiting.pop(0)
            _check(digest, frontier.root().hex(), int(row["position"]), public_key, findings)
    for digest in waiting:  # the log is shorter than what was signed
        findings.append(Finding(digest.position, "digest_root",
                                f"{_which(digest)} covers {digest.tree_size} records; the log "
                                f"now has {frontier.size}"))  # fmt: skip
    return findings


def _check(
    digest: SignedDigest, root: str, position: int, public_key: str, findings: list[Finding]
) -> None:
    if not signature_holds(digest, public_key):
        findings.append(
            Finding(
                digest.position,
                "digest_signature",
                f"{_which(digest)} is not signed by this installation's key",
            )
        )
    if root != digest.root or position != digest.position:
        findings.append(Finding(digest.position, "digest_root",
                                f"the log up to position {digest.position} is not the log "
                                f"whose root {_which(digest)} signed"))  # fmt: skip


def _which(digest: SignedDigest) -> str:
    return f"the digest of period {digest.period}" if digest.period else "the digest"
