"""The demo data's shared constants: accounts, the seed's ids and named codes, statuses, tables.

Each area's fixed content is in its own module: ``data_centres``, ``data_catalogue``,
``data_parts``, ``data_customers`` and ``data_tickets``."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy import Table

from client.models import (
    HistoryType,
    OrderStatus,
    TicketStatus,
    Transport,
    WarrantyStatus,
)
from server.db import models as db
from server.demo_accounts import DEMO_ACCOUNTS as DEMO_ACCOUNTS
from server.demo_accounts import DEMO_PASSWORD as DEMO_PASSWORD

UTC = dt.UTC
try:
    LOCAL_TZ: dt.tzinfo = zoneinfo.ZoneInfo("Europe/Paris")
except zoneinfo.ZoneInfoNotFoundError:  # no time zone database: UTC will do for notes
    LOCAL_TZ = UTC
CHUNK = 5000

UNUSABLE_PASSWORD_HASH = "!unusable"  # not an argon2 hash: never verifies

CATEGORY_NAMES = {
    "hobs": {"en": "Hobs", "fr": "Tables de cuisson", "it": "Piani cottura"},
    "ovens": {"en": "Ovens", "fr": "Fours", "it": "Forni"},
    "cookers": {"en": "Cookers", "fr": "Cuisinières", "it": "Cucine"},
    "dishwashers": {"en": "Dishwashers", "fr": "Lave-vaisselle", "it": "Lavastoviglie"},
    "fridges": {"en": "Fridges", "fr": "Réfrigérateurs", "it": "Frigoriferi"},
    "washing_machines": {"en": "Washing machines", "fr": "Lave-linge", "it": "Lavatrici"},
    "hoods": {"en": "Hoods", "fr": "Hottes", "it": "Cappe"},
    "microwaves": {"en": "Microwave ovens", "fr": "Fours à micro-ondes", "it": "Forni a microonde"},
}
"""The catalogue's categories: code -> name in each language."""
CATEGORIES = tuple(CATEGORY_NAMES)

SEED_CENTRE_CODE = "249050"
SEED_GROUP_ID = 116496
SEED_TICKET_IDS = (116496, 116497)
SEED_CUSTOMER_ID = 81806
RESERVED_TICKET_IDS = range(116470, 116500)
CHAIN_CODES = ("810930077", "810930088", "810930094", "810930101", "810930115")
ALTERNATE_CODES = (("694972530", "694972531"), ("824610447", "824610568"))
KIT_ONE_FOR_TWO = ("KIT-CHARNIERES-SF", ("690070150", "690070151"), "696090012")
KIT_SET = ("KIT-BRULEUR-TC", "870650330", (("870650331", 1), ("870650332", 1), ("764130440", 2)))
SERIAL_SUPERSESSION_CODES = ("870650223", "870650447")
SERIAL_FORK_CODES = ("818730140", "818730155", "818730162")
PRODUCTION_SUPERSESSION_CODES = ("764130901", "764130935")
SERIAL_VARIANT_CODES = ("695210250", "695210398")
OBSOLETE_END_CODES = ("818730099", "880350125")
MANUAL_PART_CODE = "INOX-SP"


class S:
    """Ticket statuses as plain strings (enum attribute access is slow in the hot loops)."""

    TO_ASSIGN = TicketStatus.TO_ASSIGN.value
    TO_CONTACT = TicketStatus.TO_CONTACT.value
    UNREACHABLE = TicketStatus.UNREACHABLE.value
    CONFIRMED = TicketStatus.CONFIRMED.value
    WAITING_PARTS = TicketStatus.WAITING_PARTS.value
    EXCHANGE_REQUESTED = TicketStatus.EXCHANGE_REQUESTED.value
    CLOSED = TicketStatus.CLOSED.value
    VERIFIED = TicketStatus.VERIFIED.value
    INVOICED = TicketStatus.INVOICED.value
    CANCELLED = TicketStatus.CANCELLED.value


IN_WARRANTY = WarrantyStatus.IN_WARRANTY.value
OUT_OF_WARRANTY = WarrantyStatus.OUT_OF_WARRANTY.value
H_STATUS_CHANGE = HistoryType.STATUS_CHANGE.value
H_NOTE = HistoryType.NOTE.value
H_EMAIL = HistoryType.EMAIL.value
H_APPLIANCE_UPDATE = HistoryType.APPLIANCE_UPDATE.value
O_AWAITING = OrderStatus.AWAITING_VALIDATION.value
O_VALIDATED = OrderStatus.VALIDATED.value
O_SHIPPED = OrderStatus.SHIPPED.value
O_DONE = OrderStatus.DONE.value
O_CANCELLED = OrderStatus.CANCELLED.value
TRANSPORTS = (Transport.TRUCK.value, Transport.EXPRESS.value)


# Tables in the order their rows are inserted (parents first).
_TABLES: tuple[Table, ...] = tuple(
    m.__table__  # type: ignore[misc]
    for m in (
        db.ServiceCentre,
        db.SavedAddress,
        db.User,
        db.CatalogueCategory,
        db.CatalogueModel,
        db.Part,
        db.ExplodedViewLine,
        db.PartRelation,
        db.Customer,
        db.Appliance,
        db.TicketGroup,
        db.Ticket,
        db.HistoryEntry,
        db.OrderSequence,
        db.Order,
        db.OrderLine,
        db.Voucher,
        db.Intervention,
        db.InterventionPart,
        db.ClosingCode,
    )
)

# other code imports these from here (after the names they need: no import cycle)
from server.demo.data_catalogue import FIXED_PARTS as FIXED_PARTS  # noqa: E402
from server.demo.data_catalogue import SEED_AP64_LINES as SEED_AP64_LINES  # noqa: E402
