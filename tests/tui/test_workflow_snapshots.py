"""What the operator's new ticket form looks like at 80x24 (data and clock pinned)."""

from __future__ import annotations

from tests.tui.test_login import settle


def test_new_ticket_form_80x24(snap_compare, snapshot_tui) -> None:
    async def form(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*"operator", "tab", *"demo", "enter")
        await settle(pilot.app, pilot)
        await pilot.press("n")
        await settle(pilot.app, pilot)
        await pilot.press(*"Lemaire", "tab", *"Odile")
        await settle(pilot.app, pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=form)
