"""What the cart, checkout and orders screens look like at 80x24."""

from __future__ import annotations

from client.models import AddToCart
from tests.tui.test_catalogue_snapshots import _done
from tests.tui.test_login import settle


async def _signed_in(pilot, username: str) -> None:
    await settle(pilot.app, pilot)
    await pilot.press(*username, "tab", *"demo", "enter")
    await settle(pilot.app, pilot)


async def _cart_of_tech2(pilot) -> None:
    await _signed_in(pilot, "tech2")
    client = pilot.app.client
    await client.add_to_cart(AddToCart(requested_code="INOX-SP"))
    await client.add_to_cart(AddToCart(requested_code="870650222", quantity=2))
    await pilot.press("b")
    await _done(pilot)


def test_cart_80x24(snap_compare, snapshot_tui) -> None:
    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=_cart_of_tech2)


def test_checkout_with_a_default_address_to_complete_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _cart_of_tech2(pilot)
        await pilot.press("f10")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)


def test_orders_of_every_centre_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _signed_in(pilot, "operator")
        await pilot.press("o")
        await _done(pilot)
        await pilot.press("down", "space")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)


def test_order_80x24(snap_compare, snapshot_tui) -> None:
    async def run(pilot) -> None:
        await _signed_in(pilot, "tech")
        await pilot.press("o")
        await _done(pilot)
        await pilot.press("down", "enter")
        await _done(pilot)

    assert snap_compare(snapshot_tui(), terminal_size=(80, 24), run_before=run)
