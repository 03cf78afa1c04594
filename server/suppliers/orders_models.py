"""The tables of orders sent to outside suppliers (migration 0008).

An order is made as a ``draft`` (its lines checked and reviewed), then ``sent`` to the
supplier's platform under its ``client_reference`` (unique per centre: the platform makes the
creation idempotent by it, so a retry never makes a second order); the supplier's own number
is kept. Each line keeps the code requested and the code the supplier ordered, and its ticket.
Prices are what the supplier quoted, in its currency units (``Numeric``), not the centre's cents.
Until sent, ``ordered_code`` is the code sav asks for and the prices and delivery are empty;
once sent they are the supplier's answer (its code, name, prices, expected delivery).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db.models import Base, UTCDateTime

ORDER_STATUSES = ("draft", "sent", "delivered", "cancelled")


class SupplierOrder(Base):
    __tablename__ = "supplier_orders"
    __table_args__ = (
        UniqueConstraint("service_centre_id", "client_reference"),
        Index("ix_supplier_orders_centre_status", "service_centre_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centres.id"))
    supplier_account_id: Mapped[int] = mapped_column(ForeignKey("supplier_accounts.id"), index=True)
    client_reference: Mapped[str] = mapped_column(String(64))
    supplier_order_number: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class SupplierOrderLine(Base):
    __tablename__ = "supplier_order_lines"
    __table_args__ = (UniqueConstraint("supplier_order_id", "line_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_order_id: Mapped[int] = mapped_column(ForeignKey("supplier_orders.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    requested_code: Mapped[str] = mapped_column(String(40))
    ordered_code: Mapped[str] = mapped_column(String(40))
    part_name: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    purchase_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    sale_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    expected_delivery: Mapped[dt.date | None] = mapped_column(Date)
    supplier_line_ref: Mapped[str | None] = mapped_column(String(64))
    """Once sent: the line's number in the supplier's order (its ``line``), as text."""
