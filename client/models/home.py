"""Interventions, vouchers and the home screen's dashboard."""

from __future__ import annotations

import datetime as dt

from client.models.base import Money, Wire
from client.models.enums import TicketStatus, WarrantyStatus


class Intervention(Wire):
    id: int
    ticket_id: int
    version: int
    intervention_date: dt.date | None = None
    distance_km: int = 0
    warranty: WarrantyStatus
    ticket_type: str = ""
    faulty_component: str = ""
    fault: str = ""
    fault_type: str = ""
    intervention_code: str = ""
    work_done: str = ""
    fault_description: str = ""
    rate: Money
    spares: Money
    bonuses: Money
    net: Money
    vat: Money
    total: Money
    closed_at: dt.datetime | None = None


class Voucher(Wire):
    id: int
    number: str
    service_centre_code: str
    created_at: dt.datetime
    ticket_ids: list[int]
    net: Money
    vat: Money
    total: Money


# --------------------------------------------------------------------------- home


class StatusCount(Wire):
    status: TicketStatus
    count: int


class Dashboard(Wire):
    """What needs the signed-in user today: the home screen's figures, computed by the server."""

    service_centre_code: str | None
    status_counts: list[StatusCount]
    overdue_contacts: int
    orders_awaiting_validation: int
    open_tickets: int
    generated_at: dt.datetime
    supplier_sync_at: dt.datetime | None = None
    """When the centre's last supplier sync that checked every pending order finished."""
