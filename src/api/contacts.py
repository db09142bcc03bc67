"""The customer's contact person as a response shows it: opened, or marked erased."""

from __future__ import annotations

from api import order_dto as dto
from api.runtime import Runtime
from domain.personal import ContactPerson, Sealed


def opened_contact(runtime: Runtime, sealed: Sealed | None) -> dto.ContactOut | None:
    if sealed is None:
        return None
    person = runtime.keyring.open(sealed, ContactPerson)
    if person is None:
        return dto.ContactOut(name=None, phone=None, email=None, erased=True)
    return dto.ContactOut(name=person.name, phone=person.phone, email=person.email, erased=False)
