"""What closing looks like at 80x24: the closing form of the seed ticket, and the closing the
operator checks before verifying (data and clock pinned)."""

from __future__ import annotations

from tests.tui.test_login import settle
from tests.tui.test_ticket_snapshots import _signed_in


def test_closing_form_80x24(snap_compare, snapshot_tui) -> None:
    async def form(pilot) -> None:
        await _signed_in(pilot)
        pilot.app.open_ticket(116496)
        await settle(pilot.app, pilot)
        await pilot.press("c")  # customer contacted: the ticket may then be closed
        await settle(pilot.app, pilot)
        await pilot.press("ctrl+s")
        await settle(pilot.app, pilot)
        await pilot.press("x")
        await settle(pilot.app, pilot)
        # the contact's "Saved on this ticket and 1 other…" toast lives a few seconds: on a
        # loaded machine it was gone before the picture, on a quiet one it was in it
        pilot.app.clear_notifications()
        await settle(pilot.app, pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=form)


def test_closing_the_operator_verifies_80x24(snap_compare, snapshot_tui) -> None:
    async def ticket(pilot) -> None:
        await _signed_in(pilot, "operator")
        pilot.app.open_ticket(116470)
        await settle(pilot.app, pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=ticket)
