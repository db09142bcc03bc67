"""Notification and directory routes: who is reached how, and what was (not) delivered."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.order_dto import Accepted
from api.reading import Offset
from api.runtime import RuntimeDep
from domain.deciders import DIRECTORY
from domain.directory import DIRECTORY_ID, Contact, RemoveContact, SetContact
from infrastructure.read_store import utc_text
from policies import notifications

Req = Request[Any, Any, Any]
Key = Annotated[str, Parameter(min_length=1, max_length=200, description="A role or a person")]


class ContactIn(Contact, frozen=True, kw_only=True, forbid_unknown_fields=True):
    expected_version: int | None = None


class DirectoryController(Controller):
    path = "/directory"
    tags = ["notifications"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def contacts(self, runtime: RuntimeDep) -> dict[str, Any]:
        """Every role and person messages can be addressed to, with their channels."""
        state = runtime.service.load(DIRECTORY, DIRECTORY_ID)
        return {"version": state.version, "contacts": msgspec.to_builtins(state.contacts)}

    @put("/{key:str}", sync_to_thread=True, status_code=200)
    def set_contact(
        self, request: Req, key: FromPath[Key], data: JSONBody[ContactIn], runtime: RuntimeDep
    ) -> Accepted:
        """Reach `key` (e.g. `purchasing_manager`, `wang.fang`) by e-mail and/or a webhook
        (`json`, `wecom` or `dingtalk` format)."""
        contact = Contact(name=data.name, email=data.email, webhook_url=data.webhook_url,
                          webhook_format=data.webhook_format)  # fmt: skip
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, DIRECTORY, DIRECTORY_ID, SetContact(key=key, contact=contact),
                           meta)  # fmt: skip

    @delete("/{key:str}", sync_to_thread=True, status_code=200)
    def remove_contact(self, request: Req, key: FromPath[Key], runtime: RuntimeDep) -> Accepted:
        """Stop addressing messages to `key`; later messages for it are recorded as failed."""
        meta = command_meta(request, None)
        return run_command(runtime, DIRECTORY, DIRECTORY_ID, RemoveContact(key=key), meta)


class NotificationController(Controller):
    path = "/notifications"
    tags = ["notifications"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def outbox(
        self,
        runtime: RuntimeDep,
        status: FromQuery[str | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Offset = 0,
    ) -> list[dict[str, Any]]:
        """Messages by status (`pending`, `sent`, `failed`) with attempts and the last error."""
        store = runtime.storage.read_store
        return notifications.notifications(store, status=status, limit=limit, offset=offset)

    @post("/{message_id:str}/retry", sync_to_thread=True, status_code=200)
    def retry(self, message_id: FromPath[str], runtime: RuntimeDep) -> dict[str, str]:
        """Send a failed message again now (after fixing the address or the mail server)."""
        if not notifications.retry(
            runtime.storage.read_store, message_id, utc_text(runtime.clock())
        ):
            raise NotFoundException(f"no failed message {message_id!r} that can be sent again")
        return {"message_id": message_id, "status": "pending"}
