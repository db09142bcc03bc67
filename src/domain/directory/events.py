"""Directory events and the contact entry they carry."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

from domain.shared import Email, Name

Url = Annotated[str, msgspec.Meta(pattern=r"^$|^https?://\S+$", max_length=2000)]


class WebhookFormat(StrEnum):
    JSON = "json"  # our own generic message
    WECOM = "wecom"  # 企业微信 group robot
    DINGTALK = "dingtalk"  # 钉钉 group robot


class Contact(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    email: Email = ""
    webhook_url: Url = ""
    webhook_format: WebhookFormat = WebhookFormat.JSON


class ContactSet(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    key: str
    contact: Contact


class ContactRemoved(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    key: str


DirectoryEvent = ContactSet | ContactRemoved
