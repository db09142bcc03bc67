"""DocumentVersion: an order's technical file, version by version (seed 000, 问题二).

Each upload is a new version labelled ``V{major}.{minor}_{YYYYMMDD}``; every version
after the first says what changed. A document the customer must confirm starts a
confirmation round with each new version: the customer (or the salesperson on
their behalf, recorded as such) signs the file's hash, or rejects it with a reason.
When a newer version is confirmed the older ones are superseded, and only the
current version may be handed out for work; auditors can still read every one.
A document that needs no confirmation is current as soon as it is uploaded.
"""

from domain.document_version.decide import decide, evolve, for_work, label_of
from domain.document_version.model import (
    INITIAL,
    DocumentCommand,
    DocumentEvent,
    DocumentKind,
    DocumentState,
    document_id_for,
)

__all__ = [
    "INITIAL",
    "DocumentCommand",
    "DocumentEvent",
    "DocumentKind",
    "DocumentState",
    "decide",
    "document_id_for",
    "evolve",
    "for_work",
    "label_of",
]
