"""SavClient against the real backend app (ASGI transport): typed answers and error mapping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from client.api import (
    AuthError,
    NotFoundError,
    SavClient,
    ThrottledError,
    UnavailableError,
    ValidationFailed,
)
from client.models import CsvFormat, Role, TicketSort, TicketStatus


async def test_login_me_and_dashboard(make_client) -> None:
    client: SavClient = make_client()
    answer = await client.login("tech", "demo")
    assert answer.user.role is Role.TECHNICIAN
    assert client.token == answer.access_token
    me = await client.me()
    assert me.service_centre is not None
    assert me.service_centre.rate == Decimal("72.00")
    assert me.service_centre.vat_rate == Decimal("20")
    board = await client.dashboard()
    assert {c.status for c in board.status_counts} == set(TicketStatus)


async def test_the_seed_ticket_is_typed(signed_in) -> None:
    client = await signed_in("tech")
    ticket = await client.ticket(116496)
    assert ticket.customer.last_name == "Reggiani"
    assert ticket.appliance.serial_number == "123345"
    group = await client.ticket_group(116496)
    assert [t.id for t in group.tickets] == [116496, 116497]


async def test_errors_are_mapped(make_client, signed_in) -> None:
    anonymous: SavClient = make_client()
    with pytest.raises(AuthError) as wrong:
        await anonymous.login("tech", "nope")
    assert wrong.value.status == 401
    with pytest.raises(AuthError):
        await anonymous.me()
    tech2 = await signed_in("tech2")
    with pytest.raises(NotFoundError):
        await tech2.ticket(116496)  # another centre's ticket: 404 like a missing one
    with pytest.raises(ValidationFailed) as invalid:
        await tech2.service_centres(limit=100_000)
    assert "limit" in invalid.value.fields


async def test_throttled_sign_in_says_how_long(make_client) -> None:
    client: SavClient = make_client()
    for _ in range(5):
        with pytest.raises(AuthError):
            await client.login("manager", "wrong")
    with pytest.raises(ThrottledError) as throttled:
        await client.login("manager", "demo")
    assert throttled.value.retry_after and throttled.value.retry_after > 0


async def test_logout_forgets_the_token_and_revokes_it(signed_in) -> None:
    client = await signed_in("tech")
    token = client.token
    await client.logout()
    assert client.token is None
    client.token = token
    with pytest.raises(AuthError):
        await client.me()


async def test_unreachable_server_is_unavailable(tmp_path: Path) -> None:
    transport = httpx.AsyncHTTPTransport(uds=str(tmp_path / "nobody-listens.sock"))
    client = SavClient(
        httpx.AsyncClient(transport=transport, base_url="http://embedded"), retries=1, backoff=0.01
    )
    with pytest.raises(UnavailableError) as err:
        await client.health()
    assert "cannot reach" in err.value.message
    await client.aclose()


class FlakyNetwork(httpx.AsyncBaseTransport):
    """A network that drops the first ``failures`` requests, then delivers to the real app.
    (A stand-in for the network only: the backend behind it is the real one.)"""

    def __init__(self, app: object, failures: int, error: type[Exception]) -> None:
        self.inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self.failures = failures
        self.error = error
        self.seen: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.method)
        if self.failures > 0:
            self.failures -= 1
            raise self.error("simulated network failure")  # type: ignore[call-arg]
        return await self.inner.handle_async_request(request)


async def test_idempotent_reads_are_retried(app) -> None:
    network = FlakyNetwork(app, failures=2, error=httpx.ReadTimeout)
    client = SavClient(
        httpx.AsyncClient(transport=network, base_url="http://t"), retries=2, backoff=0.01
    )
    assert (await client.health()).status == "ok"
    assert network.seen == ["GET", "GET", "GET"]


async def test_writes_without_a_key_are_not_retried_after_a_timeout(app) -> None:
    network = FlakyNetwork(app, failures=1, error=httpx.ReadTimeout)
    client = SavClient(
        httpx.AsyncClient(transport=network, base_url="http://t"), retries=3, backoff=0.01
    )
    with pytest.raises(UnavailableError):
        await client.login("tech", "demo")
    assert network.seen == ["POST"]  # the login may have happened: not sent again


async def test_a_write_that_never_left_is_retried(app) -> None:
    network = FlakyNetwork(app, failures=1, error=httpx.ConnectError)
    client = SavClient(
        httpx.AsyncClient(transport=network, base_url="http://t"), retries=2, backoff=0.01
    )
    assert (await client.login("tech", "demo")).user.username == "tech"
    assert network.seen == ["POST", "POST"]


async def test_search_and_export_tickets_through_the_client(
    signed_in: object, tmp_path: Path
) -> None:
    from client.models import TicketQuery

    client = await signed_in("tech")  # type: ignore[operator]
    query = TicketQuery(status=(TicketStatus.TO_CONTACT,), sort=TicketSort.CUSTOMER, desc=False)
    first = await client.search_tickets(query, limit=5)
    assert first.offset == 0 and len(first.items) == min(5, first.total)
    assert all(t.status is TicketStatus.TO_CONTACT for t in first.items)
    rest = await client.search_tickets(query, limit=200, offset=5)
    assert rest.offset == 5
    everything = [t.id for t in [*first.items, *rest.items]]

    target = tmp_path / "tickets.csv"
    rows = await client.export_tickets(query, target)  # for a spreadsheet, in English
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert rows == len(everything) == len(lines) - 1
    assert lines[0].startswith("Ticket,Group,Created,Status")
    assert [int(line.split(",")[0]) for line in lines[1:]] == everything
    assert not (tmp_path / "tickets.csv.part").exists()

    client.language = "fr"
    rows = await client.export_tickets(query, target)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Ticket;Groupe;Créé le;Statut")
    assert [int(line.split(";")[0]) for line in lines[1:]] == everything

    rows = await client.export_tickets(query, target, csv_format=CsvFormat.MACHINE)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("ticket,group,created_at,status")
    assert [line.split(",")[3] for line in lines[1:]] == ["to_contact"] * rows


async def test_the_history_comes_in_the_clients_language_and_zone(signed_in: object) -> None:
    from client.models import ContactMeans, TicketAction, UnreachableRequest

    client = await signed_in("tech")  # type: ignore[operator]
    attempt = dt.datetime(2026, 1, 5, 9, 15, tzinfo=dt.UTC)
    await client.ticket_action(
        116496,
        TicketAction.UNREACHABLE,
        UnreachableRequest(attempted_at=attempt, means=ContactMeans.PHONE, note="no answer"),
    )
    client.language, client.time_zone = "fr", "Europe/Paris"
    latest = (await client.ticket_history(116496)).items[0]
    assert latest.event == "unreachable" and latest.note == "no answer"
    assert latest.params == {"attempted_at": attempt.isoformat(), "means": "phone"}
    assert latest.text == "Client non joignable : tentative le 05/01/2026 à 10:15 par téléphone"
    client.time_zone = "Nowhere/Atlantis"
    with pytest.raises(ValidationFailed) as refused:
        await client.ticket_history(116496)
    assert "Time-Zone" in refused.value.fields


async def test_a_refused_export_leaves_no_file(make_client: object, tmp_path: Path) -> None:
    from client.models import TicketQuery

    client = make_client()  # type: ignore[operator]
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(AuthError):
        await client.export_tickets(TicketQuery(), folder / "tickets.csv")
    assert list(folder.iterdir()) == []
