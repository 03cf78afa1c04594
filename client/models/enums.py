"""The wire's enumerations: roles, statuses, kinds (string enums: the wire stays readable)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    TECHNICIAN = "technician"
    MANAGER = "manager"
    OPERATOR = "operator"


class Language(StrEnum):
    EN = "en"
    FR = "fr"
    IT = "it"


class TicketStatus(StrEnum):
    TO_ASSIGN = "to_assign"
    TO_CONTACT = "to_contact"
    UNREACHABLE = "unreachable"
    CONFIRMED = "confirmed"
    WAITING_PARTS = "waiting_parts"
    EXCHANGE_REQUESTED = "exchange_requested"
    CLOSED = "closed"
    VERIFIED = "verified"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"


class WarrantyStatus(StrEnum):
    IN_WARRANTY = "in_warranty"
    OUT_OF_WARRANTY = "out_of_warranty"


class HistoryType(StrEnum):
    STATUS_CHANGE = "status_change"
    NOTE = "note"
    CALL = "call"
    CONTACT = "contact"
    CONTACT_FAILED = "contact_failed"
    EMAIL = "email"
    APPLIANCE_UPDATE = "appliance_update"


LOG_TYPES = (HistoryType.NOTE, HistoryType.CALL, HistoryType.EMAIL)
"""The history types a person may choose when adding a log; the others are written by actions."""


class HistoryEvent(StrEnum):
    """What the system wrote into a ticket's history by itself, stored as this code and its
    parameters (never as a sentence) and rendered for each reader (``HistoryEntry.text``).

    Parameters: moments are ISO 8601 in UTC, everything else a code or a number as stored
    elsewhere (``means`` a ContactMeans, ``status`` a TicketStatus, a ``field`` an
    ApplianceUpdate field). A parameter in brackets may be missing.
    """

    CREATED = "created"  # the ticket was recorded
    ASSIGNED = "assigned"  # centre_code, centre_name
    CONTACTED = "contacted"  # appointment_at
    UNREACHABLE = "unreachable"  # attempted_at, means
    EXCHANGE_REQUESTED = "exchange_requested"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    VERIFIED = "verified"  # [total] ("160.75")
    PARTS_ORDERED = "parts_ordered"  # [order] (its number), [parts] (codes)
    PARTS_RECEIVED = "parts_received"  # [appointment_at]
    CLOSED = "closed"  # [fault] (its code), [total] ("160.75")
    INTERVENTION_SAVED = "intervention_saved"  # the closing form saved as a draft
    REPORT_EMAILED = "report_emailed"  # the intervention report e-mailed (to: email_to)
    INVOICED = "invoiced"  # [voucher] (its number)
    ORDER_WITHDRAWN = "order_withdrawn"  # order (its number)
    APPLIANCE_CORRECTED = "appliance_corrected"  # changes: [{field, old, new}], "" for none
    STATUS_CHANGED = "status_changed"  # status: a change no other event tells
    RESCHEDULED = "rescheduled"  # appointment_at, [previous] (the appointment before)
    # order (the supplier's number, else sav's reference), changes: [{field, part, old, new}]
    # (a supplier order's field: ordered_code, part_name, purchase_price, sale_price,
    # expected_delivery; values as the diff stores them: amounts "12.50", dates ISO)
    SUPPLIER_CHANGES_APPLIED = "supplier_changes_applied"
    SUPPLIER_ORDER_CANCELLED = "supplier_order_cancelled"  # order (supplier's number), supplier


class TicketAction(StrEnum):
    """What can be done to a ticket. The server's status machine decides who may do which, when.

    ``update_appliance`` and ``add_log`` change no status; ``order_parts``, ``parts_received``,
    ``close`` and ``invoice`` are carried out by the orders, intervention and invoicing flows.
    """

    ASSIGN = "assign"
    CONTACTED = "contacted"
    UNREACHABLE = "unreachable"
    REQUEST_EXCHANGE = "request_exchange"
    CANCEL = "cancel"
    REJECT = "reject"
    VERIFY = "verify"
    ORDER_PARTS = "order_parts"
    PARTS_RECEIVED = "parts_received"
    CLOSE = "close"
    INVOICE = "invoice"
    UPDATE_APPLIANCE = "update_appliance"
    ADD_LOG = "add_log"
    RESCHEDULE = "reschedule"


class TicketSort(StrEnum):
    """The columns a ticket search can be sorted by."""

    CREATED_AT = "created_at"
    ID = "id"
    CUSTOMER = "customer"
    CITY = "city"
    POSTAL_CODE = "postal_code"
    MODEL = "model"
    STATUS = "status"
    SERVICE_CENTRE = "service_centre"
    ENGINEER = "engineer"
    APPOINTMENT = "appointment"


class CsvFormat(StrEnum):
    """How ``GET /tickets.csv`` writes: for a spreadsheet in the reader's language, or for
    a program."""

    SPREADSHEET = "spreadsheet"  # the language's separator, names and dates; UTF-8 with BOM
    MACHINE = "machine"  # ",", codes, ISO 8601 moments in UTC, no BOM


class EmailDelivery(StrEnum):
    SENT = "sent"  # handed to the SMTP server
    OUTBOX = "outbox"  # no SMTP server configured (or it refused): written to the outbox folder


class ContactMeans(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"


class Availability(StrEnum):
    IN_STOCK = "in_stock"
    ON_ORDER = "on_order"
    UNAVAILABLE = "unavailable"


class RelationKind(StrEnum):
    SUPERSEDES = "supersedes"
    ALTERNATE = "alternate"
    KIT_MEMBER = "kit_member"


class RelationDirection(StrEnum):
    ONE_WAY = "one_way"
    TWO_WAY = "two_way"


class OrderStatus(StrEnum):
    AWAITING_VALIDATION = "awaiting_validation"
    VALIDATED = "validated"
    SHIPPED = "shipped"
    DONE = "done"
    CANCELLED = "cancelled"


class Transport(StrEnum):
    TRUCK = "truck"
    EXPRESS = "express"


class CodeList(StrEnum):
    """The coded lists of the closing form (per product family, loaded by ``sav codes``)."""

    COMPONENT = "component"  # faulty component *
    FAULT = "fault"  # fault *, each with its FaultType
    INTERVENTION = "intervention"  # intervention code
    WORK = "work"  # work done *


class FaultType(StrEnum):
    """A fault's type: T needs the parts used (malfunction with component exchange)."""

    EXCHANGE_COMPONENT = "T"  # malfunction with component exchange
    REPAIR = "R"  # repair or adjustment without parts
    NO_FAULT = "N"  # no fault found, misuse, installation
    EXCHANGE_APPLIANCE = "E"  # the appliance was exchanged
