"""The customer's own confirmation: a signed one-time link, made out to the customer.

Sales makes a link for a version awaiting confirmation and sends it to the
customer's contact; the link carries the document, label, file hash, the
customer's name and an expiry, with a MAC under the installation's signing key,
so it cannot be forged or pointed at another file. Opening it needs no token;
confirming through it records the customer as the signer (not on anyone's
behalf, recorded by "customer link") once: a second click answers as the first.
A link to a version that is no longer the latest, or whose file changed, or that
expired, confirms nothing.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.params import FromPath, JSONBody, Parameter

from api.commanding import run_command
from api.order_dto import Accepted
from api.runtime import Runtime, RuntimeDep
from api.signatures import LINK, confirmation, facts_of
from application.intake import Name
from application.service import CommandMeta
from domain.deciders import DOCUMENT
from domain.document_version import rules
from domain.document_version.events import Signer
from infrastructure.signing import ConfirmationLink

Req = Request[Any, Any, Any]
Token = Annotated[str, Parameter(max_length=2000, description="The link's token")]


class LinkIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    signer: Name  # the customer's contact the link is made out to
    days: Annotated[int, msgspec.Meta(ge=1, le=30)] = 7


class LinkOut(msgspec.Struct, kw_only=True):
    token: str
    url: str
    sha256: str
    signer: str
    expires: datetime


def _open(runtime: Runtime, token: str) -> ConfirmationLink:
    link = runtime.signing.open_link(token)
    if link is None:
        raise PermissionDeniedException("this confirmation link was not made by this installation")
    if runtime.clock() >= link.expires:
        raise HTTPException(status_code=410, detail=f"this link expired at {link.expires}")
    return link


class CustomerConfirmationController(Controller):
    tags = ["documents"]  # noqa: RUF012

    @post("/documents/{document_id:uuid}/versions/{label:str}/confirmation-link",
          sync_to_thread=True, status_code=201)  # fmt: skip
    def make_link(
        self, request: Req, document_id: FromPath[UUID], label: FromPath[str],
        data: JSONBody[LinkIn], runtime: RuntimeDep,
    ) -> LinkOut:  # fmt: skip
        """A one-time link for the customer to confirm the version themselves."""
        state = runtime.service.load(DOCUMENT, document_id)
        if state.version == 0:
            raise NotFoundException(f"no document {document_id}")
        version = rules.latest_awaiting_confirmation(state, label)
        link = ConfirmationLink(
            document_id=document_id, label=label, sha256=version.file.sha256,
            signer=data.signer, expires=runtime.clock() + timedelta(days=data.days),
        )  # fmt: skip
        token = runtime.signing.link_token(link)
        base = runtime.settings.public_url or str(request.base_url)
        return LinkOut(token=token, url=f"{base.rstrip('/')}/customer-confirmations/{token}",
                       sha256=link.sha256, signer=link.signer, expires=link.expires)  # fmt: skip

    @get("/customer-confirmations/{token:str}", sync_to_thread=True)
    def show(self, token: Token, runtime: RuntimeDep) -> dict[str, Any]:
        """What the link asks the customer to confirm."""
        link = _open(runtime, token)
        state = runtime.service.load(DOCUMENT, link.document_id)
        return {"document_id": str(link.document_id), "title": state.title, "label": link.label,
                "sha256": link.sha256, "signer": link.signer, "expires": link.expires}  # fmt: skip

    @post("/customer-confirmations/{token:str}", sync_to_thread=True, status_code=200)
    def confirm(self, token: Token, runtime: RuntimeDep) -> Accepted:
        """The customer confirms: recorded as the customer's own signature, once."""
        link = _open(runtime, token)
        signer = Signer(name=link.signer, on_behalf_of_customer=False, recorded_by=LINK)
        facts = facts_of(link.document_id, link.label, link.sha256, signer, runtime.clock())
        command = confirmation(runtime, facts)
        once = hashlib.sha256(token.encode()).hexdigest()
        meta = CommandMeta(command_id=f"customer-link:{once[:40]}", actor=f"customer:{link.signer}",
                           request_digest=once)  # fmt: skip
        return run_command(runtime, DOCUMENT, link.document_id, command, meta)
