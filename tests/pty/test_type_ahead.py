"""Keys typed ahead of the screen, through a real pty (issue 10's fifteen cases).

Each case is set up slowly (a key at a time, waiting for the screen), then its keys are
written at each speed of ``SPEEDS``: in **one** write (a paste, a stalled SSH link, a fast
typist), then one key every 10 and 30 ms (and 100 ms with ``SAV_PTY_SLOW=1``). The rule
under test: every key reaches, in order, the screen and field that would have had it had
the person waited for each screen; an action that needs data waits for it, then acts.

One ``sav`` (TUI and embedded backend, two processes) per case, on its own copy of the
demo database; the screen is read as a terminal shows it, and what was saved is read
back from the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from bench.pty_driver import MarkerNotFound
from tests.pty.harness import SPEEDS, SavTerminal, eventually, keys

Start = Callable[..., SavTerminal]
Query = Callable[..., list[tuple[object, ...]]]

pytestmark = pytest.mark.pty

HOME = "What needs you today"


def each_speed(check: Callable[[str, float | None], None]) -> None:
    """Run ``check(name, gap)`` at every speed; report every speed that failed."""
    failures = []
    for name, gap in SPEEDS.items():
        try:
            check(name, gap)
        except (MarkerNotFound, AssertionError) as exc:
            failures.append(f"--- at {name}:\n{exc}")
    assert not failures, "\n".join(failures)


def tickets_in(query: Query, *statuses: str, centre: str = "249050") -> list[int]:
    marks = ",".join("?" * len(statuses))
    # one ticket per group: contact is recorded on the whole group (issue 12)
    rows = query(
        "SELECT MIN(t.id) FROM tickets t JOIN service_centres sc ON sc.id = t.service_centre_id "
        f"WHERE t.status IN ({marks}) AND sc.code = ? GROUP BY t.group_id ORDER BY 1",
        *statuses,
        centre,
    )
    return [int(row[0]) for row in rows]  # type: ignore[call-overload]


def go_home(sav: SavTerminal) -> None:
    sav.slowly(":home", "Enter", after=HOME)
    sav.settle()


# ---------------------------------------------------------------------- the search line


def test_1_a_screen_opened_by_a_key_gets_the_keys_typed_after_it(start_sav: Start) -> None:
    sav = start_sav()
    sav.sign_in()

    def check(name: str, gap: float | None) -> None:
        sav.type(keys("t", "reggi"), gap)
        sav.wait_line("Search reggi")
        sav.wait_for("Reggiani")
        sav.slowly("Esc", after=HOME)

    each_speed(check)


def test_a_paste_after_a_key_that_opens_a_screen_lands_in_it(start_sav: Start) -> None:
    """A bracketed paste (what terminals send for a paste) is ordered with the keys."""
    sav = start_sav()
    sav.sign_in()
    sav.type(["t", "\x1b[200~reggi\x1b[201~"])
    sav.wait_line("Search reggi")
    sav.wait_for("Reggiani")


@pytest.mark.parametrize(
    ("case", "before", "typed"),
    [
        ("2 backspace", "", ("reggo", "BackSpace", "i")),
        ("3 ctrl+u", "xyz", ("ctrl+u", "reggi")),
        ("4 left", "", ("regi", "Left", "g")),
    ],
)
def test_2_to_4_editing_keys_keep_their_place_among_typed_ones(
    start_sav: Start, case: str, before: str, typed: tuple[str, ...]
) -> None:
    sav = start_sav()
    sav.sign_in()
    sav.slowly("t", after="Export CSV")
    sav.settle()

    def check(name: str, gap: float | None) -> None:
        if before:
            sav.slowly(before, after="No ticket matches")
        sav.type(keys(*typed), gap)
        sav.wait_line("Search reggi")
        sav.settle()
        assert sav.line_with("Search ").strip() == "Search reggi", sav.screen()
        assert "Reggiani" in sav.screen()
        sav.slowly("End", "ctrl+u", after="tickets")
        sav.settle()

    each_speed(check)


def test_5_enter_on_a_result_waits_for_the_results_of_what_was_typed(start_sav: Start) -> None:
    sav = start_sav()
    sav.sign_in()

    def check(name: str, gap: float | None) -> None:
        sav.slowly("t", after="Export CSV")
        sav.settle()
        sav.type(keys("116496", "Down", "Enter"), gap)
        sav.wait_for("Group 116496 · ticket 116496")
        go_home(sav)

    each_speed(check)


# ---------------------------------------------------------------------- forms


def test_6_a_form_opened_by_a_key_takes_tab_and_text_typed_after_it(
    start_sav: Start, query: Query
) -> None:
    sav = start_sav()
    sav.sign_in()
    sav.slowly(":t 116496", "Enter", after="Group 116496")
    sav.settle()

    def check(name: str, gap: float | None) -> None:
        note = f"Note A {name}"
        sav.type(keys("l", "Tab", note, "ctrl+s"), gap)
        assert eventually(lambda: logged(query, note), [("note",)]) == [("note",)]
        sav.wait_gone("add a log")
        sav.wait_for(note)  # the history shows what was just saved

    each_speed(check)


def logged(query: Query, note: str) -> list[tuple[object, ...]]:
    return query("SELECT type FROM history_entries WHERE ticket_id = 116496 AND note = ?", note)


def _contact_day(offset: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=offset)


def _appointment(query: Query, ticket: int) -> tuple[str, str]:
    rows = query("SELECT status, appointment_at FROM tickets WHERE id = ?", ticket)
    return str(rows[0][0]), str(rows[0][1])


def test_7_clearing_and_typing_each_field_of_an_open_form(start_sav: Start, query: Query) -> None:
    tickets = tickets_in(query, "to_contact", "unreachable")[:4]
    assert len(tickets) == 4, tickets
    sav = start_sav()
    sav.sign_in()
    remaining = iter(tickets)

    def check(name: str, gap: float | None) -> None:
        ticket = next(remaining)
        day = _contact_day(3)
        sav.slowly(f":t {ticket}", "Enter", after=f"ticket {ticket}")
        sav.settle()
        sav.slowly("c", after="customer contacted")
        sav.settle()
        note = f"Seven {name}"
        sequence = keys(
            "ctrl+u", day.strftime("%d/%m/%Y"), "Tab", "ctrl+u", "15:45", "Tab", note, "ctrl+s"
        )
        sav.type(sequence, gap)
        eventually(lambda: _appointment(query, ticket)[0], "confirmed")
        status, at = _appointment(query, ticket)
        assert status == "confirmed", (status, at)
        assert at.startswith(f"{day.isoformat()} 15:45"), at
        sav.wait_for(note)
        go_home(sav)

    each_speed(check)


def test_8_a_form_and_its_fields_typed_in_one_go(start_sav: Start, query: Query) -> None:
    tickets = tickets_in(query, "to_contact", "unreachable")[-4:]
    sav = start_sav()
    sav.sign_in()
    remaining = iter(tickets)

    def check(name: str, gap: float | None) -> None:
        ticket = next(remaining)
        day = _contact_day(2)
        sav.slowly(f":t {ticket}", "Enter", after=f"ticket {ticket}")
        sav.settle()
        note = f"Eight {name}"
        sequence = keys("c", day.strftime("%d/%m/%Y"), "Tab", "14:30", "Tab", note, "ctrl+s")
        sav.type(sequence, gap)
        eventually(lambda: _appointment(query, ticket)[0], "confirmed")
        status, at = _appointment(query, ticket)
        assert status == "confirmed", (status, at)
        assert at.startswith(f"{day.isoformat()} 14:30"), at
        sav.wait_for(note)
        go_home(sav)

    each_speed(check)


# ---------------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    ("command", "marker"),
    [(":p 870650222", "BRÛLEUR AUX. MONOPIÈCE"), (":cart", "Cart ·"), (":o", "Number")],
)
def test_9_the_command_line_gets_its_text_and_enter(
    start_sav: Start, command: str, marker: str
) -> None:
    sav = start_sav()
    sav.sign_in()

    def check(name: str, gap: float | None) -> None:
        sav.type(keys(command, "Enter"), gap)
        sav.wait_for(marker)
        go_home(sav)

    each_speed(check)


# ---------------------------------------------------------------------- data first


def _cart_quantity(query: Query, user: str = "tech") -> int:
    rows = query(
        "SELECT COALESCE(SUM(l.quantity), 0) FROM cart_lines l "
        "JOIN users u ON u.id = l.user_id WHERE u.username = ?",
        user,
    )
    return int(rows[0][0])  # type: ignore[call-overload]


def test_10_enter_in_the_add_dialog_waits_for_the_parts_resolution(
    start_sav: Start, query: Query
) -> None:
    sav = start_sav()
    sav.sign_in()
    sav.slowly(":p 870650222", "Enter", after="BRÛLEUR AUX. MONOPIÈCE")
    sav.settle()
    speeds = {**SPEEDS, "50ms": 0.05}

    failures = []
    for name, gap in speeds.items():
        before = _cart_quantity(query)
        try:
            sav.type(keys("a", "Enter"), gap)
            quantity = eventually(lambda: _cart_quantity(query), before + 1)
            assert quantity == before + 1, (name, before, quantity)
            sav.wait_for("In the cart")
            sav.settle(0.5)
        except (MarkerNotFound, AssertionError) as exc:
            failures.append(f"--- at {name}:\n{exc}")
    assert not failures, "\n".join(failures)


def test_11_checkout_opened_by_a_key_places_the_order_typed_after_it(
    start_sav: Start, query: Query
) -> None:
    sav = start_sav()
    sav.sign_in()

    def check(name: str, gap: float | None) -> None:
        orders = query("SELECT COUNT(*) FROM orders")[0][0]
        sav.slowly(":p INOX-SP", "Enter", after="INOX")
        sav.settle()
        sav.slowly("a", after="Add")
        sav.settle()
        sav.slowly("Enter", after="In the cart")
        sav.slowly(":cart", "Enter", after="Cart · 1")
        sav.settle()
        sav.type(keys("F10", "ctrl+s"), gap)
        count = eventually(lambda: query("SELECT COUNT(*) FROM orders")[0][0], orders + 1)
        assert count == orders + 1, (orders, count)
        sav.wait_for("placed")
        go_home(sav)

    each_speed(check)


# ---------------------------------------------------------------------- sign-in


def test_12_backspace_and_tab_on_the_sign_in_screen(start_sav: Start) -> None:
    sav = start_sav()
    sav.wait_for("Connected", 60)

    def check(name: str, gap: float | None) -> None:
        sav.type(keys("operatot", "BackSpace", "r", "Tab", "demo", "Enter"), gap)
        sav.wait_for(HOME)
        sav.wait_for("operator")
        sav.settle()
        sav.slowly("ctrl+l", after="Sign in")
        sav.settle()

    each_speed(check)


def test_12_keys_typed_after_signing_in_go_to_the_home_screen(start_sav: Start) -> None:
    """Not to the password field, which still has focus while the server checks it."""
    sav = start_sav()
    sav.wait_for("Connected", 60)
    sav.type(keys("tech", "Tab", "demo", "Enter", "t", "reggi"))
    sav.wait_line("Search reggi")
    sav.wait_for("Reggiani")


def test_12_keys_typed_before_the_app_has_started_sign_in_and_search(start_sav: Start) -> None:
    """Typed the moment sav is started: the terminal is not in raw mode yet, so its line
    discipline turns Enter into a line feed (read as Enter), and the server has not answered
    yet (Enter waits for it, and the keys after Enter wait for the home screen)."""
    sav = start_sav()
    sav.type(keys("tech", "Tab", "demo", "Enter", "t", "reggi"))
    sav.wait_line("Search reggi", 60)
    sav.wait_for("Reggiani")


def test_13_mark_validate_and_confirm_typed_ahead_of_the_orders_list(
    start_sav: Start, query: Query
) -> None:
    sav = start_sav()
    sav.sign_in("operator")

    def newest_awaiting() -> int:
        # the list shows the newest order first: make it one to validate again
        newest = query("SELECT id FROM orders ORDER BY created_at DESC, id DESC LIMIT 1")[0][0]
        query(
            "UPDATE orders SET status = 'awaiting_validation', validated_at = NULL, "
            "validated_by_id = NULL WHERE id = ?",
            newest,
        )
        return int(newest)  # type: ignore[call-overload]

    def check(name: str, gap: float | None) -> None:
        order = newest_awaiting()
        sav.type(keys("o", "Down", "Space", "v", "y"), gap)
        status = eventually(
            lambda: query("SELECT status FROM orders WHERE id = ?", order)[0][0], "validated"
        )
        assert status == "validated", status
        sav.wait_for("Validated")
        go_home(sav)

    each_speed(check)


# ---------------------------------------------------------------------- Esc, and choices


def test_14_esc_then_a_letter_is_not_alt_letter(start_sav: Start) -> None:
    sav = start_sav()
    sav.sign_in()

    def check(name: str, gap: float | None) -> None:
        sav.slowly("c", after="Where used")
        sav.settle()
        sav.type(keys("Esc", "t"), gap)
        sav.wait_for("tickets")
        sav.wait_for("Search")
        go_home(sav)

    each_speed(check)


def test_14b_esc_on_a_typed_form_asks_and_n_or_y_typed_behind_it_answers(
    start_sav: Start, query: Query
) -> None:
    """Esc on the log form with a note typed asks first; n typed right behind it (not
    alt+n) keeps the form and the cursor in the note, where the next keys go on; y leaves
    without saving."""
    sav = start_sav()
    sav.sign_in()
    sav.slowly(":t 116496", "Enter", after="Group 116496")
    sav.settle()

    def check(name: str, gap: float | None) -> None:
        note = f"Kept {name}"
        sav.type(keys("l", note, "Esc", "n", " too", "ctrl+s"), gap)
        saved = f"{note} too"
        assert eventually(lambda: logged(query, saved), [("note",)]) == [("note",)]
        sav.wait_gone("add a log")
        dropped = f"Dropped {name}"
        sav.type(keys("l", dropped, "Esc", "y"), gap)
        sav.wait_gone("without saving?")
        sav.wait_gone("add a log")
        sav.settle()
        assert logged(query, dropped) == []

    each_speed(check)


def test_15_a_note_typed_as_soon_as_the_log_form_opens_lands_in_the_note(
    start_sav: Start, query: Query
) -> None:
    sav = start_sav()
    sav.sign_in()
    sav.slowly(":t 116496", "Enter", after="Group 116496")
    sav.settle()

    def check(name: str, gap: float | None) -> None:
        note = f"Straight away {name}"
        sav.type(keys("l", note, "ctrl+s"), gap)
        assert eventually(lambda: logged(query, note), [("note",)]) == [("note",)]
        sav.wait_gone("add a log")
        sav.wait_for(note)

    each_speed(check)
    # and slowly, a key at a time as a person types
    sav.slowly("l", "Slowly typed", "ctrl+s", pause=0.3)
    assert eventually(lambda: logged(query, "Slowly typed"), [("note",)]) == [("note",)]
