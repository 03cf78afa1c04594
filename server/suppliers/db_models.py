"""The tables of outside suppliers (migration 0007): a centre's supplier accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db.models import Base, UTCDateTime


class SupplierAccount(Base):
    """A centre's account with a supplier: one per centre and supplier. The secret is
    encrypted with the server's key (``server.suppliers.secrets``) and never leaves the server."""

    __tablename__ = "supplier_accounts"
    __table_args__ = (UniqueConstraint("service_centre_id", "supplier"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_centre_id: Mapped[int] = mapped_column(ForeignKey("service_centres.id"), index=True)
    supplier: Mapped[str] = mapped_column(String(40))
    user_name: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[str] = mapped_column(String(100))
    secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)


# the orders sent to suppliers (migration 0008) live beside their service; imported here so
# that the metadata always holds them
import server.suppliers.orders_models  # noqa: E402

# the supplier sync's runs and pending diff (migration 0009)
import server.suppliers.sync_models  # noqa: E402, F401
