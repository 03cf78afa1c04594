"""The supplier account form and availability side by side, with the keyboard, against sav's
backend and the reference platform running as its own process."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static

from tests.tui.conftest import tui_for
from tests.tui.test_home import signed_in_home
from tui.screens.part import PartScreen
from tui.screens.supplier_account import SupplierAccountForm
from tui.widgets.supplier_availability import SupplierAvailabilityView


async def wait(app, pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def error(form: SupplierAccountForm, name: str) -> str:
    return str(form.query_one(f"#error-{name}", Static).render())


async def test_the_manager_enters_the_account_wrong_then_right_and_sees_the_supplier(
    app, settings
) -> None:
    tui = tui_for(app)
    async with tui.run_test(size=(80, 24)) as pilot:
        await signed_in_home(tui, pilot, "manager")
        await pilot.press("colon", *"p 870650222", "enter")
        await wait(tui, pilot)
        part = tui.screen
        assert isinstance(part, PartScreen)
        view = part.query_one(SupplierAvailabilityView)
        table = view.query_one(DataTable)
        # no account yet: the manufacturer's column, and how to enter one
        assert [r[0] for r in cells(table)] == ["870650222", "⇒870650444"]
        assert "s enters" in str(view.query_one(Static).render())
        await pilot.press("s")
        await wait(tui, pilot)
        form = tui.screen
        assert isinstance(form, SupplierAccountForm)
        form.query_one("#field-supplier", Select).value = "reference"  # not "closed"
        # the demo atelier account needs its secret: a wrong one is said beside the fields
        await pilot.press("tab", *"atelier", "tab", *"100300", "tab", *"wrong", "ctrl+s")
        await wait(tui, pilot)
        assert tui.screen is form
        assert "does not know" in error(form, "secret")
        assert "does not know" in error(form, "user_name")
        values = {w.id: w.value for w in form.query(Input)}
        assert values["field-user_name"] == "atelier" and values["field-customer_id"] == "100300"
        assert values["field-secret"] == "wrong"  # nothing typed is lost
        form.query_one("#field-secret", Input).value = ""
        form.query_one("#field-secret", Input).focus()
        await pilot.press(*"demo-secret", "ctrl+s")
        await wait(tui, pilot)
        assert tui.screen is part  # kept; the supplier answers beside the manufacturer
        await wait(tui, pilot)
        rows = cells(table)
        assert [c.split()[0] for c in rows[0][2:]] == ["⇒12·2d"]  # sold as its successor
        assert rows[1][2] == "12·2d 13.90"
        # the secret is never shown back: the form opens again without it
        await pilot.press("s")
        await wait(tui, pilot)
        again = tui.screen
        assert isinstance(again, SupplierAccountForm)
        again.query_one("#field-supplier", Select).value = "reference"
        await pilot.pause()
        assert again.query_one("#field-user_name", Input).value == "atelier"
        assert again.query_one("#field-secret", Input).value == ""


async def test_a_supplier_that_does_not_answer_does_not_hold_up_the_other(
    app, settings, database_url
) -> None:
    from tests.suppliers.test_availability import _add_account

    await _add_account(database_url, "closed")  # its platform answers nobody
    await _add_account(database_url, "reference")
    tui = tui_for(app)
    async with tui.run_test(size=(80, 24)) as pilot:
        await signed_in_home(tui, pilot)
        await pilot.press("colon", *"av 870650447", "enter")
        await wait(tui, pilot)
        table = tui.screen.query_one(DataTable)
        closed, reference = cells(table)[0][2:]
        # (the platform is shared by the session's tests: another may have changed this part)
        assert closed == "no answer" and "9·2d" in reference
        view = tui.screen.query_one(SupplierAvailabilityView)
        view.refresh_suppliers()  # what r does once the tree is read again
        assert [str(c) for c in table.get_row_at(0)][2:] == ["asking…", "asking…"]
        await wait(tui, pilot)
        await pilot.press("r")
        await wait(tui, pilot)
        assert cells(table)[0][2:] == [closed, reference]
        from client.models import AddToCart

        await tui.client.add_to_cart(AddToCart(requested_code="870650447"))
        await pilot.press("colon", *"cart", "enter")  # the cart's line: v
        await wait(tui, pilot)
        line = tui.screen.cart.lines[0]
        await pilot.press("v")
        await wait(tui, pilot)
        assert tui.screen.code == line.requested_code
        assert tui.screen.code == "870650447"
        assert cells(tui.screen.query_one(DataTable))[0][2:] == [closed, reference]


def test_the_account_form_with_wrong_credentials_80x24(snap_compare, settings) -> None:
    """What the manager sees after a refused account: the reasons beside the fields, what was
    typed kept, the secret hidden."""
    from server.app import create_app
    from tests.tui.test_login import settle

    async def run(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*"manager", "tab", *"demo", "enter")
        await settle(pilot.app, pilot)
        await pilot.press("colon", *"supplier", "enter")
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.2)
        pilot.app.screen.query_one("#field-supplier", Select).value = "reference"
        await pilot.press("tab", *"atelier", "tab", *"100300", "tab", *"wrong", "ctrl+s")
        for _ in range(4):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.2)
        pilot.app.clear_notifications()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(tui_for(create_app(settings)), terminal_size=(80, 24), run_before=run)


async def test_the_first_check_without_an_account_asks_the_manager_for_it(app, settings) -> None:
    from tui.screens.availability import AvailabilityScreen

    tui = tui_for(app)
    async with tui.run_test(size=(80, 24)) as pilot:
        await signed_in_home(tui, pilot, "manager")
        await pilot.press("colon", *"p 870650222", "enter")
        await wait(tui, pilot)
        await pilot.press("v")  # on the tree: the highlighted part at every supplier
        await wait(tui, pilot)
        form = tui.screen
        assert isinstance(form, SupplierAccountForm)  # no account yet: asked for it
        form.query_one("#field-supplier", Select).value = "reference"
        await pilot.press("tab", *"demo", "tab", *"100200", "ctrl+s")
        await wait(tui, pilot)
        await wait(tui, pilot)
        screen = tui.screen
        assert isinstance(screen, AvailabilityScreen)
        table = screen.query_one(DataTable)
        assert [c.split()[0] for c in cells(table)[1][1:]] == ["15·2d", "12·2d"]
