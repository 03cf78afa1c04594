"""The supplier sync and its pending diff on the wire (issue 13).

A change's ``old`` and ``new`` are text as the server stores them: codes and names as they
are, amounts "12.50" (EUR), dates ISO ("2026-12-04"), "" for none; the client formats them
for its language by ``field``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from client.models.base import Id, RequestBody, Wire
from client.models.enums import TicketStatus

ChangeField = Literal[
    "ordered_code", "part_name", "purchase_price", "sale_price", "expected_delivery"
]
MAX_CHANGE_IDS = 5000


class SyncProblem(Wire):
    """A supplier that did not answer the sync as it should, and how many orders it left."""

    supplier: str
    supplier_name: str
    kind: Literal["unavailable", "wrong_account", "refused", "bad_answer", "no_account"]
    message: str
    orders: int


class SyncSummary(Wire):
    """One sync run: what it checked and found, and which suppliers did not answer."""

    run_id: int
    kind: Literal["scheduled", "manual"]
    status: Literal["running", "done", "partial"]
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    orders_checked: int
    orders_left: int = 0
    changes_found: int
    problems: list[SyncProblem] = []


class TouchedTicket(Wire):
    """An open ticket a change touches; ``late``: the new delivery date falls after its
    appointment."""

    id: int
    status: TicketStatus
    appointment_at: dt.datetime | None = None
    late: bool = False


class TouchedCart(Wire):
    """A cart holding the part of the changed line (its owner, the quantity)."""

    user: str
    quantity: int


class SupplierChange(Wire):
    id: int
    order_id: int
    client_reference: str
    supplier_order_number: str | None = None
    supplier: str
    order_status: str
    line_id: int
    line_no: int
    requested_code: str
    ordered_code: str
    part_name: str
    field: ChangeField
    old: str
    new: str
    detected_at: dt.datetime
    tickets: list[TouchedTicket] = []
    carts: list[TouchedCart] = []


class SupplierChanges(Wire):
    """The centre's pending diff (per order, per line), and when the sync last ran."""

    items: list[SupplierChange]
    total: int
    offset: int = 0
    last_success_at: dt.datetime | None = None
    last_run: SyncSummary | None = None


class ChangeDecision(RequestBody):
    """Apply (or dismiss) these changes; ``all``: every pending change of the centre."""

    ids: Annotated[list[Id], Field(max_length=MAX_CHANGE_IDS)] = []
    all: Annotated[bool, Field(strict=True)] = False


class RefusedChange(Wire):
    id: int
    reason: Literal["order_cancelled", "order_closed", "not_found"]
    message: str


class DecisionResult(Wire):
    """``done``: changes applied (dismissed) now; ``already``: decided before (nothing more
    done); ``refused``: left pending, with why."""

    done: list[int]
    already: list[int] = []
    refused: list[RefusedChange] = []
    tickets: list[int] = []
