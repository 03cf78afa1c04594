"""Notifications on the top line, never over the list, the details or the note being read;
an error marked without colour and kept long enough; F1 gives the recent ones whole."""

from __future__ import annotations

from textual.widgets import Label, Markdown

from tests.tui.test_login import settle
from tests.tui.test_ticket_search import open_search
from tui.message_line import ERROR_SECONDS
from tui.screens.help import HelpScreen
from tui.widgets.session_bar import SessionBar
from tui.widgets.ticket_list import TicketList


def top_line(app) -> str:
    bar = app.screen.query_one(SessionBar)
    return " ".join(
        str(label.render()) for label in bar.query(Label) if label.display and label.visible
    )


async def test_a_notification_is_on_the_top_line_not_over_the_list(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        app.clear_notifications()
        await pilot.pause()
        assert "Julien Marchal" in top_line(app)
        app.notify("Queue 6 “Alsace parts” saved.")
        await pilot.pause()
        await pilot.pause()
        assert top_line(app).startswith("Queue 6 “Alsace parts” saved.")
        assert "Julien Marchal" not in top_line(app)  # in place of the names, for a while
        ticket_list = screen.query_one(TicketList)
        # where Textual put its toasts (bottom right): the list, as it was
        for x, y in ((70, 18), (60, 20), (45, 15)):
            widget, _region = app.screen.get_widget_at(x, y)
            assert widget is ticket_list, (x, y, widget)
        app.clear_notifications()
        await pilot.pause()
        assert "Julien Marchal" in top_line(app)


async def test_an_error_is_marked_and_stays_long_enough(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(app, pilot)
        app.notify("Export failed: disk full", severity="error", timeout=2)
        await pilot.pause()
        await pilot.pause()
        message = app.screen.query_one("#message", Label)
        assert str(message.render()) == "✗ Export failed: disk full"
        assert message.has_class("-error")  # reverse video: readable without colour
        assert app.message_line.current is not None
        assert app.message_line.current.seconds >= ERROR_SECONDS


async def test_a_message_wider_than_the_screen_is_whole_in_f1(make_tui) -> None:
    app = make_tui()
    long = "150 tickets exported to " + "/very/long/folder" * 6 + "/tickets.csv"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(app, pilot)
        app.notify(long, timeout=30)
        await pilot.pause()
        await pilot.pause()
        line = app.screen.query_one("#message", Label)
        assert line.region.height == 1 and line.region.right <= 80  # one line, cut with …
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        assert long in text.replace("\\", "")
        assert text.index("Recent messages") < text.index("## Keys")  # just said: first


async def test_a_key_nothing_takes_says_so_on_the_line(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(app, pilot)
        await pilot.press("down", "x")
        await settle(app, pilot)
        assert "x: nothing to do with it here (F1 lists the keys)." in top_line(app)
