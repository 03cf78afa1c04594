"""A CSV export the server fails half-way never looks like a complete file (issue 14).

End to end over a real uvicorn server (in a thread of this process, so that a fault can be
put in the server's own row formatting): the server has answered 200 and sent rows when a
row fails; it then cuts the connection before the chunked body's end, the client says the
file was cut off, and keeps no file, neither under the name asked for nor a ``.part``.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.serving import app_in_thread
from client import messages
from client.api import IncompleteDownload, SavClient, UnavailableError
from client.models import CsvFormat, TicketQuery
from server.app import create_app
from server.services import ticket_export
from server.settings import Settings
from tui.i18n import DOMAIN, LOCALE_DIR


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The app under uvicorn on a free loopback port; its URL."""
    app = create_app(settings.model_copy(update={"supplier_sync_hours": 0}))
    with app_in_thread(app) as url:
        yield url


class RowFault:
    """Replaces the server's row formatting: the rows after ``after`` raise."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, after: int) -> None:
        self.after, self.rows = after, 0
        for name in ("_spreadsheet_row", "_machine_row"):
            real = getattr(ticket_export, name)
            monkeypatch.setattr(ticket_export, name, self._wrap(real))

    def _wrap(self, real: Any) -> Any:
        def row(*args: Any) -> list[str]:
            self.rows += 1
            if self.rows > self.after:
                raise RuntimeError("a fault injected in the CSV row formatting")
            return list(real(*args))

        return row


async def test_an_export_cut_short_by_the_server_is_reported_and_leaves_no_file(
    live_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(ticket_export, "EXPORT_BATCH", 20)  # rows go out in batches of 20
    async with httpx.AsyncClient(base_url=live_server, timeout=20) as http:
        client = SavClient(http)
        await client.login("operator", "demo")
        total = (await client.search_tickets(TicketQuery(), limit=1)).total
        assert total > 60
        folder = tmp_path / "exports"
        folder.mkdir()
        target = folder / "tickets.csv"

        # what goes over the wire: a 200, the header and rows, then no end of the body
        fault = RowFault(monkeypatch, after=50)
        received = b""
        url = "/tickets.csv"
        auth = {"Authorization": f"Bearer {client.token}"}
        with pytest.raises(httpx.RemoteProtocolError):
            async with http.stream("GET", url, params={"format": "machine"}, headers=auth) as r:
                assert r.status_code == 200
                async for chunk in r.aiter_bytes():
                    received += chunk
        assert received.count(b"\n") == 1 + 40  # the header and two whole batches

        # the client: an error saying so, no file at all
        for csv_format in CsvFormat:
            fault.rows = 0
            with pytest.raises(IncompleteDownload) as cut:
                await client.export_tickets(TicketQuery(), target, csv_format=csv_format)
            assert cut.value.code == "incomplete"
            assert cut.value.message == (
                "the file was cut off before its end: nothing was saved, try again"
            )
            assert list(folder.iterdir()) == []

        # in the language of the TUI showing it ("Export failed: ...")
        messages.install(gettext.translation(DOMAIN, LOCALE_DIR, languages=["fr"]).gettext)
        fault.rows = 0
        with pytest.raises(IncompleteDownload) as cut:
            await client.export_tickets(TicketQuery(), target)
        assert cut.value.message.startswith("le fichier s'est arrêté avant sa fin")
        messages.install(None)

        # a fault in the first batch: made before the answer starts, so it is an error status
        fault.rows, fault.after = 0, 5
        with pytest.raises(UnavailableError) as failed:
            await client.export_tickets(TicketQuery(), target)
        assert failed.value.status == 500 and not isinstance(failed.value, IncompleteDownload)
        assert list(folder.iterdir()) == []

        # the server is still up, and without the fault the same export is whole
        fault.rows, fault.after = 0, 10**9
        assert await client.export_tickets(TicketQuery(), target) == total
        assert [p.name for p in folder.iterdir()] == ["tickets.csv"]
