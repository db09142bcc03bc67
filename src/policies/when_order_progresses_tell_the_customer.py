"""When an order moves in a way its customer should see, tell the customer.

Customers asked again and again where their order stood (seed 000); now the order
hub tells them (seed 004): at signing, at each stage whose template the rulebook
has, at each shipment and at acceptance, a short bilingual e-mail from the
templates the business edits, to the order's contact person (else the customer
record's), and to the customer's own endpoint if the directory has one under
`customer:<id>`. Each moment is told once per order (each shipment once).

Personal data stays sealed: the outbox holds the sealed contact, opened with the
customer's key only to send, so a message queued before an erasure is withheld,
not sent. A customer that opted out (`status_updates: false`) is told nothing,
and nothing is queued for a contact whose data was erased. Before the templates
were first published, and for orders older than them, nothing is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from domain.customer import CustomerRecorded
from domain.decider import topic_of
from domain.directory import ContactRemoved, ContactSet
from domain.dunning import DEFAULT_DUNNING_RULES
from domain.envelope import Recorded
from domain.order.events import (
    ContactChanged,
    CustomerAccepted,
    OrderCancelled,
    OrderPlaced,
    OrderSigned,
    ShipmentRecorded,
    StageAdvanced,
)
from domain.personal import PersonalDataErased, Sealed
from domain.rulebook import PaymentTermsPublished, StatusMessagesPublished, StatusTemplate
from domain.rulebook.status_messages import (
    ACCEPTED,
    SHIPPED,
    SIGNED,
    STAGE_NAMES_EN,
    STAGE_NAMES_ZH,
    render,
    template_for,
)
from infrastructure.read_store import Tx
from policies import notifications
from policies.notifications import Channel, ContactBook, Message

NAME = "when_order_progresses_tell_the_customer"


class Told(msgspec.Struct, kw_only=True):
    """What the policy keeps of an order."""

    customer_id: str
    external_ref: str
    customer_name: str
    promised: date
    contract: str = ""
    contact: Sealed | None = None


class Customer(msgspec.Struct, kw_only=True):
    opted_out: bool = False
    contact: Sealed | None = None
    seen_keys: list[str] = msgspec.field(default_factory=list)  # of contacts sealed for it
    erased_keys: list[str] = msgspec.field(default_factory=list)  # destroyed by an erasure


class Settings(msgspec.Struct, kw_only=True):
    templates: tuple[StatusTemplate, ...] | None = None  # None: never published, tell nothing
    timezone: str = DEFAULT_DUNNING_RULES.timezone


class Moment(msgspec.Struct, frozen=True, kw_only=True):
    name: str  # SIGNED, SHIPPED, ACCEPTED or a stage
    key: str  # once per order and moment (per shipment)
    at: datetime
    tracking: str = ""


_told = msgspec.json.Decoder(Told)
_customer = msgspec.json.Decoder(Customer)
_settings = msgspec.json.Decoder(Settings)


def _moment(event: Any) -> Moment | None:
    match event:
        case OrderSigned(signed_at=at):
            return Moment(name=SIGNED, key=SIGNED, at=at)
        case StageAdvanced(to_stage=stage, at=at):
            return Moment(name=stage.value, key=stage.value, at=at)
        case ShipmentRecorded(shipment_id=sid, shipped_at=at, carrier=c, tracking_number=n):
            return Moment(name=SHIPPED, key=f"{SHIPPED}:{sid}", at=at, tracking=f"{c} {n}".strip())
        case CustomerAccepted(accepted_at=at):
            return Moment(name=ACCEPTED, key=ACCEPTED, at=at)
    return None


class TellCustomerPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (OrderPlaced, ContactChanged, OrderSigned, StageAdvanced, ShipmentRecorded,
                  CustomerAccepted, OrderCancelled, CustomerRecorded, PersonalDataErased,
                  StatusMessagesPublished, PaymentTermsPublished, ContactSet, ContactRemoved)
    )  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders = f"{name}_orders"
        self.customers = f"{name}_customers"
        self.settings = f"{name}_settings"
        self.directory = ContactBook(f"{name}_contacts")

    def tables(self) -> list[str]:
        return [self.orders, self.customers, self.settings, self.directory.table]

    def schema(self) -> list[str]:
        return [
            *notifications.SCHEMA,
            *self.directory.schema,
            *(f"CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, body TEXT NOT NULL)"
              for table in (self.orders, self.customers, self.settings)),
        ]  # fmt: skip

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event, stream = recorded.event, str(recorded.originator_id)
            if self.directory.track(tx, event):
                continue
            match event:
                case StatusMessagesPublished(templates=templates):
                    self._keep_settings(tx, templates=templates)
                case PaymentTermsPublished(terms=terms):
                    self._keep_settings(tx, timezone=terms.dunning.timezone)
                case CustomerRecorded(customer_id=cid, details=details):
                    customer = self._customer(tx, cid)
                    customer.opted_out = not details.status_updates
                    customer.contact = details.contact
                    self._keep(tx, self.customers, cid, self._seen(customer, details.contact))
                case PersonalDataErased(subject=subject):
                    customer = self._customer(tx, subject)
                    customer.erased_keys = sorted({*customer.erased_keys, *customer.seen_keys})
                    self._keep(tx, self.customers, subject, customer)
                case OrderPlaced():
                    told = Told(
                        customer_id=event.customer_id, external_ref=event.external_ref,
                        customer_name=event.customer_name, promised=event.promised_delivery,
                        contact=event.contact,
                    )  # fmt: skip
                    self._order_contact(tx, stream, told, event.contact)
                case ContactChanged(contact=contact):
                    if (told_of := self._order(tx, stream)) is not None:
                        told_of.contact = contact
                        self._order_contact(tx, stream, told_of, contact)
                case OrderCancelled():
                    tx.execute(f"DELETE FROM {self.orders} WHERE id = ?", (stream,))  # noqa: S608
                case _:
                    if (moment := _moment(event)) is not None:
                        self._tell(tx, recorded, moment)

    # --- what is kept -------------------------------------------------------------------

    def _get(self, tx: Tx, table: str, key: str) -> str | None:
        tx.execute(f"SELECT body FROM {table} WHERE id = ?", (key,))  # noqa: S608
        row = tx.fetchone()
        return None if row is None else str(row["body"])

    def _keep(self, tx: Tx, table: str, key: str, value: msgspec.Struct) -> None:
        tx.upsert(table, ("id", "body"), "id", [(key, msgspec.json.encode(value).decode())])

    def _order(self, tx: Tx, order_id: str) -> Told | None:
        body = self._get(tx, self.orders, order_id)
        return None if body is None else _told.decode(body)

    def _customer(self, tx: Tx, customer_id: str) -> Customer:
        body = self._get(tx, self.customers, customer_id)
        return Customer() if body is None else _customer.decode(body)

    def _current(self, tx: Tx) -> Settings:
        body = self._get(tx, self.settings, "settings")
        return Settings() if body is None else _settings.decode(body)

    def _keep_settings(self, tx: Tx, **changes: Any) -> None:
        settings = msgspec.structs.replace(self._current(tx), **changes)
        self._keep(tx, self.settings, "settings", settings)

    def _seen(self, customer: Customer, contact: Sealed | None) -> Customer:
        if contact is not None and contact.key_id not in customer.seen_keys:
            customer.seen_keys = sorted({*customer.seen_keys, contact.key_id})
        return customer

    def _order_contact(self, tx: Tx, order_id: str, told: Told, contact: Sealed | None) -> None:
        self._keep(tx, self.orders, order_id, told)
        if contact is not None:
            customer = self._customer(tx, contact.subject)
            self._keep(tx, self.customers, contact.subject, self._seen(customer, contact))

    # --- telling ------------------------------------------------------------------------

    def _tell(self, tx: Tx, cause: Recorded[Any], moment: Moment) -> None:
        told = self._order(tx, str(cause.originator_id))
        settings = self._current(tx)
        if told is None or settings.templates is None:
            return
        if isinstance(cause.event, OrderSigned):
            told.contract = cause.event.contract_number
            self._keep(tx, self.orders, str(cause.originator_id), told)
        template = template_for(settings.templates, moment.name)
        customer = self._customer(tx, told.customer_id)
        if template is None or customer.opted_out:
            return
        day = moment.at.astimezone(ZoneInfo(settings.timezone)).date()
        subject, body = render(template, {
            "order": told.external_ref, "customer": told.customer_name,
            "stage": STAGE_NAMES_ZH[moment.name], "stage_en": STAGE_NAMES_EN[moment.name],
            "date": day.isoformat(), "promised": told.promised.isoformat(),
            "contract": told.contract, "tracking": moment.tracking,
        })  # fmt: skip
        message = Message(key=f"{NAME}:{cause.originator_id}:{moment.key}",
                          kind=f"customer_{moment.name}", recipient=f"customer:{told.customer_id}",
                          subject=subject, body=body)  # fmt: skip
        channels = self._channels(tx, told, customer)
        if channels:
            notifications.write(tx, NAME, message, channels, cause)

    def _channels(self, tx: Tx, told: Told, customer: Customer) -> list[Channel]:
        """The contact person's sealed e-mail (unless erased) and the customer's endpoint."""
        contact = told.contact or customer.contact
        channels = notifications.directory_channels(
            self.directory.lookup(tx, f"customer:{told.customer_id}")
        )
        if contact is not None:
            erased = contact.key_id in self._customer(tx, contact.subject).erased_keys
            if not erased:
                channels.insert(0, notifications.sealed_channel(contact))
        return channels
