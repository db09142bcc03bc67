"""`orderhub audit`: verify the log, its digests and seals; sign, prove, replay.

`verify-proof` alone opens no database: it checks a proof file an auditor was given
against the public key the auditor holds, anywhere, offline.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from pathlib import Path
from uuid import UUID

import msgspec
from litestar.exceptions import HTTPException, NotFoundException

from api.audit import history_of, version_as_of
from api.audit_digests import proof_of, sign_now, verify_signed_digests
from api.runtime import Runtime
from api.settings import Settings
from domain.decider import topic_of
from domain.envelope import business_time
from infrastructure.log_digests import InclusionProof, check_proof
from projections import audit_chain, audit_seals

ACTIONS = {
    "verify": "every record against the hash chain, every command's seal, every signed digest",
    "digest": "the hash chain's head, to keep elsewhere",
    "sign": "the log's Merkle root as far as projected, signed now (JSON)",
    "prove": "EVENT (a position, or AGGREGATE_ID@VERSION): an inclusion proof (JSON)",
    "verify-proof": "FILE: check an inclusion proof offline, without the database",
    "public-key": "the installation's Ed25519 public key, for auditors to keep",
    "history": "ID: an aggregate's events",
    "replay": "ID: each event of an aggregate and the state after it",
}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="verify the log, sign and prove digests, replay history")
    audit.add_argument("action", choices=list(ACTIONS),
                       help="; ".join(f"{k}: {v}" for k, v in ACTIONS.items()))  # fmt: skip
    audit.add_argument("aggregate", nargs="?", default="",
                       help="the aggregate id, the event to prove, or the proof file")  # fmt: skip
    audit.add_argument("--until", default="", help="replay/history up to this recorded time")
    audit.add_argument(
        "--digest", default="", help="verify: POSITION:HASH from an earlier `audit digest`"
    )
    audit.add_argument("--period", default=None, help="prove: under this period's digest")
    audit.add_argument(
        "--public-key",
        default="",
        help="verify-proof: the public key (hex) you hold for the installation",
    )
    audit.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "verify-proof":
        return verify_proof(Path(args.aggregate), args.public_key)
    runtime = Runtime(settings)
    try:
        match args.action:
            case "verify":
                return _verify(runtime, args.digest)
            case "digest":
                position, value = audit_chain.digest(runtime.storage.read_store, _chain(runtime))
                print(f"{position}:{value}")
            case "sign":
                print(msgspec.json.encode(sign_now(runtime)).decode())
            case "prove":
                return _prove(runtime, args.aggregate, args.period)
            case "public-key":
                print(f"{runtime.digest_key.public_key}  (key id {runtime.digest_key.key_id})")
            case _:
                return _replay(runtime, args)
        return 0
    finally:
        runtime.stop()


def _chain(runtime: Runtime) -> str:
    return runtime.projections[audit_chain.NAME].copy


def _verify(runtime: Runtime, digest: str) -> int:
    expected = None
    if digest:
        position, _, value = digest.partition(":")
        if not position.isdigit() or len(value) != 64:
            print(f"--digest is POSITION:HASH as `orderhub audit digest` prints it, not {digest!r}")
            return 2
        expected = (int(position), value)
    started = time.monotonic()
    report = audit_chain.verify(runtime.storage.log, runtime.storage.read_store,
                                table=_chain(runtime), expected=expected)  # fmt: skip
    seals = audit_seals.verify_seals(runtime.storage.log, runtime.storage.mapper,
                                     runtime.signing.checks)  # fmt: skip
    digests = verify_signed_digests(runtime)
    seconds = time.monotonic() - started
    found = sorted([*report.findings, *seals.findings, *digests[1]])
    for finding in found:
        print(f"position {finding.position}: {finding.kind}: {finding.detail}")
    verdict = "intact" if not found else f"{len(found)} finding(s)"
    print(f"{verdict}: {report.checked} records checked in {seconds:.1f}s; chain head "
          f"{report.head}:{report.digest}; {report.unchained} not yet chained; "
          f"{seals.sealed} commands sealed, {seals.legacy} from before sealing; "
          f"{digests[0]} signed period digests")  # fmt: skip
    return 0 if not found else 1


def _prove(runtime: Runtime, event: str, period: str | None) -> int:
    stream, _, version = event.partition("@")
    try:
        if version:
            positions = audit_chain.positions(runtime.storage.read_store, UUID(stream),
                                              _chain(runtime))  # fmt: skip
            if int(version) not in positions:
                print(f"the audit chain has no version {version} of {stream}")
                return 1
            position = positions[int(version)]
        else:
            position = int(event)
        proof = proof_of(runtime, position, period)
    except ValueError:
        print(f"EVENT is a log position or AGGREGATE_ID@VERSION, not {event!r}")
        return 2
    except HTTPException as e:
        print(e.detail)
        return 1
    print(msgspec.json.encode(proof).decode())
    return 0


def verify_proof(path: Path, public_key: str) -> int:
    """Check a proof file offline: the record leads to the signed root, and the root
    is signed by the key (the one you hold, or, unpinned, the one the proof names)."""
    try:
        proof = msgspec.json.decode(path.read_bytes(), type=InclusionProof)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as e:
        print(f"cannot read a proof from {path}: {e}")
        return 2
    problems = check_proof(proof, public_key or None)
    for problem in problems:
        print(f"not proved: {problem}")
    if problems:
        return 1
    r, d = proof.record, proof.digest
    under = f"at the close of period {d.period}" if d.period else "on demand"
    print(f"proved: {r.topic} v{r.originator_version} of stream {r.originator_id} at position "
          f"{r.position} is record {proof.leaf_index + 1} of the {d.tree_size} records signed "
          f"{under} ({d.signed_at.isoformat()}) by key {d.key_id}")  # fmt: skip
    if not public_key:
        print(f"unpinned: compare key {d.public_key} with the installation's public key you "
              "hold, or pass it as --public-key")  # fmt: skip
    return 0


def _replay(runtime: Runtime, args: argparse.Namespace) -> int:
    """Each event of the aggregate, and its state after it (history: the events only)."""
    try:
        aggregate_id = UUID(args.aggregate)
        until = datetime.fromisoformat(args.until) if args.until else None
    except ValueError as e:
        print(f"bad argument: {e}")
        return 2
    if until is not None and until.tzinfo is None:
        print("--until needs a UTC offset, e.g. 2026-01-31T18:00:00+08:00")
        return 2
    try:
        decider, history = history_of(runtime, aggregate_id)
    except NotFoundException as e:
        print(e.detail)
        return 1
    last = version_as_of(history, until) if until else len(history)
    state = decider.initial
    for recorded in history[:last]:
        envelope = {k: v for k, v in msgspec.to_builtins(recorded).items() if k != "event"}
        line = {**envelope, "topic": topic_of(type(recorded.event)),
                "business_time": msgspec.to_builtins(business_time(recorded.event)),
                "event": msgspec.to_builtins(recorded.event)}  # fmt: skip
        print(json.dumps(line, ensure_ascii=False))
        if args.action == "replay":
            state = decider.evolve(state, recorded.event)
            print("  state: " + json.dumps(msgspec.to_builtins(state), ensure_ascii=False))
    return 0
