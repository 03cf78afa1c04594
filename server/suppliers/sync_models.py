"""The tables of the supplier sync (migration 0009): its runs, their progress, and the diff.

* ``supplier_sync_runs``: one row per centre and period (``period`` is the period's start for
  the scheduled sync, ``manual:…`` for a Synchronise), claimed by a unique insert: the lease
  (``owner``, ``lease_until``) says who works on it; a run whose lease ran out is taken over.
* ``supplier_sync_run_orders``: the orders a run has checked, so that a run taken over after
  a kill does not ask again for what is already done.
* ``supplier_order_changes``: the pending diff. At most one *pending* change per line and
  field (a partial unique index): detecting the same change again, or from two processes at
  once, writes nothing more; a part renamed twice is one change, old → latest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.db.models import Base, UTCDateTime

RUN_STATUSES = ("running", "done", "partial")
CHANGE_FIELDS = ("ordered_code", "part_name", "purchase_price", "sale_price", "expected_delivery")
CHANGE_STATUSES = ("pending", "applied", "dismissed")


class SupplierSyncRun(Base):
    __tablename__ = "supplier_sync_runs"
    __table_args__ = (UniqueConstraint("service_centre_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centres.id"))
    period: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))  # scheduled | manual
    status: Mapped[str] = mapped_column(String(20), default="running")
    owner: Mapped[str] = mapped_column(String(80))
    lease_until: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    orders_checked: Mapped[int] = mapped_column(Integer, default=0)
    changes_found: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
    """Suppliers that did not answer: [{"supplier", "kind", "orders"}] (kind: unavailable,
    refused, bad_answer, wrong_account)."""


class SupplierSyncRunOrder(Base):
    __tablename__ = "supplier_sync_run_orders"

    run_id: Mapped[int] = mapped_column(ForeignKey("supplier_sync_runs.id"), primary_key=True)
    supplier_order_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_orders.id"), primary_key=True
    )
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SupplierOrderChange(Base):
    __tablename__ = "supplier_order_changes"
    __table_args__ = (
        Index(
            "uq_supplier_order_changes_pending",
            "supplier_order_line_id",
            "field",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_supplier_order_changes_centre_status", "service_centre_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centres.id"))
    supplier_order_id: Mapped[int] = mapped_column(ForeignKey("supplier_orders.id"), index=True)
    supplier_order_line_id: Mapped[int] = mapped_column(ForeignKey("supplier_order_lines.id"))
    field: Mapped[str] = mapped_column(String(30))
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    """Values as text: codes and names as they are, amounts "12.50", dates ISO, "" none."""
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
