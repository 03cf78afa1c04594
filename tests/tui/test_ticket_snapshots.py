"""What the ticket screens look like at 80x24 and 120x40 (data and clock pinned)."""

from __future__ import annotations

import pytest

from tests.tui.test_login import settle

SIZES = [(80, 24), (120, 40)]


async def _signed_in(pilot, username: str = "tech") -> None:
    await settle(pilot.app, pilot)
    await pilot.press(*username, "tab", *"demo", "enter")
    await settle(pilot.app, pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ticket_search(snap_compare, snapshot_tui, size) -> None:
    async def search(pilot) -> None:
        await _signed_in(pilot, "operator")
        await pilot.press("t")
        await settle(pilot.app, pilot)
        await pilot.press(*"st:to_contact,unreach")
        await settle(pilot.app, pilot)
        await pilot.press("down", "down", "down")
        await settle(pilot.app, pilot)

    assert snap_compare(snapshot_tui(), terminal_size=size, run_before=search)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ticket_detail(snap_compare, snapshot_tui, size) -> None:
    async def ticket(pilot) -> None:
        await _signed_in(pilot)
        pilot.app.open_ticket(116496)
        await settle(pilot.app, pilot)

    assert snap_compare(snapshot_tui(), terminal_size=size, run_before=ticket)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ticket_history(snap_compare, snapshot_tui, size) -> None:
    async def history(pilot) -> None:
        await _signed_in(pilot)
        pilot.app.open_ticket(116496)
        await settle(pilot.app, pilot)
        await pilot.press("h")
        await settle(pilot.app, pilot)

    assert snap_compare(snapshot_tui(), terminal_size=size, run_before=history)


def test_contacted_form_80x24(snap_compare, snapshot_tui) -> None:
    async def form(pilot) -> None:
        await _signed_in(pilot)
        pilot.app.open_ticket(116496)
        await settle(pilot.app, pilot)
        await pilot.press("c")
        await settle(pilot.app, pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=form)
