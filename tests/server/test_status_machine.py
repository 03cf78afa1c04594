"""The status machine: the table against DOMAIN.md, and every (status x action x role) carried
out on the service against a real database: allowed ones move the ticket and write one
history entry; the others are refused (403 wrong role, 409 wrong status) and change nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from client import models as wire
from client.models import Role, TicketAction, TicketStatus
from server.db import models as db
from server.db.session import create_engine, session_factory
from server.errors import Forbidden, NotAllowed, PreconditionFailed
from server.services import status_machine, ticket_actions
from tests.server.ticket_state import (
    EXPECTED,
    EXPOSED,
    OPEN,
    SEED_TICKET,
    STATUSES,
    USERS,
    body_for,
    latest_entry,
    put_in_status,
    state,
)

BODY_MODELS: dict[str, type[wire.RequestBody]] = {
    "assign": wire.AssignRequest,
    "contacted": wire.ContactedRequest,
    "unreachable": wire.UnreachableRequest,
    "request_exchange": wire.NoteRequest,
    "cancel": wire.MotivationRequest,
    "reject": wire.MotivationRequest,
    "verify": wire.NoteRequest,
    "parts_received": wire.NoteRequest,
}


def test_the_table_is_the_domain_s() -> None:
    for action, (sources, target, roles) in EXPECTED.items():
        rule = status_machine.RULES[TicketAction(action)]
        assert {s.value for s in rule.sources} == sources, action
        assert rule.target is not None and rule.target.value == target, action
        assert {r.value for r in rule.roles} == roles, action
    for action in ("update_appliance", "add_log"):
        rule = status_machine.RULES[TicketAction(action)]
        assert rule.target is None
        assert {s.value for s in rule.sources} == OPEN
        assert rule.roles == set(Role)


RESCHEDULABLE = {"confirmed", "waiting_parts", "exchange_requested"}


def test_rescheduling_is_the_operators_while_there_is_an_appointment() -> None:
    rule = status_machine.RULES[TicketAction.RESCHEDULE]
    assert rule.target is None and {s.value for s in rule.sources} == RESCHEDULABLE
    assert {r.value for r in rule.roles} == {"operator"}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", list(USERS))
def test_allowed_actions_offers_what_has_an_endpoint_and_is_allowed(status: str, role: str) -> None:
    offered = status_machine.allowed_actions(TicketStatus(status), Role(role))
    expected = [
        a
        for a in (*EXPOSED, "close")  # close has its own endpoint with the form
        if status in EXPECTED[a][0] and role in EXPECTED[a][2]  # status and role fit
    ]
    if status in OPEN:
        expected += ["update_appliance", "add_log"]
    if role == "operator" and status in RESCHEDULABLE:  # moves the appointment, not the status
        expected.append("reschedule")
    assert sorted(a.value for a in offered) == sorted(expected)


def test_a_refusal_says_why() -> None:
    with pytest.raises(NotAllowed) as refused:
        status_machine.check(
            TicketAction.CONTACTED, 116496, TicketStatus.CANCELLED, Role.TECHNICIAN
        )
    assert refused.value.message == (
        "ticket 116496 is cancelled: contacting the customer is possible "
        "only while to contact or unreachable"
    )
    assert refused.value.status_code == 409 and refused.value.code == "not_allowed"
    with pytest.raises(Forbidden) as forbidden:
        status_machine.check(TicketAction.CANCEL, 116496, TicketStatus.TO_CONTACT, Role.MANAGER)
    assert "operator" in forbidden.value.message


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[tuple[AsyncEngine, Any]]:
    engine = create_engine(database_url)
    yield engine, session_factory(engine)
    await engine.dispose()


async def _user(sessions: async_sessionmaker[AsyncSession], username: str) -> db.User:
    async with sessions() as session:
        return (await session.execute(select(db.User).where(db.User.username == username))).one()[0]


@pytest.mark.parametrize("action", list(EXPECTED))
async def test_every_status_and_role_on_the_service(
    database: tuple[AsyncEngine, async_sessionmaker[AsyncSession]], action: str
) -> None:
    engine, sessions = database
    sources, target, roles = EXPECTED[action]
    users = {role: await _user(sessions, name) for role, name in USERS.items()}
    now = dt.datetime.now(dt.UTC)
    raw = body_for(action, now)
    body = BODY_MODELS[action].model_validate(raw) if raw is not None else None
    for status in STATUSES:
        for role, user in users.items():
            async with engine.begin() as conn:
                await put_in_status(conn, SEED_TICKET, status)
                before = await state(conn, SEED_TICKET)
            allowed = status in sources and role in roles
            async with sessions() as session:
                try:
                    await ticket_actions.transition(
                        session,
                        SEED_TICKET,
                        user,
                        TicketAction(action),
                        body,  # type: ignore[arg-type]
                        if_match=None,
                        now=now,
                    )
                except Forbidden:
                    assert role not in roles, (status, role)
                    refused = True
                except NotAllowed:
                    assert role in roles and status not in sources, (status, role)
                    refused = True
                else:
                    refused = False
            async with engine.connect() as conn:
                after = await state(conn, SEED_TICKET)
                if not allowed:
                    assert refused, (status, role)
                    assert after == before, (status, role)
                    continue
                assert not refused
                assert after["status"] == target, (status, role)
                assert after["version"] == before["version"] + 1
                assert after["history"] == before["history"] + 1
                assert after["updated_by_id"] == user.id and after["status_changed_at"] == now
                assert after["waiting_parts"] == (target == "waiting_parts")
                entry = await latest_entry(conn, SEED_TICKET)
                assert entry["type"] == "status_change" and entry["status"] == target
                assert entry["author_id"] == user.id and entry["author_name"] == user.full_name


@pytest.mark.parametrize("if_match", [False, True])
async def test_a_change_between_read_and_write_is_caught_by_the_compare_and_set(
    database: tuple[AsyncEngine, async_sessionmaker[AsyncSession]], if_match: bool
) -> None:
    """The session read the ticket; someone else then moves it; our UPDATE touches no row:
    nothing is written and the answer says who changed it (412) or why it no longer fits."""
    engine, sessions = database
    tech = await _user(sessions, "tech")
    manager = await _user(sessions, "manager")
    now = dt.datetime.now(dt.UTC)
    body = wire.ContactedRequest.model_validate(body_for("contacted", now))
    async with sessions() as late:
        stale_copy = await late.get(db.Ticket, SEED_TICKET)  # held in late's identity map
        assert stale_copy is not None
        seen_version = stale_copy.version
        async with sessions() as early:
            await ticket_actions.transition(
                early, SEED_TICKET, manager, TicketAction.CONTACTED, body, if_match=None, now=now
            )
        async with engine.connect() as conn:
            before = await state(conn, SEED_TICKET)
        expected: type[Exception] = PreconditionFailed if if_match else NotAllowed
        with pytest.raises(expected) as refused:
            await ticket_actions.transition(
                late,
                SEED_TICKET,
                tech,
                TicketAction.CONTACTED,
                body,
                if_match=seen_version if if_match else None,
                now=now,
            )
    if if_match:
        assert refused.value.changed_by == manager.full_name  # type: ignore[attr-defined]
    async with engine.connect() as conn:
        assert await state(conn, SEED_TICKET) == before


async def test_two_sessions_at_once_one_wins(
    database: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    engine, sessions = database
    users = [await _user(sessions, name) for name in ("tech", "manager")]
    now = dt.datetime.now(dt.UTC)
    body = wire.UnreachableRequest.model_validate(body_for("unreachable", now))
    async with engine.connect() as conn:
        before = await state(conn, SEED_TICKET)

    async def attempt(user: db.User) -> str:
        async with sessions() as session:
            try:
                await ticket_actions.transition(
                    session,
                    SEED_TICKET,
                    user,
                    TicketAction.UNREACHABLE,
                    body,
                    if_match=before["version"],
                    now=now,
                )
            except PreconditionFailed:
                return "stale"
            return "done"

    results = await asyncio.gather(*(attempt(u) for u in users))
    assert sorted(results) == ["done", "stale"]
    async with engine.connect() as conn:
        after = await state(conn, SEED_TICKET)
    assert after["version"] == before["version"] + 1
    assert after["history"] == before["history"] + 1
