"""Document versions of every order: one row per version with its status and sign-off.

For listing an order's documents and their versions; which version may be handed
out for work is decided by the DocumentVersion aggregate itself, never by this
(possibly lagging) copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

import msgspec

from domain.decider import topic_of
from domain.document_version.events import (
    DocumentEvent,
    VersionConfirmed,
    VersionRejected,
    VersionSuperseded,
    VersionUploaded,
)
from domain.document_version.versions import Status
from domain.envelope import Recorded
from infrastructure.read_store import Row, Tx, utc_text

NAME = "documents"


class VersionRow(msgspec.Struct, kw_only=True):
    document_id: str
    label: str
    order_id: str
    kind: str
    title: str
    major: int
    minor: int
    status: str
    customer_must_confirm: int
    sha256: str
    size: int
    media_type: str
    filename: str
    uploaded_by: str
    uploaded_at: str
    change_note: str
    signer: str = ""
    on_behalf_of_customer: int = 0
    signed_at: str = ""
    signature: str = ""
    rejection: str = ""
    superseded_by: str = ""
    document_version: int = 0  # the document stream's version at the latest change


COLUMNS = tuple(VersionRow.__struct_fields__)
_INTEGERS = {
    "major",
    "minor",
    "customer_must_confirm",
    "size",
    "on_behalf_of_customer",
    "document_version",
}


class DocumentsProjection:
    topics = frozenset(map(topic_of, get_args(DocumentEvent)))

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name

    def tables(self) -> list[str]:
        return [self.table]

    def schema(self) -> list[str]:
        cols = ", ".join(
            f"{c} BIGINT NOT NULL" if c in _INTEGERS else f"{c} TEXT NOT NULL" for c in COLUMNS
        )
        t = self.table
        return [
            f"CREATE TABLE IF NOT EXISTS {t} ({cols}, PRIMARY KEY (document_id, label))",
            f"CREATE INDEX IF NOT EXISTS {t}_order ON {t} (order_id, kind, title)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            self._apply(tx, recorded)

    def _apply(self, tx: Tx, recorded: Recorded[Any]) -> None:
        document_id = str(recorded.originator_id)
        event = recorded.event
        match event:
            case VersionUploaded():
                row = VersionRow(
                    document_id=document_id,
                    label=event.label,
                    order_id=str(event.order_id),
                    kind=event.kind.value,
                    title=event.title,
                    major=event.major,
                    minor=event.minor,
                    status=(
                        Status.AWAITING_CONFIRMATION
                        if event.customer_must_confirm
                        else Status.RELEASED
                    ).value,
                    customer_must_confirm=int(event.customer_must_confirm),
                    sha256=event.file.sha256,
                    size=event.file.size,
                    media_type=event.file.media_type,
                    filename=event.file.filename,
                    uploaded_by=event.uploaded_by,
                    uploaded_at=utc_text(event.uploaded_at),
                    change_note=event.change_note,
                    document_version=recorded.originator_version,
                )
                tx.upsert(self.table, COLUMNS, "document_id, label", [msgspec.structs.astuple(row)])
                return
            case VersionConfirmed(label=label, signer=signer):
                changes: dict[str, Any] = {
                    "status": Status.CONFIRMED.value,
                    "signer": signer.name,
                    "on_behalf_of_customer": int(signer.on_behalf_of_customer),
                    "signed_at": utc_text(event.signed_at),
                    "signature": event.signature,
                }
            case VersionRejected(label=label, signer=signer, reason=reason):
                changes = {
                    "status": Status.REJECTED.value,
                    "signer": signer.name,
                    "on_behalf_of_customer": int(signer.on_behalf_of_customer),
                    "rejection": reason,
                }
            case VersionSuperseded(label=label, by_label=by_label):
                changes = {"status": Status.SUPERSEDED.value, "superseded_by": by_label}
            case _:
                return
        changes["document_version"] = recorded.originator_version
        sets = ", ".join(f"{c} = ?" for c in changes)
        tx.execute(
            f"UPDATE {self.table} SET {sets} WHERE document_id = ? AND label = ?",  # noqa: S608
            [*changes.values(), document_id, label],
        )


def versions_of_order(tx: Tx, table: str, order_id: str) -> list[Row]:
    """Every version of an order's documents, oldest first per document."""
    tx.execute(
        f"SELECT * FROM {table} WHERE order_id = ? "  # noqa: S608
        "ORDER BY kind, title, document_id, major, minor",
        [order_id],
    )
    return tx.fetchall()
