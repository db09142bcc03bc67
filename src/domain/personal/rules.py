"""Personal data rules: data is sealed under the key of the subject it belongs to."""

from __future__ import annotations

from domain.personal.sealed import Sealed
from domain.shared import DomainError


class SealedFor(DomainError):
    rule = "sealed_for_another_subject"


def check_sealed_for(sealed: Sealed | None, subject: str, field: str) -> None:
    """Personal data must be sealed under the key of the subject it belongs to."""
    if sealed is not None and sealed.subject != subject:
        raise SealedFor(
            f"{field} is sealed for {sealed.subject!r}, not for {subject!r}", field=field
        )
