"""The home screen's figures equal what the database holds, per centre and for operators."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import func, select

from server.db import models as db
from server.db.session import create_engine


async def truth(url: str, centre_code: str | None) -> dict[str, int]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        where = []
        order_where = []
        if centre_code is not None:
            centre = (
                await conn.execute(
                    select(db.ServiceCentre.id).where(db.ServiceCentre.code == centre_code)
                )
            ).scalar_one()
            where.append(db.Ticket.service_centre_id == centre)
            order_where.append(db.Order.service_centre_id == centre)
        tickets = (
            await conn.execute(select(db.Ticket.status, db.Ticket.status_changed_at).where(*where))
        ).all()
        awaiting = (
            await conn.execute(
                select(func.count()).where(db.Order.status == "awaiting_validation", *order_where)
            )
        ).scalar_one()
    await engine.dispose()
    now = dt.datetime.now(dt.UTC)
    counts: dict[str, int] = {}
    for status, _changed in tickets:
        counts[status] = counts.get(status, 0) + 1
    counts["overdue"] = sum(
        1 for s, changed in tickets if s == "to_contact" and now - changed > dt.timedelta(hours=48)
    )
    counts["awaiting"] = awaiting
    return counts


async def dashboard_for(http: httpx.AsyncClient, username: str) -> dict:
    token = (
        await http.post("/auth/login", json={"username": username, "password": "demo"})
    ).json()["access_token"]
    return (await http.get("/dashboard", headers={"Authorization": f"Bearer {token}"})).json()


async def test_technician_sees_their_centre_figures(
    http: httpx.AsyncClient, database_url: str
) -> None:
    board = await dashboard_for(http, "tech")
    expected = await truth(database_url, "249050")
    assert board["service_centre_code"] == "249050"
    got = {c["status"]: c["count"] for c in board["status_counts"] if c["count"]}
    assert got == {k: v for k, v in expected.items() if k not in ("overdue", "awaiting")}
    assert board["overdue_contacts"] == expected["overdue"] > 0
    assert board["orders_awaiting_validation"] == expected["awaiting"] > 0


async def test_other_centre_sees_other_figures(http: httpx.AsyncClient, database_url: str) -> None:
    tech = await dashboard_for(http, "tech")
    tech2 = await dashboard_for(http, "tech2")
    assert tech2["service_centre_code"] != "249050"
    assert tech2["status_counts"] != tech["status_counts"]


async def test_operator_sees_every_centre(http: httpx.AsyncClient, database_url: str) -> None:
    board = await dashboard_for(http, "operator")
    expected = await truth(database_url, None)
    assert board["service_centre_code"] is None
    got = {c["status"]: c["count"] for c in board["status_counts"]}
    assert got["to_assign"] == expected["to_assign"] > 0
    assert sum(got.values()) == sum(
        v for k, v in expected.items() if k not in ("overdue", "awaiting")
    )


async def test_overdue_follows_the_48_hour_rule_on_the_servers_clock(database_url: str) -> None:
    """Four days later, every ticket still in 'to contact' is overdue; before, some are not."""
    from server.app import create_app
    from server.settings import Settings

    async def board_at(now: dt.datetime | None) -> dict:
        app = create_app(Settings(database_url=database_url, now=now))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            board = await dashboard_for(http, "tech")
        await app.state.engine.dispose()
        return board

    today = await board_at(None)
    later = await board_at(dt.datetime.now(dt.UTC) + dt.timedelta(days=4))
    to_contact = next(c["count"] for c in later["status_counts"] if c["status"] == "to_contact")
    assert today["overdue_contacts"] < to_contact
    assert later["overdue_contacts"] == to_contact
