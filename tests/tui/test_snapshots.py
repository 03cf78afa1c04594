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


def test_login_without_colour_80x24(snap_compare, snapshot_tui) -> None:
    """NO_COLOR: attributes only; the focused field in reverse video, the others underlined."""

    async def connected(pilot) -> None:
        await settle(pilot.app, pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    app = snapshot_tui(colours="none")
    assert snap_compare(app, terminal_size=(80, 24), run_before=connected)


def test_tickets_on_a_linux_console_80x24(snap_compare, snapshot_tui) -> None:
    """TERM=linux: 16 colours without bright backgrounds, ascii glyphs; the list has focus:
    ``>`` and the ticket number in reverse video on the cursor row."""

    async def tickets(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*"tech", "tab", *"demo", "enter")
        await settle(pilot.app, pilot)
        await pilot.press("t")
        await settle(pilot.app, pilot)
        await pilot.press("down", "down")
        await settle(pilot.app, pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    app = snapshot_tui(colours="16", glyph_mode="ascii")
    assert snap_compare(app, terminal_size=(80, 24), run_before=tickets)
