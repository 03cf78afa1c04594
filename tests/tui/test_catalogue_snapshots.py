"""What the catalogue screens look like, at 80x24 and 120x40."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.test_login import settle


async def _signed_in(pilot) -> None:
    await settle(pilot.app, pilot)
    await pilot.press(*"tech", "tab", *"demo", "enter")
    await settle(pilot.app, pilot)


async def _done(pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.2)
    pilot.app.clear_notifications()
    # A blinking cursor would make the picture depend on when it is taken (it did, on a
    # loaded machine): no blinking, so a focused field shows no cursor.
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def _model_on_a_replaced_burner():
    async def run(pilot) -> None:
        await _signed_in(pilot)
        await pilot.press("colon", *"m AP64-3", "enter")
        await _done(pilot)
        await pilot.press("slash", *"4318", "enter", "down")
        await _done(pilot)

    return run


def test_catalogue_search_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _signed_in(pilot)
        await pilot.press("c", *"p64")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)


def test_model_80x24(snap_compare, snapshot_tui) -> None:
    run = _model_on_a_replaced_burner()
    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)


def test_model_120x40(snap_compare, snapshot_tui) -> None:
    run = _model_on_a_replaced_burner()
    assert snap_compare(snapshot_tui(), terminal_size=(120, 40), run_before=run)


def test_part_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _signed_in(pilot)
        await pilot.press("colon", *"p 810930094", "enter")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)


def test_add_to_cart_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _signed_in(pilot)
        await pilot.press("colon", *"p 870650223", "enter")
        await _done(pilot)
        await pilot.press("a")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)
