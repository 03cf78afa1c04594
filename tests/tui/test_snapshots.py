"""What the screens look like, at 80x24 (the size every screen must fit)."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.test_login import settle


def test_login_80x24(snap_compare, snapshot_tui) -> None:
    async def connected(pilot) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=connected)


def test_login_error_80x24(snap_compare, snapshot_tui) -> None:
    async def wrong_password(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*"tech", "tab", *"nope", "enter")
        await settle(pilot.app, pilot)
        # on a loaded machine the refusal (argon2 runs in a thread) can come after settle
        error = pilot.app.screen.query_one("#login-error")
        for _ in range(100):
            if error.display:
                break
            await pilot.pause(0.05)
        for field in pilot.app.screen.query(Input):  # no blinking: the same picture every time
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=wrong_password)


def test_home_80x24(snap_compare, snapshot_tui) -> None:
    async def signed_in(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*"tech", "tab", *"demo", "enter")
        await settle(pilot.app, pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=signed_in)
