"""What invoicing looks like at 80x24: the list with marks and totals, the confirmation, the
voucher made, and the vouchers search in French."""

from __future__ import annotations

from tests.tui.test_cart_orders_snapshots import _signed_in
from tests.tui.test_catalogue_snapshots import _done


async def _marked_two(pilot) -> None:
    await _signed_in(pilot, "manager")
    await pilot.press("i")
    await _done(pilot)
    await pilot.press("down", "space", "space")
    await _done(pilot)


def test_invoicing_two_marked_80x24(snap_compare, snapshot_tui) -> None:
    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=_marked_two)


def test_invoicing_confirmation_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _marked_two(pilot)
        await pilot.press("f")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)


def test_voucher_made_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _marked_two(pilot)
        await pilot.press("f", "y")
        await _done(pilot)
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)


def test_vouchers_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _signed_in(pilot, "tech")
        await pilot.press("i")
        await _done(pilot)
        await pilot.press("down", "s")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)
