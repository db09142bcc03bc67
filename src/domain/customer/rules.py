"""Customer rules: the contact is sealed for the customer; the same record changes nothing."""

from __future__ import annotations

from domain.customer.events import CustomerDetails
from domain.customer.state import CustomerState
from domain.personal import check_sealed_for


def must_seal_contact_for(details: CustomerDetails, customer_id: str) -> None:
    """The contact person is sealed under this customer's key, never another's."""
    check_sealed_for(details.contact, customer_id, "contact")


def is_unchanged(state: CustomerState, details: CustomerDetails) -> bool:
    """Recording a customer again with the same details changes nothing."""
    return details == state.details
