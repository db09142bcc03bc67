"""Signed digests of the log: a Merkle root over its records, signed with Ed25519.

The installation holds an Ed25519 key (RFC 8032, by pycryptodome), made once in the
data directory and readable by its owner only. A signed digest states how many
records the tree covers, the log position of its last record, the root, the
revenue period whose close it marks (empty when signed on demand) and when it was
signed; the signature covers exactly those facts (`SignedDigest.message`). Its
public half, kept by an auditor, checks any digest and any inclusion proof offline
with `orderhub audit verify-proof`, without the database or the server.

A leaf of the tree is one stored record: SHA-256(0x00 || "position:record hash"),
the record hash being the audit chain's (stream, version, topic, stored bytes).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from pathlib import Path

import msgspec
from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa
from eventsourcing.persistence import Notification

from infrastructure.merkle import leaf_hash, root_from_path
from infrastructure.signing import key_file_text


def hash_of_record(stream: object, version: int, topic: str, state: bytes) -> str:
    """The hash of a stored record as the audit chain keeps it (stream, version,
    topic, bytes as stored)."""
    digest = hashlib.sha256(f"{stream}\x00{version}\x00{topic}\x00".encode())
    digest.update(state)
    return digest.hexdigest()


def record_hash(n: Notification) -> str:
    return hash_of_record(n.originator_id, n.originator_version, n.topic, n.state)


def leaf_of(position: int, record: str) -> bytes:
    """The Merkle leaf of the record at `position` whose record hash is `record`."""
    return leaf_hash(f"{position}:{record}".encode())


class SignedDigest(msgspec.Struct, frozen=True, kw_only=True):
    tree_size: int  # records under the root
    position: int  # the log position of the last of them
    root: str  # hex
    period: str  # "2026-03": signed at that revenue period's close; "": on demand
    signed_at: datetime
    key_id: str  # the first 16 hex digits of SHA-256 of the public key
    public_key: str  # raw Ed25519 public key, hex
    signature: str  # hex, over `message()`

    def message(self) -> bytes:
        facts = [self.tree_size, self.position, self.root, self.period,
                 self.signed_at.isoformat(), self.key_id]  # fmt: skip
        return b"orderhub-log-digest:v1:" + msgspec.json.encode(facts)


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """A stored record as a proof carries it: enough to hash it again."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: str  # the stored bytes, base64

    @classmethod
    def of(cls, n: Notification) -> Record:
        return cls(position=n.id, originator_id=str(n.originator_id),
                   originator_version=n.originator_version, topic=n.topic,
                   state=base64.b64encode(n.state).decode())  # fmt: skip

    def record_hash(self) -> str:
        return hash_of_record(self.originator_id, self.originator_version, self.topic,
                              base64.b64decode(self.state))  # fmt: skip


class InclusionProof(msgspec.Struct, frozen=True, kw_only=True):
    """That `record` is leaf `leaf_index` of the tree whose root `digest` signs."""

    record: Record
    leaf_index: int
    path: list[str]  # hex, bottom up (RFC 9162 2.1.3.1)
    digest: SignedDigest


def key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def signature_holds(digest: SignedDigest, public_key: str | None = None) -> bool:
    """Does `digest`'s signature check under `public_key` (hex; the digest's own if
    None - then only the key an auditor holds makes it mean anything)?"""
    key_hex = public_key or digest.public_key
    try:
        raw = bytes.fromhex(key_hex)
        verifier = eddsa.new(eddsa.import_public_key(raw), "rfc8032")
        if key_id(raw) != digest.key_id:
            return False
        verifier.verify(digest.message(), bytes.fromhex(digest.signature))
    except ValueError:
        return False
    return True


def check_proof(proof: InclusionProof, public_key: str | None = None) -> list[str]:
    """What is wrong with `proof` (nothing: the record is in the signed log)."""
    problems = []
    record = proof.record
    if record.position > proof.digest.position:
        problems.append(f"record {record.position} is after the digest's last position "
                        f"{proof.digest.position}")  # fmt: skip
    try:
        path = [bytes.fromhex(h) for h in proof.path]
        leaf = leaf_of(record.position, record.record_hash())
    except ValueError as e:
        return [*problems, f"the proof is malformed: {e}"]
    root = root_from_path(proof.leaf_index, proof.digest.tree_size, leaf, path)
    if root is None or root.hex() != proof.digest.root:
        problems.append("the record and its audit path do not lead to the signed root")
    if not signature_holds(proof.digest, public_key):
        held = "the public key given" if public_key else "the key the digest names"
        problems.append(f"the digest's signature does not check under {held}")
    return problems


class DigestKey:
    """The installation's Ed25519 signing key for log digests."""

    def __init__(self, key: ECC.EccKey) -> None:
        self._signer = eddsa.new(key, "rfc8032")
        self._public = key.public_key().export_key(format="raw")
        self.public_key = self._public.hex()
        self.key_id = key_id(self._public)

    @classmethod
    def generate(cls) -> DigestKey:
        return cls(ECC.generate(curve="Ed25519"))

    @classmethod
    def load(cls, path: Path) -> DigestKey:
        """The key in `path` (PEM), made there first if missing (owner-only)."""
        pem = key_file_text(path, lambda: ECC.generate(curve="Ed25519").export_key(format="PEM"))
        return cls(ECC.import_key(pem))

    def sign(
        self, *, tree_size: int, position: int, root: bytes, period: str, signed_at: datetime
    ) -> SignedDigest:
        unsigned = SignedDigest(tree_size=tree_size, position=position, root=root.hex(),
                                period=period, signed_at=signed_at, key_id=self.key_id,
                                public_key=self.public_key, signature="")  # fmt: skip
        signature = self._signer.sign(unsigned.message()).hex()
        return msgspec.structs.replace(unsigned, signature=signature)
