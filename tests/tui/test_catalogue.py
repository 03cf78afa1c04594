"""The catalogue screens with the keyboard, against the real backend."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input, Static

from client.models import ViewLine
from tests.tui.test_home import signed_in_home
from tui.screens.add_to_cart import AddToCartScreen, ApplianceInfo
from tui.screens.catalogue import CatalogueScreen
from tui.screens.model import ModelScreen
from tui.screens.part import PartScreen
from tui.widgets.parts_list import PartsList
from tui.widgets.supersession_tree import SupersessionTreeView


async def wait(app, pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()


def rows(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_model(app, pilot, code: str = "AP64-3") -> ModelScreen:
    await pilot.press("colon", *f"m {code}", "enter")
    await wait(app, pilot, 5)
    assert isinstance(app.screen, ModelScreen)
    return app.screen


async def test_c_on_home_opens_the_search_and_results_come_as_you_type(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("c")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        table = screen.query_one("#catalogue-results", DataTable)
        assert table.row_count == 31  # every model before anything is typed
        await pilot.press(*"p64")
        await wait(app, pilot)
        codes = [r[0] for r in rows(table)]
        assert codes[0] == "P64" and "AP64-3" in codes and "GVIP640" in codes
        await pilot.press("down")  # to the results
        assert app.focused is table
        await pilot.press("down", "enter")  # the second row: AP64-3
        await wait(app, pilot, 5)
        assert isinstance(app.screen, ModelScreen)
        assert app.screen.view is not None and app.screen.view.model.code == "AP64-3"


async def test_parts_and_where_used_modes(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("c")
        await wait(app, pilot)
        screen = app.screen
        table = screen.query_one("#catalogue-results", DataTable)
        await pilot.press("f3", *"splend")
        await wait(app, pilot)
        assert rows(table) == [["INOX-SP", "INOX SPLEND BOTTLE", "120", "9.45", ""]]
        await pilot.press("f4")
        screen.query_one("#catalogue-query", Input).value = ""
        await pilot.press(*"870650444")
        await wait(app, pilot)
        models = {r[0] for r in rows(table)}
        assert {"AP64-3", "AP641", "AP641B"} <= models
        await pilot.press("ctrl+a")  # nothing: Esc and letters never lose the search
        await pilot.press("down", "enter")
        await wait(app, pilot, 5)
        model = app.screen
        assert isinstance(model, ModelScreen)
        current = model.query_one("#model-lines", PartsList).current
        assert current is not None and current.part.code == "870650444"


async def test_the_list_gives_the_total_and_loads_more_rows_as_the_cursor_nears_its_end(
    make_tui, signed_in
) -> None:
    truth = await (await signed_in("tech")).parts("joint", limit=200)
    assert truth.total == len(truth.items) > 50  # more than a first page
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("c", "f3", *"joint")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        table = screen.query_one("#catalogue-results", DataTable)
        status = screen.query_one("#catalogue-status", Static)
        assert table.row_count == 50
        assert f"{truth.total} results · 50 loaded" in str(status.render())
        await pilot.press("down")  # to the results
        for _ in range(45):  # the cursor walks down: the next page comes before the end
            await pilot.press("j")
        await wait(app, pilot)
        assert table.row_count == len(screen.rows) == truth.total
        assert str(status.render()) == f"{truth.total} results"
        await pilot.press("G")  # the last row, past the first 50
        await wait(app, pilot)
        assert table.cursor_row == truth.total - 1
        assert [r[0] for r in rows(table)] == [p.code for p in truth.items]
        await pilot.press("enter")
        await wait(app, pilot, 5)
        assert isinstance(app.screen, PartScreen)
        assert app.screen.code == truth.items[-1].code


async def test_a_new_search_starts_again_from_its_first_page(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("c", "f3")  # every part: a long list
        await wait(app, pilot)
        screen = app.screen
        table = screen.query_one("#catalogue-results", DataTable)
        await pilot.press("down", "G")
        await wait(app, pilot)
        await pilot.press("G")
        await wait(app, pilot)
        assert table.row_count == 250  # 50, then two pages of 100
        assert screen.total > 250 and screen.next_cursor is not None
        await pilot.press("slash", *"splend")
        await wait(app, pilot)
        assert rows(table) == [["INOX-SP", "INOX SPLEND BOTTLE", "120", "9.45", ""]]
        assert screen.total == 1 and screen.next_cursor is None
        assert str(screen.query_one("#catalogue-status", Static).render()) == "1 result"


async def test_unknown_where_used_code_says_so(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("c", "f4", *"NOPE")
        await wait(app, pilot)
        status = str(app.screen.query_one("#catalogue-status", Static).render())
        assert "No part NOPE" in status


async def test_filter_as_you_type_and_the_tree_follows_the_cursor(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        model = await open_model(app, pilot)
        parts = model.query_one("#model-lines", PartsList)
        total = len(parts.lines)
        assert total >= 60 and len(parts.shown) == total
        await pilot.press("slash", *"41602")
        assert [parts.lines[i].part.code for i in parts.shown] == ["810930077"]
        await pilot.press("enter")  # back to the list
        assert app.focused is parts
        await wait(app, pilot, 5)
        tree = model.query_one("#model-tree", SupersessionTreeView)
        assert tree.tree_data is not None and tree.tree_data.part.code == "810930077"
        assert tree.tree_data.replaced
        assert "REPLACED PART" in str(tree.root.label)
        labels = []

        def walk(node) -> None:
            labels.append(str(node.label))
            for child in node.children:
                walk(child)

        walk(tree.root)
        assert any("810930115" in x and "◀ ORDER" in x for x in labels)
        assert "ORDER: 1× 810930115" in labels[-1]
        # the filter by description, and Esc clears it
        await pilot.press("slash", *"bruleur")
        assert {parts.lines[i].ref_num for i in parts.shown} >= {"43183", "43184", "43185"}
        await pilot.press("escape")
        assert len(parts.shown) == total and isinstance(app.screen, ModelScreen)
        await pilot.press("escape")  # now Esc goes back
        assert not isinstance(app.screen, ModelScreen)


async def test_tree_navigation_opens_the_part_to_order(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        model = await open_model(app, pilot)
        await pilot.press("slash", *"870650222", "enter")
        await wait(app, pilot, 5)
        tree = model.query_one("#model-tree", SupersessionTreeView)
        await pilot.press("tab")
        assert app.focused is tree
        # root, "Replaced by", 870650444
        await pilot.press("down", "down")
        node = tree.cursor_node
        assert node is not None and node.data.part.code == "870650444"
        assert "supersedes" in str(model.query_one("#model-edge", Static).render())
        await pilot.press("enter")
        await wait(app, pilot, 5)
        part = app.screen
        assert isinstance(part, PartScreen) and part.code == "870650444"
        info = str(part.query_one("#part-info", Static).render())
        assert "870650444" in info and "net 17.48 EUR" in info  # 18.40 less 5 %


async def test_adding_a_superseded_part_proposes_its_replacement(make_tui, signed_in) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        model = await open_model(app, pilot)
        await pilot.press("slash", *"870650222", "enter")
        await wait(app, pilot)
        await pilot.press("a")
        await wait(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AddToCartScreen)
        proposal = str(dialog.query_one("#cart-proposal", Static).render())
        assert "870650222 is replaced" in proposal and "870650444" in proposal
        await pilot.press("backspace", "3", "enter")
        await wait(app, pilot)
        assert app.screen is model
        assert "cart: 1" in str(model.query_one("#cart").render())
    cart = await (await signed_in("tech")).cart()
    assert [(x.requested_code, x.ordered_code, x.quantity) for x in cart.lines] == [
        ("870650222", "870650444", 3)
    ]


async def test_a_depending_part_lets_the_technician_choose(make_tui, signed_in) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("colon", *"p 870650223", "enter")
        await wait(app, pilot)
        assert isinstance(app.screen, PartScreen)
        await pilot.press("a")
        await wait(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AddToCartScreen)
        assert "Depends on the appliance" in str(dialog.query_one("#cart-proposal").render())
        await pilot.press("down", "enter")  # the second choice: the old burner itself
        await wait(app, pilot)
    cart = await (await signed_in("tech")).cart()
    assert [(x.requested_code, x.ordered_code) for x in cart.lines] == [("870650223", "870650223")]


async def test_manual_purchase_by_code_and_a_bad_quantity(make_tui, signed_in) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("c", "f6")
        await wait(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AddToCartScreen)
        await pilot.press(*"INOX-SP")
        await pilot.pause(0.4)
        await wait(app, pilot)
        await pilot.press("tab", "backspace", "0", "enter")
        await wait(app, pilot)
        assert app.screen is dialog
        assert "1 to 999" in str(dialog.query_one("#cart-quantity-error").render())
        assert await (await signed_in("tech")).cart_count() == 0
        await pilot.press("backspace", "2", "enter")
        await wait(app, pilot)
        assert not isinstance(app.screen, AddToCartScreen)
    cart = await (await signed_in("tech")).cart()
    assert [(x.ordered_code, x.quantity) for x in cart.lines] == [("INOX-SP", 2)]


async def test_lines_that_do_not_apply_to_the_appliance_are_marked_and_hidden(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("colon", *"m AP64-3", "enter")
        await wait(app, pilot, 5)
        model_id = app.screen.model_id
        appliance = ApplianceInfo(model_id=model_id, production_date=dt.date(2015, 6, 1))
        app.open_model(model_id, appliance)
        await wait(app, pilot, 5)
        model = app.screen
        parts = model.query_one("#model-lines", PartsList)
        old: ViewLine = next(x for x in parts.lines if x.part.code == "870650222")
        assert old.applies.value == "no"
        row = parts.format_row(parts.cells(old, parts.row_width), parts.row_width)
        assert row.startswith(" ✗R")  # after the gutter of the cursor's ▶
        before = len(parts.shown)
        await pilot.press("h")
        assert len(parts.shown) == before - 3  # the three burners valid until 30/11/2013
        assert all(parts.lines[i].applies.value != "no" for i in parts.shown)
        await pilot.press("h")
        assert len(parts.shown) == before


async def test_p_opens_a_part_with_its_tree_and_where_used(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot)
        await pilot.press("colon", *"p 810930077", "enter")
        await wait(app, pilot, 5)
        part = app.screen
        assert isinstance(part, PartScreen)
        info = str(part.query_one("#part-info", Static).render())
        assert "REPLACED PART" in info and "unavailable" in info
        used = part.query_one("#part-used", DataTable)
        assert "AP64-3" in {r[0] for r in rows(used)}
        await pilot.press("colon", *"p NOPE", "enter")
        await wait(app, pilot, 5)
        assert "No part NOPE" in str(app.screen.query_one("#part-info", Static).render())
