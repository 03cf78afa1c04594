"""The ticket search screen against the real backend: typing, filters, paging, queues, export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, Static

from client.models import TicketQuery, TicketSort, TicketStatus
from tests.tui.test_home import signed_in_home
from tests.tui.test_login import settle
from tui.screens.ticket import TicketScreen
from tui.screens.ticket_search import ResultsLoaded, TicketSearchScreen
from tui.widgets.ticket_list import TicketList


async def open_search(app, pilot, username: str = "tech") -> TicketSearchScreen:
    await signed_in_home(app, pilot, username)
    await pilot.press("t")
    await settle(app, pilot)
    assert isinstance(app.screen, TicketSearchScreen)
    return app.screen


def shown_ids(screen: TicketSearchScreen) -> list[int]:
    ticket_list = screen.query_one(TicketList)
    return [ticket_list._rows[i].id for i in range(ticket_list.total) if i in ticket_list._rows]


def status_text(screen: TicketSearchScreen) -> str:
    return str(screen.query_one("#result-status", Static).render())


async def test_typing_shows_the_servers_result(make_tui, signed_in) -> None:
    client = await signed_in("tech")
    truth = await client.search_tickets(TicketQuery(q="reggi"), limit=200)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        everything = screen.query_one(TicketList).total
        assert app.focused is screen.query_one("#search", Input)
        await pilot.press(*"reggi")
        await settle(app, pilot)
        assert shown_ids(screen) == [t.id for t in truth.items]
        assert screen.query_one(TicketList).total == truth.total < everything
        assert f"of {truth.total} tickets" in status_text(screen)


async def test_filters_on_the_search_line(make_tui, signed_in) -> None:
    client = await signed_in("tech")
    query = TicketQuery(status=(TicketStatus.TO_CONTACT, TicketStatus.UNREACHABLE), overdue=True)
    truth = await client.search_tickets(query, limit=200)
    assert truth.total, "no overdue ticket in the demo data: the test would prove nothing"
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        await pilot.press(*"st:to_c,unr is:overdue")
        await settle(app, pilot)
        assert shown_ids(screen) == [t.id for t in truth.items]


async def test_a_french_user_searches_in_french(make_tui, signed_in) -> None:
    client = await signed_in("tech")
    # The demo is seeded from today's date and other tests move tickets on:
    # take the town from the data rather than naming one.
    waiting = await client.search_tickets(
        TicketQuery(status=(TicketStatus.WAITING_PARTS,)), limit=200
    )
    assert waiting.total, "no ticket waiting for parts: the test would prove nothing"
    town = ""
    for ticket in waiting.items:
        prefix = ticket.city[:3].lower()
        everything = await client.search_tickets(TicketQuery(city=prefix), limit=200)
        if (
            prefix.isascii()
            and prefix.isalpha()
            and everything.total
            > sum(1 for t in waiting.items if t.city.lower().startswith(prefix))
        ):
            town = prefix
            break
    assert town, "every town's tickets are all waiting: the filter would prove nothing"
    query = TicketQuery(status=(TicketStatus.WAITING_PARTS,), city=town)
    truth = await client.search_tickets(query, limit=200)
    assert truth.total
    app = make_tui(language="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        await pilot.press(*f"st:att ville:{town}")
        await settle(app, pilot)
        assert shown_ids(screen) == [t.id for t in truth.items]
        assert not screen.query_one("#search-error", Static).display
        await pilot.press(*" tri:ville")
        await settle(app, pilot)
        assert screen.current_query.sort == TicketSort.CITY
        await pilot.press("f1")
        await settle(app, pilot)
        shown = app.screen.query_one(Markdown).source
        assert "`ville:`" in shown and "`tri:`" in shown and "En attente de pièces" in shown


async def test_a_wrong_filter_is_named_and_the_results_stay(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        await pilot.press(*"reggi")
        await settle(app, pilot)
        before = shown_ids(screen)
        await pilot.press(*" from:31/02/2026")
        await settle(app, pilot)
        error = screen.query_one("#search-error", Static)
        assert error.display and "from:31/02/2026 is not a date" in str(error.render())
        assert shown_ids(screen) == before and before
        assert screen.query_one("#search", Input).value == "reggi from:31/02/2026"
        await pilot.press("ctrl+u", *"colour:red")
        await settle(app, pilot)
        assert "colour: is not a filter" in str(error.render())


async def test_paging_to_the_end_loads_only_what_is_shown(make_tui, signed_in, monkeypatch) -> None:
    import tui.widgets.ticket_list as module

    monkeypatch.setattr(TicketList, "BLOCK", 20)  # the demo's 150 tickets make 8 blocks
    monkeypatch.setattr(module, "MARGIN", 5)
    client = await signed_in("operator")
    first = await client.search_tickets(TicketQuery(), limit=1)
    last = await client.search_tickets(TicketQuery(), limit=1, offset=first.total - 1)
    assert first.total > 100, "too few tickets to page"
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot, "operator")
        ticket_list = screen.query_one(TicketList)
        assert ticket_list.total == first.total
        # the rows on screen and a margin below them, not the whole result
        assert ticket_list.loaded < first.total
        start_loaded = ticket_list.loaded
        await pilot.press("down")  # from the search line to the list
        assert app.focused is ticket_list
        await pilot.press("end")
        await settle(app, pilot)
        assert ticket_list.cursor == first.total - 1
        assert ticket_list.highlighted is not None
        assert ticket_list.highlighted.id == last.items[0].id
        assert start_loaded < ticket_list.loaded < first.total  # the top and the end only
        assert f"{first.total:,} of {first.total:,}" in status_text(screen)


async def test_paging_through_the_result_keeps_a_bounded_window(
    make_tui, signed_in, monkeypatch
) -> None:
    import tui.widgets.ticket_list as module

    monkeypatch.setattr(TicketList, "BLOCK", 10)
    monkeypatch.setattr(TicketList, "KEEP_BLOCKS", 4)
    monkeypatch.setattr(module, "MARGIN", 2)
    client = await signed_in("operator")
    first = await client.search_tickets(TicketQuery(), limit=1)
    assert first.total > 100, "too few tickets to page"
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot, "operator")
        ticket_list = screen.query_one(TicketList)
        await pilot.press("down")
        most = 0
        while ticket_list.cursor < first.total - 1:
            await pilot.press("pagedown")
            await settle(app, pilot)
            assert ticket_list.highlighted is not None  # the rows under the cursor came
            most = max(most, ticket_list.loaded)
        # never more than the window (the screen's rows and margins, 4 blocks in all)
        assert most <= 4 * 10 + 10 < first.total
        assert ticket_list.highlighted is not None
        await pilot.press("home")  # the top was forgotten: it is asked for again
        await settle(app, pilot)
        top = await client.search_tickets(TicketQuery(), limit=1)
        assert ticket_list.highlighted is not None
        assert ticket_list.highlighted.id == top.items[0].id


async def test_an_answer_to_an_older_line_is_dropped(make_tui, signed_in) -> None:
    client = await signed_in("tech")
    old = await client.search_tickets(TicketQuery(q="zzzz"), limit=100)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        before = shown_ids(screen)
        screen.post_message(ResultsLoaded(screen.generation - 1, old, first=True))
        await settle(app, pilot)
        assert shown_ids(screen) == before and before


async def test_queues_switch_with_number_keys_and_a_saved_one_is_kept(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        await pilot.press("down", "2")  # the list has focus: 2 is the second queue
        await settle(app, pilot)
        assert screen.query_one("#search", Input).value == "st:to_contact,unreachable"
        statuses = {row.status for row in screen.query_one(TicketList)._rows.values()}
        assert statuses <= {TicketStatus.TO_CONTACT, TicketStatus.UNREACHABLE} and statuses

        screen.set_focus(screen.query_one("#search", Input))
        await pilot.press("ctrl+u", *"cp:67 is:parts")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press(*"Alsace parts", "enter")
        await settle(app, pilot)
        assert "6 Alsace parts" in str(screen.query_one("#queues", Static).render())

    app = make_tui()
    app.backend = app.backend  # same server and user: the queue is still there
    async with app.run_test(size=(80, 24)) as pilot:
        pass
    from tui import queues

    data = queues.queues_path().read_text(encoding="utf-8")
    assert "Alsace parts" in data and "cp:67 is:parts" in data


@pytest.mark.parametrize("csv_format", ["spreadsheet", "machine"])
async def test_export_writes_the_whole_result(make_tui, signed_in, csv_format: str) -> None:
    client = await signed_in("operator")
    truth = await client.search_tickets(TicketQuery(status=(TicketStatus.INVOICED,)), limit=200)
    app = make_tui(language="fr", csv_format=csv_format)  # config.json's "csv"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot, "operator")
        await pilot.press(*"st:invoiced")
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
    from client.profiles import data_dir

    files = list((data_dir() / "exports").glob("tickets-*.csv"))
    assert len(files) == 1
    data = Path(files[0]).read_bytes()
    if csv_format == "machine":  # for scripts: codes, commas, no BOM, whatever the language
        assert not data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        assert {r["status"] for r in rows} == {"invoiced"}
        key = "ticket"
    else:  # for a French spreadsheet
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert {r["Statut"] for r in rows} == {"Facturé"}
        key = "Ticket"
    assert [int(r[key]) for r in rows] == [t.id for t in truth.items]
    assert screen is not None


async def test_enter_opens_the_highlighted_ticket(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        await pilot.press(*"reggiani 116497", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket is not None and app.screen.ticket.id == 116497
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_a_large_result_says_its_count_is_a_lower_bound(app, make_tui) -> None:
    """Past the server's count limit the list says "120+ tickets" and still scrolls on."""
    app.state.settings.search_count_limit = 120
    tui = make_tui()
    async with tui.run_test(size=(80, 24)) as pilot:
        screen = await open_search(tui, pilot, "operator")
        ticket_list = screen.query_one(TicketList)
        assert (ticket_list.total, ticket_list.total_exact) == (120, False)
        assert status_text(screen) == "1 of 120+ tickets"
        ticket_list.focus()
        await pilot.press("end")  # to the last row counted: the next block counts further
        # the scroll to the end, the block it asks for and its answer: a few frames, more
        # on a loaded machine
        for _ in range(40):
            await settle(tui, pilot)
            if ticket_list.total > 120:
                break
        assert ticket_list.total > 120 and ticket_list.total_exact


async def test_a_block_counted_less_far_does_not_cut_the_list_back(app, make_tui) -> None:
    """Blocks' answers come in any order: one counted to "120+" arriving after one counted
    further (the block at the end) leaves the count as the further one said."""
    app.state.settings.search_count_limit = 120
    tui = make_tui()
    async with tui.run_test(size=(80, 24)) as pilot:
        screen = await open_search(tui, pilot, "operator")
        ticket_list = screen.query_one(TicketList)
        client = tui.client
        query = screen.current_query
        near = await client.search_tickets(query, limit=TicketList.BLOCK, offset=50)
        far = await client.search_tickets(query, limit=TicketList.BLOCK, offset=100)
        assert (near.total, near.total_exact) == (120, False)
        assert far.total > 120 and far.total_exact
        ticket_list.add(screen.generation, far)
        ticket_list.add(screen.generation, near)  # the older answer, late
        assert (ticket_list.total, ticket_list.total_exact) == (far.total, True)
        # a newer answer counted further still is taken
        ticket_list.add(screen.generation, far.model_copy(update={"total": far.total + 1}))
        assert ticket_list.total == far.total + 1


def test_the_count_reads_in_the_users_language() -> None:
    from tui import i18n
    from tui.screens.ticket_search import count_text

    try:
        shown = {}
        for lang in ("en", "fr", "it"):
            i18n.set_language(lang)
            shown[lang] = (count_text(10_000, exact=False), count_text(1_234))
    finally:
        i18n.set_language("en")
    assert shown["en"] == ("10,000+ tickets", "1,234 tickets")
    assert shown["fr"][0].replace("\u202f", " ").replace("\xa0", " ") == "10 000+ tickets"
    assert shown["it"] == ("10.000+ interventi", "1.234 interventi")
