"""Signed log digests over the API: each closed period's, one signed now, and the
inclusion proof of one record (auditors and admins, like every /audit route)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromQuery, Parameter

from api.runtime import Runtime, RuntimeDep
from infrastructure.log_digests import InclusionProof, SignedDigest
from projections import audit_chain, audit_digests
from projections.audit_chain import Finding

Period = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                                     description="a closed revenue period, YYYY-MM")]  # fmt: skip


def proof_of(runtime: Runtime, position: int, period: str | None = None) -> InclusionProof:
    """The inclusion proof of the record at `position`: under the signed digest of
    `period`, or of the first period closed after it, or else under the audit chain's
    root as it stands, signed now."""
    store = runtime.storage.read_store
    found = runtime.storage.log.select_notifications(start=position, limit=1)
    if not found or found[0].id != position:
        raise NotFoundException(f"no record at position {position} in the log")
    record = found[0]
    digests = audit_digests.signed_digests(store, runtime.projections[audit_digests.NAME].copy)
    if period is not None:
        chosen = next((d for d in digests if d.period == period), None)
        if chosen is None:
            raise NotFoundException(f"no signed digest for period {period}: it is not closed, "
                                    "or its close is not yet projected")  # fmt: skip
    else:
        chosen = next((d for d in digests if d.position >= position), None)
    chain = runtime.projections[audit_chain.NAME].copy

    def signed_now(tree_size: int, last: int, root: bytes) -> SignedDigest:
        return runtime.digest_key.sign(tree_size=tree_size, position=last, root=root,
                                       period="", signed_at=runtime.clock())  # fmt: skip

    try:
        return audit_digests.prove(store, record, chain, chosen, signed_now)
    except audit_digests.NotProvable as e:
        raise ValidationException(str(e)) from e


def sign_now(runtime: Runtime) -> SignedDigest:
    copy = runtime.projections[audit_digests.NAME].copy
    return audit_digests.sign_now(runtime.storage.read_store, runtime.digest_key, runtime.clock(),
                                  copy)  # fmt: skip


def verify_signed_digests(runtime: Runtime) -> tuple[int, list[Finding]]:
    """How many period digests are signed, and what is wrong with any of them."""
    store = runtime.storage.read_store
    signed = audit_digests.signed_digests(store, runtime.projections[audit_digests.NAME].copy)
    chain = runtime.projections[audit_chain.NAME].copy
    findings = audit_digests.verify_digests(store, chain, signed, runtime.digest_key.public_key)
    return len(signed), findings


class AuditDigestsController(Controller):
    path = "/audit"
    tags = ["audit"]  # noqa: RUF012

    @get("/digests", sync_to_thread=True)
    def digests(self, runtime: RuntimeDep) -> list[SignedDigest]:
        """The log's Merkle root signed at each revenue period's close, oldest first: keep
        each one outside OrderHub, with the installation's public key."""
        copy = runtime.projections[audit_digests.NAME].copy
        return audit_digests.signed_digests(runtime.storage.read_store, copy)

    @get("/digests/now", sync_to_thread=True)
    def now(self, runtime: RuntimeDep) -> SignedDigest:
        """The log's Merkle root as far as it is projected, signed now (stored nowhere)."""
        return sign_now(runtime)

    @get("/proofs/{position:int}", sync_to_thread=True)
    def proof(
        self,
        runtime: RuntimeDep,
        position: Annotated[int, Parameter(ge=1, description="the record's position in the log")],
        period: FromQuery[Period | None] = None,
    ) -> InclusionProof:
        """That the record at `position` is in the signed log: the record, its audit path
        and the signed digest, for `orderhub audit verify-proof` to check offline."""
        return proof_of(runtime, position, period)
