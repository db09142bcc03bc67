"""Confirmations and their signatures: who signed what, checked against the key.

A customer's confirmation of a document version is signed (HMAC over the
document, label, file hash, signer, on whose behalf, when and who recorded it).
Only the customer confirms as the customer, through a signed one-time link made
out to them; staff confirm on the customer's behalf, and the signature names the
user who recorded it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from api.runtime import Runtime
from domain.document_version.commands import ConfirmVersion
from domain.document_version.events import Signer
from domain.document_version.versions import Version
from domain.shared import DomainError
from infrastructure.signing import SignedFacts

LINK = "customer link"  # who records a confirmation the customer gave through a link


class CustomerSignsByLink(DomainError):
    rule = "customer_signs_by_link"


def on_behalf(name: str, claimed: bool | None, recorded_by: str) -> Signer:
    """The signer of a confirmation or rejection a member of staff records."""
    if claimed is False:
        raise CustomerSignsByLink(
            "only the customer confirms as the customer, through a confirmation link "
            "(POST .../confirmation-link); staff record it on the customer's behalf",
            field="on_behalf_of_customer",
        )
    return Signer(name=name, on_behalf_of_customer=True, recorded_by=recorded_by)


def facts_of(
    document_id: UUID, label: str, sha256: str, signer: Signer, at: datetime
) -> SignedFacts:
    """What a confirmation by `signer` of the file `sha256` at `at` signs."""
    return SignedFacts(
        document_id=document_id,
        label=label,
        sha256=sha256,
        signer=signer.name,
        on_behalf_of_customer=signer.on_behalf_of_customer,
        signed_at=at,
        recorded_by=signer.recorded_by,
    )


def confirmation(runtime: Runtime, facts: SignedFacts) -> ConfirmVersion:
    """The command that records the confirmation `facts` describe, signed."""
    signer = Signer(name=facts.signer, on_behalf_of_customer=facts.on_behalf_of_customer,
                    recorded_by=facts.recorded_by)  # fmt: skip
    signature = runtime.signing.sign(facts)
    return ConfirmVersion(label=facts.label, sha256=facts.sha256, signer=signer,
                          signed_at=facts.signed_at, signature=signature)  # fmt: skip


def signature_valid(runtime: Runtime, document_id: UUID, version: Version) -> bool | None:
    if version.signer is None or version.signed_at is None or not version.signature:
        return None
    facts = facts_of(document_id, version.label, version.file.sha256, version.signer,
                     version.signed_at)  # fmt: skip
    return runtime.signing.verify(facts, version.signature)
