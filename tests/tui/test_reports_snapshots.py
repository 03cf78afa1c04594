"""What the monthly parts report and the voucher period view look like at 80x24 (the
snapshot data is served at one fixed instant: the month and year are the clock's)."""

from __future__ import annotations

from tests.tui.test_cart_orders_snapshots import _signed_in
from tests.tui.test_catalogue_snapshots import _done


def test_parts_report_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _signed_in(pilot, "manager")
        await pilot.press("i")
        await _done(pilot)
        await pilot.press("down", "p")
        await _done(pilot)
        await pilot.press("down")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)


def test_voucher_periods_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _signed_in(pilot, "manager")
        await pilot.press("colon", *"periods", "enter")
        await _done(pilot)
        await pilot.press("G")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)
