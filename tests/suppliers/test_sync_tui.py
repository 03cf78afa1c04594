"""The supplier changes screen at 80x24, by keyboard, against the real backend and the
supplier platform as its own process: Synchronise, the diff naming the ticket and its
appointment, mark, Apply, and the entry in the ticket's history."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Static

from client.models.supplier_sync import SupplierChanges
from tests.suppliers.conftest import RunningPlatform
from tests.suppliers.sync_helpers import sent_order
from tests.tui.conftest import tui_for
from tests.tui.test_catalogue import wait
from tests.tui.test_home import signed_in_home
from tui.screens.confirm import ConfirmScreen
from tui.screens.supplier_changes import SupplierChangesScreen


def text(widget: Static) -> str:
    return str(widget.render())


async def test_synchronise_shows_the_diff_with_its_ticket_and_apply_writes_history(
    app: object,
    signed_in: object,
    database_url: str,
    supplier_platform: RunningPlatform,
    reference: str,
) -> None:
    await sent_order(database_url, supplier_platform.url, reference)
    later = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    done = supplier_platform.sav("change", reference, "--delivery", later, "--name", "BRULEUR V2")
    assert done.returncode == 0, done.stderr
    tui = tui_for(app)
    async with tui.run_test(size=(80, 24)) as pilot:
        await signed_in_home(tui, pilot, "tech")
        await pilot.press("colon", *"changes", "enter")
        await wait(tui, pilot)
        screen = tui.screen
        assert isinstance(screen, SupplierChangesScreen)
        assert "never" in text(screen.query_one("#changes-sync", Static))
        await pilot.press("s")  # Synchronise
        await tui.workers.wait_for_complete()
        await wait(tui, pilot, rounds=6)
        await tui.workers.wait_for_complete()
        await wait(tui, pilot)
        mine = [c for c in screen.rows if c.client_reference == reference]
        assert {c.field for c in mine} == {"expected_delivery", "part_name"}
        assert "Last sync:" in text(screen.query_one("#changes-sync", Static))
        table = screen.query_one("#changes", DataTable)
        row = next(i for i, c in enumerate(screen.rows) if c.field == "expected_delivery")
        table.move_cursor(row=row)
        await wait(tui, pilot)
        import os

        if os.environ.get("SAV_DUMP_SCREEN"):
            dump = "\n".join(s.text for s in tui.screen._compositor.render_strips())
            open(os.environ["SAV_DUMP_SCREEN"], "w").write(dump)
        info = text(screen.query_one("#changes-info", Static))
        assert "ticket 116496" in info and "delivery date" in info
        await pilot.press("space")  # mark the delivery date only
        await pilot.press("a")
        await wait(tui, pilot)
        assert isinstance(tui.screen, ConfirmScreen)
        await pilot.press("enter")
        await tui.workers.wait_for_complete()
        await wait(tui, pilot, rounds=6)
        await tui.workers.wait_for_complete()
        await wait(tui, pilot)
        left = [c for c in screen.rows if c.client_reference == reference]
        assert [c.field for c in left] == ["part_name"]
    client = await signed_in("tech")  # type: ignore[operator]
    changes: SupplierChanges = await client.supplier_changes()
    assert changes.last_success_at is not None
    history = await client.ticket_history(116496)
    assert any(e.event == "supplier_changes_applied" for e in history.items)
