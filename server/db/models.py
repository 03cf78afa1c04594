"""SQLAlchemy 2.0 models: the whole schema of the sav backend.

Money is stored as integer cents (``*_cents`` columns) and converted to ``Decimal``
at the edge (``server.services.money``). Rates in percent are ``Numeric(5, 2)``.
Rows that two people can edit carry a ``version`` column used for ``If-Match``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on SQLite (which has no tz) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: object
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --------------------------------------------------------------------------- centres, users


class AddressColumns:
    """A shipping address: a centre's default one and its saved alternatives."""

    company: Mapped[str] = mapped_column(String(120))
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    fax: Mapped[str] = mapped_column(String(40), default="")
    vat_id: Mapped[str] = mapped_column(String(40), default="")


class ServiceCentre(AddressColumns, Base):
    __tablename__ = "service_centres"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    customer_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    rate_cents: Mapped[int] = mapped_column(Integer)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    discount_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str] = mapped_column(String(5), default="en")
    """The language the centre works in (e-mails to people of unknown language use it)."""
    max_rate_cents: Mapped[int | None] = mapped_column(Integer)
    """The highest rate a closing may charge; None: twice the fixed rate
    (server.services.closing.rate_bound)."""


class SavedAddress(AddressColumns, Base):
    __tablename__ = "saved_addresses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centres.id"), index=True)
    label: Mapped[str] = mapped_column(String(80))


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="en")
    service_centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_centres.id"), index=True
    )
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    service_centre: Mapped[ServiceCentre | None] = relationship(lazy="joined")


class AuthToken(Base):
    """An opaque bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class LoginThrottle(Base):
    """Failed sign-ins per account name (known or not), for throttling."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ServerSecret(Base):
    """A key the server keeps for itself (``cursor``: signs paging cursors), shared by every
    process of a team server through the database."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary(64))


class IdempotencyKey(Base):
    """A write's key and its stored answer, kept in the same transaction as the write."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


# --------------------------------------------------------------------------- customers, tickets


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        # the ticket search sorted by customer or city walks these (migration 0012)
        Index("ix_customers_name", "last_name", "first_name"),
        Index("ix_customers_city", "city"),
        # the ticket search's phone and city filters (migration 0014)
        Index("ix_customers_phone_digits", "phone_digits"),
        Index("ix_customers_city_key", "city_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    company: Mapped[str] = mapped_column(String(120), default="")
    privacy_agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="", index=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(60), default="")
    home_phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    phone_digits: Mapped[str] = mapped_column(
        String(40),
        default=lambda context: _from_insert(context, "home_phone", phone_digits_of),
        server_default="",
    )
    """The digits of ``home_phone`` alone: what the ticket search's phone filter matches.
    Kept by the model: set when ``home_phone`` is set (ORM) or computed from it on an INSERT
    that does not give it (Core); a Core UPDATE of ``home_phone`` must set it too."""
    city_key: Mapped[str] = mapped_column(
        String(100),
        default=lambda context: _from_insert(context, "city", city_key_of),
        server_default="",
    )
    """``city`` lower-cased (Python's ``str.lower``, the same on every database): what the
    ticket search's city filter matches, as a prefix an index answers. Kept as
    ``phone_digits`` is."""

    @validates("home_phone", "city")
    def _keep_search_keys(self, key: str, value: str) -> str:
        if key == "home_phone":
            self.phone_digits = phone_digits_of(value or "")
        else:
            self.city_key = city_key_of(value or "")
        return value


def phone_digits_of(phone: str) -> str:
    """The digits of a phone number (0-9), in order: ``03 88.12-34`` -> ``03881234``."""
    return "".join(c for c in phone if "0" <= c <= "9")


def city_key_of(city: str) -> str:
    """A city as the search matches it: lower case."""
    return city.lower()


def _from_insert(context: Any, source: str, key: Any) -> str:
    """A column default computed from the INSERT's ``source`` value (empty without one)."""
    value = context.get_current_parameters().get(source)
    return key(value) if isinstance(value, str) else ""


class Appliance(Base):
    __tablename__ = "appliances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    model_code: Mapped[str] = mapped_column(String(40), index=True)
    service_index: Mapped[str] = mapped_column(String(10))
    serial_number: Mapped[str] = mapped_column(String(40), default="", index=True)
    production_date: Mapped[dt.date | None] = mapped_column(Date)
    purchase_date: Mapped[dt.date | None] = mapped_column(Date)
    invoice_number: Mapped[str] = mapped_column(String(40), default="")
    reseller: Mapped[str] = mapped_column(String(120), default="")


class TicketGroup(Base):
    __tablename__ = "ticket_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    service_centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_centres.id"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


WAITING_PREDICATE = {
    "sqlite": "waiting_parts = 1 OR status = 'waiting_parts'",
    "postgresql": "waiting_parts OR status = 'waiting_parts'",
}
"""The tickets waiting for parts (``ix_tickets_waiting``, migration 0015), as each dialect
renders ``ticket_query.WAITING``: SQLite uses a partial index only for the very terms of
its WHERE."""


def _copied(source: Any, key: str) -> Callable[[Any], str]:
    """A column default of ``tickets``: ``source``, a column of the row the inserted ticket's
    ``key`` names (its customer's postal code or city, its appliance's model); empty
    without one."""

    def default(context: Any) -> str:
        ident = context.get_current_parameters().get(key)
        if ident is None:
            return ""
        found = context.connection.scalar(select(source).where(source.table.c.id == ident))
        return found or ""

    return default


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_centre_status", "service_centre_id", "status"),
        # the search pages on ids sorted by date: these indexes carry created_at so that
        # the date of each matching ticket is read from the index, not the table
        Index("ix_tickets_status_changed", "status", "status_changed_at", "created_at"),
        Index("ix_tickets_customer_created", "customer_id", "created_at"),
        Index("ix_tickets_created", "created_at", "id"),
        # with the id and the contact clock (0015): "overdue" walked by date reads no ticket
        Index(
            "ix_tickets_status_created",
            "status",
            "created_at",
            "id",
            "contact_clock_at",
            "status_changed_at",
        ),
        Index("ix_tickets_centre_created", "service_centre_id", "created_at"),
        # a search sorted by status, centre, engineer or appointment reads each group of
        # tickets in the order of one of these (migration 0012)
        Index("ix_tickets_status_id", "status", "id"),
        Index("ix_tickets_centre_id", "service_centre_id", "id"),
        Index("ix_tickets_engineer_id", "engineer_id", "id"),
        Index("ix_tickets_appointment", "appointment_at", "id"),
        # "waiting for parts" is the flag or the status: each side of the OR has an index
        Index("ix_tickets_waiting_parts", "waiting_parts", "created_at"),
        # the postal code filter, alone or with statuses, counted from an index of tickets
        # (migration 0014)
        # (postal code, id): the sort's order (migration 0016); the date: the filter's page
        Index("ix_tickets_postal_id", "postal_code", "id", "created_at"),
        Index("ix_tickets_status_postal", "status", "postal_code"),
        # a model's tickets sorted by date without reading each ticket (migration 0014)
        Index("ix_tickets_appliance_created", "appliance_id", "created_at"),
        # migration 0015: the city and model filters, counted and sorted by date from these
        Index("ix_tickets_city_id", "city_key", "id", "created_at"),  # as postal (0016)
        # (model, id) the sort's order; the date: the model filter's page sorted from it alone
        Index("ix_tickets_model_id", "model_code", "id", "created_at"),
        # and "waiting for parts" (the flag or the status), by date (ticket_query.WAITING)
        Index(
            "ix_tickets_waiting",
            "created_at",
            "id",
            sqlite_where=text(WAITING_PREDICATE["sqlite"]),
            postgresql_where=text(WAITING_PREDICATE["postgresql"]),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("ticket_groups.id"), index=True)
    service_centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_centres.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    appliance_id: Mapped[int] = mapped_column(ForeignKey("appliances.id"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    problem: Mapped[str] = mapped_column(Text, default="")
    ticket_type: Mapped[str] = mapped_column(String(40), default="")
    warranty: Mapped[str] = mapped_column(String(20))
    external_ref: Mapped[str] = mapped_column(String(60), default="", index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appointment_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    follow: Mapped[bool] = mapped_column(Boolean, default=False)
    waiting_parts: Mapped[bool] = mapped_column(Boolean, default=False)
    exchange: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    contact_clock_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """The 48 h contact clock's start, shifted by its pauses (NULL: ``status_changed_at``);
    server.services.contact_clock."""
    contact_paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """Since when the contact clock stands still (the customer unreachable); NULL: it runs."""
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    postal_code: Mapped[str] = mapped_column(
        String(20), default=_copied(Customer.postal_code, "customer_id"), server_default=""
    )
    """The customer's postal code, kept here so that the search's postal code filter is
    answered (and counted) from an index of tickets, without reading a customer per ticket.
    Set from the customer when the ticket is inserted without it, and rewritten when the
    customer's postal code changes (``_customer_postal_code_changed``)."""
    city_key: Mapped[str] = mapped_column(
        String(100), default=_copied(Customer.city_key, "customer_id"), server_default=""
    )
    """The customer's ``city_key``, kept here as ``postal_code`` is (the search's city
    filter, counted from ``ix_tickets_city_id``, and the sort by city)."""
    model_code: Mapped[str] = mapped_column(
        String(40), default=_copied(Appliance.model_code, "appliance_id"), server_default=""
    )
    """The appliance's model code, kept here as ``postal_code`` is (the search's model
    filter and sort, from ``ix_tickets_model_id``); rewritten when the appliance's model
    changes (``_appliance_model_code_changed``, and ``ticket_actions`` for its Core
    UPDATE)."""
    search_document: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Normalised words for free-text search (server.services.ticket_search.document).

    Indexed by the ``tickets_fts`` FTS5 table on SQLite and a GIN index on PostgreSQL,
    both made by migration 0002 (outside this metadata)."""


@event.listens_for(Customer, "after_update")
def _customer_postal_code_changed(mapper: Any, connection: Any, customer: Customer) -> None:
    """A customer's new postal code or city goes to their tickets (``Ticket.postal_code``,
    ``Ticket.city_key``)."""
    attrs = inspect(customer).attrs
    values: dict[str, str] = {}
    if attrs.postal_code.history.has_changes():
        values["postal_code"] = customer.postal_code
    if attrs.city.history.has_changes() or attrs.city_key.history.has_changes():
        values["city_key"] = customer.city_key
    if values:
        connection.execute(update(Ticket).where(Ticket.customer_id == customer.id).values(**values))


@event.listens_for(Appliance, "after_update")
def _appliance_model_code_changed(mapper: Any, connection: Any, appliance: Appliance) -> None:
    """An appliance's new model code goes to its tickets (``Ticket.model_code``)."""
    if inspect(appliance).attrs.model_code.history.has_changes():
        connection.execute(
            update(Ticket)
            .where(Ticket.appliance_id == appliance.id)
            .values(model_code=appliance.model_code)
        )


class HistoryEntry(Base):
    __tablename__ = "history_entries"
    __table_args__ = (Index("ix_history_ticket_at", "ticket_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(30))
    appointment_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    type: Mapped[str] = mapped_column(String(30))
    event: Mapped[str | None] = mapped_column(String(40))
    """What the system wrote, as a code (client.models.HistoryEvent); None for a typed log."""
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    """The event's parameters (server.services.events renders them for each reader)."""
    note: Mapped[str] = mapped_column(Text, default="")
    """Only what a person typed."""
    email_to: Mapped[str | None] = mapped_column(String(200))
    email_delivery: Mapped[str | None] = mapped_column(String(10))


# --------------------------------------------------------------------------- catalogue


class CatalogueCategory(Base):
    """A family of appliances (``hobs``), named in each language (migration 0005)."""

    __tablename__ = "catalogue_categories"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_fr: Mapped[str] = mapped_column(String(80))
    name_it: Mapped[str] = mapped_column(String(80))

    def name(self, language: str) -> str:
        """The name in ``language`` (English for any other)."""
        return str(getattr(self, f"name_{language}", None) or self.name_en)


class CatalogueModel(Base):
    __tablename__ = "catalogue_models"
    __table_args__ = (UniqueConstraint("code", "service_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    service_index: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(
        String(60), ForeignKey("catalogue_categories.code"), index=True
    )
    category_row: Mapped[CatalogueCategory] = relationship(lazy="joined", innerjoin=True)
    drawing: Mapped[str] = mapped_column(String(200), default="")


class Part(Base):
    __tablename__ = "parts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str] = mapped_column(String(200))
    price_cents: Mapped[int] = mapped_column(Integer)
    availability: Mapped[str] = mapped_column(String(20))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0)
    obsolete: Mapped[bool] = mapped_column(Boolean, default=False)


class ExplodedViewLine(Base):
    __tablename__ = "exploded_view_lines"
    __table_args__ = (Index("ix_evl_model_ref", "model_id", "ref_num"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("catalogue_models.id"))
    ref_num: Mapped[str] = mapped_column(String(20))
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    serial_from: Mapped[str | None] = mapped_column(String(40))
    serial_to: Mapped[str | None] = mapped_column(String(40))


class PartRelation(Base):
    __tablename__ = "part_relations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), index=True)
    to_part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10))
    kit_group: Mapped[str | None] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    serial_from: Mapped[str | None] = mapped_column(String(40))
    serial_to: Mapped[str | None] = mapped_column(String(40))
    production_from: Mapped[dt.date | None] = mapped_column(Date)
    production_to: Mapped[dt.date | None] = mapped_column(Date)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_models.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")


# --------------------------------------------------------------------------- cart, orders


class Cart(Base):
    __tablename__ = "carts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class CartLine(Base):
    __tablename__ = "cart_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("carts.user_id"), index=True)
    requested_part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"))
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CartSnapshot(Base):
    """The figures of a cart as the server showed them, under their fingerprint.

    Checkout receives only the fingerprint the person confirmed; when it no longer matches,
    the figures kept here say what changed ("the price of X changed from 12.00 to 13.50").
    Only the newest few per user are kept (server.services.cart)."""

    __tablename__ = "cart_snapshots"
    __table_args__ = (UniqueConstraint("user_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    figures: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OrderSequence(Base):
    """Per centre and year, the last order sequence number handed out."""

    __tablename__ = "order_sequences"

    service_centre_id: Mapped[int] = mapped_column(
        ForeignKey("service_centres.id"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_centre_status", "service_centre_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centres.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    validated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    erp_number: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    ship_company: Mapped[str] = mapped_column(String(120))
    ship_street: Mapped[str] = mapped_column(String(200))
    ship_postal_code: Mapped[str] = mapped_column(String(20))
    ship_city: Mapped[str] = mapped_column(String(100))
    ship_province: Mapped[str] = mapped_column(String(100), default="")
    ship_country: Mapped[str] = mapped_column(String(60))
    ship_phone: Mapped[str] = mapped_column(String(40), default="")
    ship_fax: Mapped[str] = mapped_column(String(40), default="")
    ship_vat_id: Mapped[str] = mapped_column(String(40))
    net_cents: Mapped[int] = mapped_column(BigInteger)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    """The VAT rate the order was placed at: edits recompute its VAT at this rate."""
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """When the current version was saved (placed, edited, validated, withdrawn)."""
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    requested_part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"))
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    quantity_requested: Mapped[int] = mapped_column(Integer)
    quantity_reserved: Mapped[int] = mapped_column(Integer, default=0)
    quantity_shipped: Mapped[int] = mapped_column(Integer, default=0)
    quantity_done: Mapped[int] = mapped_column(Integer, default=0)
    transport: Mapped[str | None] = mapped_column(String(20))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    price_cents: Mapped[int] = mapped_column(Integer)
    discount_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    net_cents: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")


# ------------------------------------------------------------------- interventions, vouchers


class Voucher(Base):
    __tablename__ = "vouchers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centres.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    net_cents: Mapped[int] = mapped_column(BigInteger)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    # 0011: the centre's own invoice to the manufacturer, recorded against the voucher (it
    # must equal the voucher's total; a difference is kept and flagged)
    centre_invoice_number: Mapped[str | None] = mapped_column(String(40))
    centre_invoice_cents: Mapped[int | None] = mapped_column(BigInteger)
    centre_invoice_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    centre_invoice_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    """Bumped when the centre's invoice is recorded (``If-Match``); the database's default
    (no Python one: the demo's bulk inserts name only the columns they give)."""


class Intervention(Base):
    __tablename__ = "interventions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    intervention_date: Mapped[dt.date | None] = mapped_column(Date)
    distance_km: Mapped[int] = mapped_column(Integer, default=0)
    warranty: Mapped[str] = mapped_column(String(20))
    ticket_type: Mapped[str] = mapped_column(String(40), default="")
    faulty_component: Mapped[str] = mapped_column(String(120), default="")
    fault: Mapped[str] = mapped_column(String(120), default="")
    fault_type: Mapped[str] = mapped_column(String(4), default="")
    intervention_code: Mapped[str] = mapped_column(String(20), default="")
    work_done: Mapped[str] = mapped_column(Text, default="")
    fault_description: Mapped[str] = mapped_column(Text, default="")
    rate_cents: Mapped[int] = mapped_column(Integer)
    spares_cents: Mapped[int] = mapped_column(Integer, default=0)
    bonuses_cents: Mapped[int] = mapped_column(Integer, default=0)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("vouchers.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # 0006: the coded lists (ClosingCode) and what is frozen at closing
    faulty_component_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    fault_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    work_done_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    """``faulty_component``, ``fault`` and ``work_done`` keep the words shown with the codes
    (the coded list's name when the form was saved, or the text of a closing made before the
    lists); ``work_done`` also takes what the technician adds."""
    net_cents: Mapped[int | None] = mapped_column(BigInteger)
    vat_cents: Mapped[int | None] = mapped_column(BigInteger)
    total_cents: Mapped[int | None] = mapped_column(BigInteger)
    """Frozen at closing (None while a draft: its figures are computed as it is read)."""
    appliance_changes: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    """Model data corrections typed in the form, applied to the appliance at closing."""
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rejection_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The operator's reason when the closing was last sent back (the draft is kept)."""


class InterventionPart(Base):
    """A part used in an intervention: the code requested, ordered and installed (they differ
    when a supersession replaced the requested one), the quantity and the unit price frozen
    when the line was written (closing freezes it for good)."""

    __tablename__ = "intervention_parts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    requested_part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"))
    ordered_part_id: Mapped[int | None] = mapped_column(ForeignKey("parts.id"))
    installed_part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)


class ClosingCode(Base):
    """One entry of a coded list of the closing form, per product family (the catalogue's
    model category; "" for every family), named in each language."""

    __tablename__ = "closing_codes"
    __table_args__ = (UniqueConstraint("list", "family", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list: Mapped[str] = mapped_column(String(20))
    """component, fault, intervention or work (client.models.CodeList)."""
    family: Mapped[str] = mapped_column(String(60))
    code: Mapped[str] = mapped_column(String(20))
    fault_type: Mapped[str] = mapped_column(String(4), default="")
    """For a fault: T (malfunction with component exchange), R, N or E."""
    name_en: Mapped[str] = mapped_column(String(120))
    name_fr: Mapped[str] = mapped_column(String(120))
    name_it: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)


# the tables of outside suppliers live beside their code; imported here so that the metadata
# (and the migrations' check) always holds them
import server.suppliers.db_models  # noqa: E402, F401
