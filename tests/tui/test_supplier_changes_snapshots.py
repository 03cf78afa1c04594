"""The supplier changes screen at 80x24 (one snapshot): a diff on two lines of an order, one
delivery date after its ticket's appointment (!), the last sync; fixed data and instant."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from server.db import models as db
from server.suppliers.db_models import SupplierAccount
from server.suppliers.orders_models import SupplierOrder, SupplierOrderLine
from server.suppliers.sync_models import SupplierOrderChange, SupplierSyncRun
from tests.tui.conftest import SNAPSHOT_NOW
from tests.tui.test_snapshots import settle


def _diff(path: Path) -> None:
    """Two changes on an order of centre 249050 for a confirmed ticket (written before the
    app starts, on this test's copy of the database)."""
    engine = sa.create_engine(f"sqlite:///{path}")
    at = SNAPSHOT_NOW - dt.timedelta(hours=1)
    with engine.begin() as c:
        centre = c.execute(
            sa.select(db.ServiceCentre.id).where(db.ServiceCentre.code == "249050")
        ).scalar_one()
        manager = c.execute(sa.select(db.User.id).where(db.User.username == "manager")).scalar_one()
        ticket_id, appointment = c.execute(
            sa.select(db.Ticket.id, db.Ticket.appointment_at)
            .where(
                db.Ticket.service_centre_id == centre,
                db.Ticket.status == "confirmed",
                db.Ticket.appointment_at.is_not(None),
            )
            .order_by(db.Ticket.id)
            .limit(1)
        ).one()
        account = c.execute(
            sa.insert(SupplierAccount.__table__)
            .values(
                service_centre_id=centre,
                supplier="reference",
                user_name="demo",
                customer_id="100200",
                saved_by_id=manager,
                saved_at=at,
                checked_at=at,
                version=1,
            )
            .returning(SupplierAccount.__table__.c.id)
        ).scalar_one()
        order = c.execute(
            sa.insert(SupplierOrder.__table__)
            .values(
                service_centre_id=centre,
                supplier_account_id=account,
                client_reference="SAV-249050-0001",
                supplier_order_number="SO-000001",
                status="sent",
                created_at=at,
                created_by=manager,
                sent_at=at,
                note="",
                version=1,
            )
            .returning(SupplierOrder.__table__.c.id)
        ).scalar_one()
        delivery = appointment.date() - dt.timedelta(days=1)
        lines = []
        for no, code, name in (
            (1, "870650444", "BRULEUR AUXILIAIRE"),
            (2, "870650447", "BRULEUR SEMI-RAPIDE"),
        ):
            lines.append(
                c.execute(
                    sa.insert(SupplierOrderLine.__table__)
                    .values(
                        supplier_order_id=order,
                        line_no=no,
                        ticket_id=ticket_id,
                        requested_code=code,
                        ordered_code=code,
                        part_name=name,
                        quantity=1,
                        purchase_price="13.90",
                        sale_price="17.90",
                        expected_delivery=delivery,
                        supplier_line_ref=str(no),
                    )
                    .returning(SupplierOrderLine.__table__.c.id)
                ).scalar_one()
            )
        later = (appointment.date() + dt.timedelta(days=5)).isoformat()
        for line, field, old, new in (
            (lines[0], "expected_delivery", delivery.isoformat(), later),
            (lines[1], "purchase_price", "13.90", "15.20"),
            (lines[1], "part_name", "BRULEUR SEMI-RAPIDE", "BRULEUR SEMI-RAPIDE V2"),
        ):
            c.execute(
                sa.insert(SupplierOrderChange.__table__).values(
                    service_centre_id=centre,
                    supplier_order_id=order,
                    supplier_order_line_id=line,
                    field=field,
                    old=old,
                    new=new,
                    detected_at=at,
                    updated_at=at,
                    status="pending",
                )
            )
        c.execute(
            sa.insert(SupplierSyncRun.__table__).values(
                service_centre_id=centre,
                period="2026-11-23T09:00:00+00:00",
                kind="scheduled",
                status="done",
                owner="snapshot",
                lease_until=at,
                started_at=at,
                finished_at=at,
                orders_checked=1,
                changes_found=3,
            )
        )
    engine.dispose()


def test_supplier_changes_80x24(snap_compare, snapshot_tui, tmp_path: Path) -> None:
    async def opened(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*"tech", "tab", *"demo", "enter")
        await settle(pilot.app, pilot)
        await pilot.press("colon", *"changes", "enter")
        await settle(pilot.app, pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    app = snapshot_tui()
    _diff(tmp_path / "snapshot.db")
    assert snap_compare(app, terminal_size=(80, 24), run_before=opened)
