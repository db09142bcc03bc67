"""`orderhub audit verify` over a generated log, against reading the same log, in one run.

    python bench/audit_verify.py [--events 1000000] [--backend sqlite|postgres|both]
                                 [--db PATH_OR_URL] [--keep]

For each backend it generates the log (or reuses `--db`), chains it (the audit
chain projection's catch-up from 0, timed too), then measures in records per
second: (a) reading the whole log as verify pages it, and (b) verify itself
(read the log and the chain, hash every record, check every link, and read every
record again to check each command's seal, and grow the Merkle tree again to
check a signed digest of the whole log). Also timed: the period digests'
projection catching up from 0 (a Merkle leaf per record), and one record's
inclusion proof under that digest. The issue's target: a million records
verified in under a minute.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime

import msgspec
from projection_catchup import log_for, peak_rss_mib

from infrastructure.daemon.runner import ProjectionRunner
from infrastructure.log_digests import DigestKey, check_proof
from infrastructure.storage import Storage
from projections import audit_chain, audit_digests, audit_seals
from projections.audit_chain import AuditChainProjection
from projections.audit_digests import AuditDigestsProjection

TARGET_SECONDS_PER_MILLION = 60.0


class Row(msgspec.Struct, frozen=True, kw_only=True):
    backend: str
    records: int
    chain: float
    digests: float  # records/s the period digests' projection catches up
    read: float
    verify: float
    verify_seconds: float
    digest_seconds: float  # of verify_seconds: checking one signed root over the whole log
    prove_seconds: float

    @property
    def met(self) -> bool:
        return self.verify_seconds * 1_000_000 / self.records <= TARGET_SECONDS_PER_MILLION


def read_rate(storage: Storage) -> float:
    started, done, position = time.perf_counter(), 0, 0
    while batch := storage.log.select_notifications(
        start=position, limit=audit_chain.BATCH, inclusive_of_start=False
    ):
        done += len(batch)
        position = batch[-1].id
    return done / (time.perf_counter() - started)


def measure(storage: Storage) -> Row:
    name, tree = "audit_chain_bench", "audit_digests_bench"
    with storage.read_store.transaction(commit=True) as tx:
        for table in (name, tree, f"{tree}_frontier"):
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        storage.read_store.forget(tx, name)
        storage.read_store.forget(tx, tree)
    runner = ProjectionRunner(AuditChainProjection(name), storage.log, storage.mapper,
                              storage.read_store, batch_size=5000)  # fmt: skip
    started = time.perf_counter()
    records = runner.catch_up()
    chain = records / (time.perf_counter() - started)
    key = DigestKey.generate()
    projection = AuditDigestsProjection(tree, key=key, mapper=storage.mapper)
    digester = ProjectionRunner(projection, storage.log, storage.mapper, storage.read_store,
                                batch_size=5000)  # fmt: skip
    started = time.perf_counter()
    digester.catch_up()
    digests = records / (time.perf_counter() - started)
    signed = audit_digests.sign_now(storage.read_store, key, datetime.now(UTC), tree)
    read_rate(storage)  # warm the caches
    read = max(read_rate(storage) for _ in range(3))
    started = time.perf_counter()
    report = audit_chain.verify(storage.log, storage.read_store, table=name)
    # ... and every command's seal, as `orderhub audit verify` does (the generated
    # copies carry none: each record is still read and decoded, the HMAC is not run).
    seals = audit_seals.verify_seals(storage.log, storage.mapper, lambda _m, _s: True)
    checked = time.perf_counter()
    wrong = audit_digests.verify_digests(storage.read_store, name, [signed], key.public_key)
    digest_seconds = time.perf_counter() - checked
    seconds = time.perf_counter() - started
    assert wrong == [], wrong
    middle = storage.log.select_notifications(start=records // 2, limit=1)[0]
    started = time.perf_counter()
    proof = audit_digests.prove(storage.read_store, middle, name, signed)
    prove_seconds = time.perf_counter() - started
    assert check_proof(proof, key.public_key) == []
    assert report.intact, report.findings[:5]
    assert not seals.findings, seals.findings[:5]
    assert report.checked == records, (report.checked, records)
    row = Row(backend=storage.backend, records=records, chain=chain, digests=digests, read=read,
              verify=records / seconds, verify_seconds=seconds, digest_seconds=digest_seconds,
              prove_seconds=prove_seconds)  # fmt: skip
    print(f"  {row.records:,} records: chain {row.chain:,.0f}/s, digests {row.digests:,.0f}/s, "
          f"read {row.read:,.0f}/s, verify {row.verify:,.0f}/s ({seconds:.1f} s, of which the "
          f"signed root {digest_seconds:.1f} s); one inclusion proof {prove_seconds:.1f} s "
          f"({len(proof.path)} hashes)", flush=True)  # fmt: skip
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--db", default="", help="reuse this log (SQLite path or PostgreSQL URL)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    rows = []
    for backend in backends:
        print(f"{backend}:", flush=True)
        with log_for(backend, args) as storage:
            rows.append(measure(storage))
    machine = f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"\nmachine: {machine}, {platform.system()} {platform.machine()}; "
          f"peak RSS {peak_rss_mib():,.0f} MiB")  # fmt: skip
    target = f"target <= {TARGET_SECONDS_PER_MILLION:.0f} s"
    head = (f"{'backend':<10} {'records':>10} {'(a) read/s':>11} {'(b) verify/s':>12} "
            f"{'(b)/(a)':>7} {'s per 1M':>8}  {target}")  # fmt: skip
    print(head)
    print("-" * len(head))
    for r in rows:
        per_million = r.verify_seconds * 1_000_000 / r.records
        print(f"{r.backend:<10} {r.records:>10,} {r.read:>11,.0f} {r.verify:>12,.0f} "
              f"{r.verify / r.read:>7.3f} {per_million:>8.1f}  "
              f"{'met' if r.met else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
