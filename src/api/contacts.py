"""The customer's contact person as a response shows it: opened, or marked erased."""

from __future__ import annotations

from typing import Any

from litestar import Request

from api import order_dto as dto
from api.auth import CONTACT_READERS, Role, User
from api.runtime import Runtime
from domain.personal import ContactPerson, Sealed


def opened_contact(
    runtime: Runtime, sealed: Sealed | None, viewer: Role | None
) -> dto.ContactOut | None:
    """The contact for `viewer`: in clear for the roles that call, bill or ship to the
    customer (`CONTACT_READERS`), withheld (not even opened) for the others."""
    if sealed is None:
        return None
    if viewer not in CONTACT_READERS:
        return dto.ContactOut(name=None, phone=None, email=None, erased=False, withheld=True)
    person = runtime.keyring.open(sealed, ContactPerson)
    if person is None:
        return dto.ContactOut(name=None, phone=None, email=None, erased=True)
    return dto.ContactOut(name=person.name, phone=person.phone, email=person.email, erased=False)


def viewer_role(request: Request[Any, Any, Any]) -> Role | None:
    user = request.scope.get("user")
    return user.role if isinstance(user, User) else None
