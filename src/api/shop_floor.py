"""Shop-floor links: the QR code on a work order opens the current confirmed version of
one document on a tablet, with no login.

Staff issue a link for a document (`POST /documents/{id}/shop-floor-links`, valid for
up to a year, 90 days by default) and print its QR code (`.../{link_id}/qr`). The
link is `/shop-floor/{token}`: the token is the link's id with the installation's MAC,
so it cannot be forged or pointed elsewhere; it is read-only (a GET of one file),
answers 410 once revoked (`.../{link_id}/revoke`) or expired, and each use is recorded
on the link with the version it handed out. A link always hands out the version that
is current when it is scanned, never a superseded one.
"""

from __future__ import annotations

import hmac
import io
from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID, uuid4

import msgspec
import segno
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody, Parameter
from litestar.response import Stream

from api.commanding import acting_user, command_meta, run_command
from api.document_dto import file_response
from api.order_dto import Accepted
from api.runtime import Runtime, RuntimeDep
from application.service import CommandMeta
from domain import document_version
from domain.deciders import DOCUMENT, SHOP_FLOOR_LINK
from domain.shop_floor_link import IssueLink, LinkNotFound, RevokeLink, UseLink

Req = Request[Any, Any, Any]
DocumentId = Annotated[UUID, Parameter(description="The document's id")]
LinkId = Annotated[UUID, Parameter(description="The shop-floor link's id")]
Token = Annotated[str, Parameter(max_length=200, description="The link's token")]


class LinkIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    valid_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 90
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class RevokeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


def token_of(runtime: Runtime, link_id: UUID) -> str:
    return f"{link_id.hex}.{runtime.signing.derive(f'shop-floor:{link_id}')[:32]}"


def _opened(runtime: Runtime, token: str) -> UUID:
    raw, _, mac = token.partition(".")
    try:
        link_id = UUID(hex=raw)
    except ValueError:
        raise NotFoundException("no such link") from None
    if not hmac.compare_digest(token_of(runtime, link_id).encode(), f"{raw}.{mac}".encode()):
        raise NotFoundException("no such link")
    return link_id


def _url(runtime: Runtime, request: Req, link_id: UUID) -> str:
    base = runtime.settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/shop-floor/{token_of(runtime, link_id)}"


def _link_of(runtime: Runtime, document_id: UUID, link_id: UUID) -> Any:
    state = runtime.service.load(SHOP_FLOOR_LINK, link_id)
    if not state.version or state.document_id != document_id:
        raise NotFoundException(f"no shop-floor link {link_id} for document {document_id}")
    return state


class ShopFloorController(Controller):
    tags = ["documents"]  # noqa: RUF012

    @post("/documents/{document_id:uuid}/shop-floor-links", sync_to_thread=True, status_code=201)
    def issue(
        self, request: Req, document_id: DocumentId, data: JSONBody[LinkIn], runtime: RuntimeDep
    ) -> dict[str, Any]:
        """Issue a read-only link to the document's current confirmed version, for a
        tablet with no login; its QR code is at `qr_url`."""
        if not runtime.service.load(DOCUMENT, document_id).versions:
            raise NotFoundException(f"no document {document_id}")
        link_id, now = uuid4(), runtime.clock()
        command = IssueLink(document_id=document_id, expires_at=now + timedelta(data.valid_days),
                            issued_by=acting_user(request), at=now, note=data.note)  # fmt: skip
        accepted = run_command(runtime, SHOP_FLOOR_LINK, link_id, command,
                               command_meta(request, None))  # fmt: skip
        base = f"/documents/{document_id}/shop-floor-links/{link_id}"
        return {"link_id": str(link_id), "url": _url(runtime, request, link_id),
                "expires_at": command.expires_at.isoformat(), "qr_url": f"{base}/qr",
                "position": accepted.position}  # fmt: skip

    @get("/documents/{document_id:uuid}/shop-floor-links/{link_id:uuid}", sync_to_thread=True)
    def detail(
        self, request: Req, document_id: DocumentId, link_id: LinkId, runtime: RuntimeDep
    ) -> dict[str, Any]:
        """The link: until when, by whom, revoked or not, how often it was used."""
        state = _link_of(runtime, document_id, link_id)
        return {"link_id": str(link_id), "url": _url(runtime, request, link_id),
                **msgspec.to_builtins(state)}  # fmt: skip

    @get("/documents/{document_id:uuid}/shop-floor-links/{link_id:uuid}/qr", sync_to_thread=True)
    def qr_code(
        self, request: Req, document_id: DocumentId, link_id: LinkId, runtime: RuntimeDep
    ) -> Response[bytes]:
        """The link's QR code (PNG), to print on the work order."""
        _link_of(runtime, document_id, link_id)
        link = _url(runtime, request, link_id)
        png = io.BytesIO()
        segno.make(link, error="m").save(png, kind="png", scale=6, border=4)
        return Response(png.getvalue(), media_type="image/png", headers={"X-Link": link})

    @post("/documents/{document_id:uuid}/shop-floor-links/{link_id:uuid}/revoke",
          sync_to_thread=True, status_code=200)  # fmt: skip
    def revoke(
        self,
        request: Req,
        document_id: DocumentId,
        link_id: LinkId,
        data: JSONBody[RevokeIn],
        runtime: RuntimeDep,
    ) -> Accepted:
        """Revoke the link: a scan answers 410 from now on."""
        _link_of(runtime, document_id, link_id)
        command = RevokeLink(by=acting_user(request), at=runtime.clock(), reason=data.reason)
        return run_command(runtime, SHOP_FLOOR_LINK, link_id, command, command_meta(request, None))

    @get("/shop-floor/{token:str}", sync_to_thread=True)
    def open_link(self, request: Req, token: FromPath[Token], runtime: RuntimeDep) -> Stream:
        """What a tablet gets when it scans the code: the document's current confirmed
        version (no login; 410 once revoked or expired, or if no version is current)."""
        link_id = _opened(runtime, token)
        state = runtime.service.load(SHOP_FLOOR_LINK, link_id)
        if not state.version or state.document_id is None:
            raise LinkNotFound("no such link")
        document_id = state.document_id
        version = document_version.for_work(runtime.service.load(DOCUMENT, document_id))
        client = f"{request.client.host if request.client else '?'} " + request.headers.get(
            "user-agent", "")[:200]  # fmt: skip
        use = UseLink(document_id=document_id, label=version.label, client=client.strip(),
                      at=runtime.clock())  # fmt: skip
        meta = CommandMeta(
            command_id=f"shop-floor-use:{uuid4()}", actor=f"shop-floor-link:{link_id}"
        )
        run_command(runtime, SHOP_FLOOR_LINK, link_id, use, meta)
        return file_response(runtime, document_id, version, purpose="work")
