"""Supplier orders for the sync tests: made at the platform (its own process) through the
adapter, and kept in sav's tables as the supplier orders' service keeps a sent order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from server.db import models as db
from server.db.session import create_engine, session_factory
from server.suppliers.adapter import HttpSupplierClient, SupplierCredentials
from server.suppliers.db_models import SupplierAccount
from server.suppliers.models import OrderLineRequest
from server.suppliers.orders_models import SupplierOrder, SupplierOrderLine

CENTRE = "249050"  # tech's and manager's
DEMO = SupplierCredentials("demo", "100200")


async def centre_id(database_url: str, centre: str = CENTRE) -> int:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        found = (
            await conn.execute(select(db.ServiceCentre.id).where(db.ServiceCentre.code == centre))
        ).scalar_one()
    await engine.dispose()
    return int(found)


async def account(database_url: str, supplier: str = "reference", centre: str = CENTRE) -> int:
    """The centre's account with ``supplier`` (demo / 100200), kept as the manager would."""
    engine = create_engine(database_url)
    async with session_factory(engine)() as session:
        centre_id = (
            await session.execute(
                select(db.ServiceCentre.id).where(db.ServiceCentre.code == centre)
            )
        ).scalar_one()
        found = (
            await session.execute(
                select(SupplierAccount).where(
                    SupplierAccount.service_centre_id == centre_id,
                    SupplierAccount.supplier == supplier,
                )
            )
        ).scalar_one_or_none()
        if found is None:
            manager = (
                await session.execute(select(db.User.id).where(db.User.username == "manager"))
            ).scalar_one()
            now = dt.datetime.now(dt.UTC)
            found = SupplierAccount(
                service_centre_id=centre_id,
                supplier=supplier,
                user_name=DEMO.user_name,
                customer_id=DEMO.customer_id,
                saved_by_id=manager,
                saved_at=now,
                checked_at=now,
                version=1,
            )
            session.add(found)
            await session.commit()
        account_id = found.id
    await engine.dispose()
    return account_id


async def sent_order(
    database_url: str,
    platform_url: str,
    reference: str,
    codes: tuple[str, ...] = ("870650444",),
    *,
    ticket_id: int | None = 116496,
    supplier: str = "reference",
) -> int:
    """An order sent to the platform under ``reference`` and kept by sav as ``sent``: its id.
    With ``supplier`` other than the platform's, the order is only kept (nobody answers)."""
    account_id = await account(database_url, supplier)
    engine = create_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    if supplier == "reference":
        async with HttpSupplierClient("reference", platform_url, DEMO) as client:
            remote = await client.create_order(
                reference, [OrderLineRequest(code=c, quantity=1) for c in codes]
            )
        number: str = remote.number
        lines = [
            (
                line.line,
                line.code_requested,
                line.code,
                line.name,
                Decimal(line.purchase_price_cents) / 100,
                Decimal(line.sale_price_cents) / 100,
                remote.expected_delivery,
            )
            for line in remote.lines
        ]
    else:
        number = f"X-{reference}"
        lines = [
            (i, c, c, "PART", Decimal("10.00"), Decimal("12.00"), now.date())
            for i, c in enumerate(codes, 1)
        ]
    async with session_factory(engine)() as session:
        row = await session.get(SupplierAccount, account_id)
        assert row is not None
        order = SupplierOrder(
            service_centre_id=row.service_centre_id,
            supplier_account_id=account_id,
            client_reference=reference,
            supplier_order_number=number,
            status="sent",
            created_at=now,
            created_by=row.saved_by_id,
            sent_at=now,
            note="",
            version=1,
        )
        session.add(order)
        await session.flush()
        for line_no, requested, code, name, purchase, sale, delivery in lines:
            session.add(
                SupplierOrderLine(
                    supplier_order_id=order.id,
                    line_no=line_no,
                    ticket_id=ticket_id,
                    requested_code=requested,
                    ordered_code=code,
                    part_name=name,
                    quantity=1,
                    purchase_price=purchase,
                    sale_price=sale,
                    expected_delivery=delivery,
                    supplier_line_ref=str(line_no),
                )
            )
        await session.commit()
        order_id = order.id
    await engine.dispose()
    return order_id
