"""DocumentVersion: an order's technical file, version by version.

Each upload is a new version labelled ``V{major}.{minor}_{YYYYMMDD}``. A document
the customer must confirm is signed or rejected version by version; one that
needs no confirmation is current as soon as it is uploaded. Only the current
version may be handed out for work; auditors can still read every one.
"""

from domain.decider import Decider
from domain.document_version.commands import DocumentCommand, document_id_for
from domain.document_version.decide import decide
from domain.document_version.events import DocumentEvent, DocumentKind
from domain.document_version.rules import for_work
from domain.document_version.state import INITIAL, DocumentState, evolve
from domain.document_version.versions import label_of

__all__ = [
    "DECIDER",
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

DECIDER: Decider[DocumentCommand, DocumentState, DocumentEvent] = Decider(
    name="DocumentVersion",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=DocumentEvent,
    commands=DocumentCommand,
)
