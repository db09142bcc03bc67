"""Document routes: upload versions, customer sign-off, and what the shop floor may use.

Which version may be handed out is decided on the DocumentVersion aggregate as
the log has it now, never on a read model that could lag: a superseded drawing
is refused with 410 naming the current version. Every file is verified against
its recorded SHA-256 before a byte of it is sent.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, JSONBody, Parameter
from litestar.response import Stream

from api import document_dto as dto
from api.commanding import acting_user, command_meta, run_command
from api.exports import safe_filename
from api.order_dto import Accepted, OrderId
from api.reading import WaitFor, WaitTimeout, read_model
from api.runtime import Runtime, RuntimeDep
from api.signatures import confirmation, facts_of, on_behalf, signature_valid
from domain import document_version
from domain.deciders import DOCUMENT, ORDER
from domain.document_version.commands import RejectVersion, UploadVersion
from domain.document_version.events import FileFacts
from domain.document_version.state import DocumentState
from domain.order.rules import OrderNotFound
from projections import documents

Req = Request[Any, Any, Any]
DocumentId = Annotated[UUID, Parameter(description="The document's id")]
Label = Annotated[str, Parameter(description="A version label, e.g. V1.0_20251220")]
VERSION = "/documents/{document_id:uuid}/versions/{label:str}"


def _load(runtime: Runtime, document_id: UUID) -> DocumentState:
    state = runtime.service.load(DOCUMENT, document_id)
    if state.version == 0:
        raise NotFoundException(f"no document {document_id}")
    return state


class DocumentController(Controller):
    tags = ["documents"]  # noqa: RUF012

    @post("/orders/{order_id:uuid}/documents", sync_to_thread=True, status_code=201)
    def upload(
        self,
        request: Req,
        order_id: OrderId,
        data: Annotated[dto.UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        runtime: RuntimeDep,
    ) -> dto.DocumentAccepted:
        """Upload a new version of an order's document (multipart: `file`, `kind`, `title`,
        `change` major|minor, `change_note` — required after the first version)."""
        if runtime.service.load(ORDER, order_id).version == 0:
            raise OrderNotFound(f"no order {order_id}", order_id=str(order_id))
        stored = runtime.blobs.put(data.file.file)
        document_id = document_version.document_id_for(order_id, data.kind, data.title)
        command = UploadVersion(
            order_id=order_id,
            kind=data.kind,
            title=data.title,
            file=FileFacts(
                sha256=stored.sha256,
                size=stored.size,
                media_type=data.file.content_type or "application/octet-stream",
                filename=safe_filename(data.file.filename),
            ),
            uploaded_by=acting_user(request),
            # In the company's time zone: the version's label carries its day there.
            uploaded_at=(data.uploaded_at or runtime.clock()).astimezone(runtime.zone),
            change=data.change,
            change_note=data.change_note,
            customer_must_confirm=data.customer_must_confirm,
        )
        sent = {**{f: getattr(data, f) for f in dto.FORM_FIELDS}, "file": command.file}
        meta = command_meta(request, None, sent=sent)
        accepted = run_command(runtime, DOCUMENT, document_id, command, meta)
        state = runtime.service.load(DOCUMENT, document_id, at_version=accepted.version)
        return dto.DocumentAccepted(**_fields(accepted), label=state.versions[-1].label)

    @get("/orders/{order_id:uuid}/documents", sync_to_thread=True)
    def list_for_order(
        self,
        order_id: OrderId,
        runtime: RuntimeDep,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> list[dict[str, Any]]:
        """Every version of every document of an order, with its status and sign-off."""
        with read_model(runtime, documents.NAME, wait_for_position, wait_timeout) as (tx, table):
            return documents.versions_of_order(tx, table, str(order_id))

    @get("/documents/{document_id:uuid}", sync_to_thread=True)
    def detail(self, document_id: DocumentId, runtime: RuntimeDep) -> dto.DocumentOut:
        """A document's versions as the log has them now, each signature checked."""
        state = _load(runtime, document_id)
        valid = [signature_valid(runtime, document_id, v) for v in state.versions]
        return dto.document_out(document_id, state, valid)

    @get("/documents/{document_id:uuid}/versions/{label:str}/content", sync_to_thread=True)
    def download(self, document_id: DocumentId, label: Label, runtime: RuntimeDep) -> Stream:
        """Download a version for work: only the current one (410 names it otherwise)."""
        version = document_version.for_work(_load(runtime, document_id), label)
        return dto.file_response(runtime, document_id, version, purpose="work")

    @get("/documents/{document_id:uuid}/current", sync_to_thread=True)
    def current(self, document_id: DocumentId, runtime: RuntimeDep) -> Stream:
        """What a tablet on the shop floor gets after scanning the work order's code."""
        version = document_version.for_work(_load(runtime, document_id))
        return dto.file_response(runtime, document_id, version, purpose="work")

    @get("/audit/documents/{document_id:uuid}/versions/{label:str}/content", sync_to_thread=True)
    def audit_download(self, document_id: DocumentId, label: Label, runtime: RuntimeDep) -> Stream:
        """Any version, superseded or not, for auditors (never for work)."""
        version = _load(runtime, document_id).find(label)
        return dto.file_response(runtime, document_id, version, purpose="audit")

    @post(VERSION + "/confirm", sync_to_thread=True, status_code=200)
    def confirm(
        self,
        request: Req,
        document_id: DocumentId,
        label: Label,
        data: JSONBody[dto.ConfirmIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """A member of staff records the customer's confirmation of the version's file
        hash, on the customer's behalf (named on the signature); the customer's own
        comes through a confirmation link."""
        _load(runtime, document_id)
        signer = on_behalf(data.signer, data.on_behalf_of_customer, acting_user(request))
        facts = facts_of(document_id, label, data.sha256, signer, data.signed_at)
        command = confirmation(runtime, facts)
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, DOCUMENT, document_id, command, meta)

    @post(VERSION + "/reject", sync_to_thread=True, status_code=200)
    def reject(
        self,
        request: Req,
        document_id: DocumentId,
        label: Label,
        data: JSONBody[dto.RejectIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """The customer rejects the version, with the reason."""
        _load(runtime, document_id)
        command = RejectVersion(
            label=label,
            signer=on_behalf(data.signer, data.on_behalf_of_customer, acting_user(request)),
            rejected_at=data.rejected_at,
            reason=data.reason,
        )
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, DOCUMENT, document_id, command, meta)


def _fields(accepted: Accepted) -> dict[str, Any]:
    return {f: getattr(accepted, f) for f in accepted.__struct_fields__}
