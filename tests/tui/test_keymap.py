"""The user's keymap (keys.toml in the config folder): any action rebound by its binding id;
a wrong entry named with its line and left out, the app still starts; ``sav keys`` prints
the effective map; F1 and the footer show the user's keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Markdown

from tests.tui.test_footer import footer_widgets
from tests.tui.test_keys import sav_classes
from tests.tui.test_login import settle
from tests.tui.test_ticket_search import open_search
from tui import i18n, keymap
from tui.cli import main
from tui.screens.help import HelpScreen
from tui.screens.login import LoginScreen

GOOD_AND_BAD = """\
# my keys
"tickets.export" = "f7"
"cart.checkout" = ["f9", "ctrl+o"]
"tickets.exprot" = "f9"

[ticket]
log = "n"
contacted = "alt+c"
reject = "F1"
appliance = 42
"""


def test_every_class_with_bindings_has_a_place_in_the_keymap() -> None:
    listed = {owner.cls for owner in keymap.owners()}
    assert {cls for cls in sav_classes()} <= listed


def test_good_entries_apply_and_each_bad_one_is_named_with_its_line() -> None:
    user = keymap.parse(GOOD_AND_BAD, Path("keys.toml"))
    assert user.keys == {
        "tickets.export": "f7",
        "cart.checkout": "f9,ctrl+o",
        "ticket.log": "n",
        "ticket.reject": "f1",  # applied, with a warning: F1 is Help everywhere
    }
    said = {(p.line, p.binding_id): p for p in user.problems}
    assert "did you mean tickets.export?" in said[(4, "tickets.exprot")].message
    assert said[(8, "ticket.contacted")].message.startswith("alt+c: alt+ keys do not reach")
    assert said[(9, "ticket.reject")].applied
    assert "F1 is also help (Help) on Ticket" in said[(9, "ticket.reject")].message
    assert said[(10, "ticket.appliance")].message.startswith("a key (")
    assert {p.binding_id for p in user.ignored} == {
        "tickets.exprot",
        "ticket.contacted",
        "ticket.appliance",
    }
    assert (
        said[(8, "ticket.contacted")]
        .text(Path("keys.toml"))
        .startswith("keys.toml:8: ticket.contacted: alt+c:")
    )


@pytest.mark.parametrize(
    ("key", "normal", "wrong"),
    [
        ("F7", "f7", ""),
        ("ctrl+O", "ctrl+o", ""),
        ("?", "question_mark", ""),
        ("G", "G", ""),
        ("alt+1", "", "alt+ keys do not reach sav"),
        ("meta+x", "", "meta+ keys do not reach sav"),
        ("ctrl+i", "", "sends ctrl+i as Tab"),
        ("ctrl+1", "", "terminals send no ctrl+1"),
        ("shift+a", "", "write the character itself (A"),
        ("shift+f5", "", "shift+F-keys do not reach sav"),
        ("f77x", "", "unknown key f77x"),
        ("hyperkey+x", "", "unknown modifier hyperkey"),
    ],
)
def test_keys_no_terminal_sends_are_refused(key: str, normal: str, wrong: str) -> None:
    found, error = keymap.check_key(key)
    assert found == normal
    assert wrong in error and bool(error) == bool(wrong)


def test_a_file_that_is_not_toml_gives_its_line_and_no_key() -> None:
    user = keymap.parse('"tickets.export" = "f7"\n"cart.checkout" = f9\n', Path("keys.toml"))
    assert user.keys == {}
    assert user.problems[0].line == 2 and "not a TOML file" in user.problems[0].message


def test_a_key_given_to_two_actions_of_one_screen_is_said() -> None:
    user = keymap.parse('"tickets.export" = "f5"\n')  # F5 refreshes the ticket search
    assert user.keys == {"tickets.export": "f5"}
    assert [p.message for p in user.problems] == [
        "F5 is also tickets.refresh (Refresh) on Ticket search"
    ]
    swapped = keymap.parse('[ticket]\nverify = "c"\ncontacted = "v"\n')  # a swap is fine
    assert swapped.problems == [] and len(swapped.keys) == 2


async def test_a_rebound_key_acts_shows_in_the_footer_and_in_f1(make_tui, monkeypatch) -> None:
    app = make_tui(keymap=keymap.parse('"tickets.export" = "f7"\n', Path("keys.toml")))
    exported = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        monkeypatch.setattr(screen, "action_export", lambda: exported.append(True))
        await pilot.press("f6")  # the shipped key does nothing now
        await settle(app, pilot)
        assert exported == []
        await pilot.press("f7")
        await settle(app, pilot)
        assert exported == [True]
        shown = {k.key: k.key_display for k in footer_widgets(app)}
        assert shown.get("f7") == "F7" and "f6" not in shown
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        assert "- `F7 *` Export CSV" in text
        assert "From `keys.toml`: 1 key of yours" in text
        everywhere = text[text.index("## Everywhere") :]
        assert "- `y Y` copy the ticket, part or order number" in everywhere
        assert "- `^e` in a note: write it in your own editor" in everywhere


async def test_a_bad_file_is_said_and_the_app_starts(make_tui, tmp_path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(GOOD_AND_BAD, encoding="utf-8")
    app = make_tui(keymap=keymap.load(path, check_ids=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        current = app.message_line.current
        assert current is not None and current.severity == "warning"
        assert current.text.startswith("4 problems in your keys, the others apply")
        assert "keys.toml:4: tickets.exprot" in current.text
        assert app._keymap == {
            "tickets.export": "f7",
            "cart.checkout": "f9,ctrl+o",
            "ticket.log": "n",
            "ticket.reject": "f1",
        }


def test_sav_keys_prints_the_effective_map(tmp_path, capsys) -> None:
    config = Path(keymap.keymap_path())
    config.write_text('"tickets.export" = "f7"\n"quit" = "alt+q"\n', encoding="utf-8")
    try:
        assert main(["keys", "--lang", "en"]) == 1  # an entry was left out
        out, err = capsys.readouterr()
        assert f"from {config}" in out
        lines = out.splitlines()
        export = next(line for line in lines if line.rstrip().endswith("tickets.export"))
        assert export.split()[:4] == ["F7", "*", "Export", "CSV"]
        assert any(line.split()[:2] == ["^q", "Quit"] for line in lines)  # alt+q refused
        assert "keys.toml:2: quit: alt+q:" in err
        assert lines.index("Ticket search") < lines.index(export)
        assert main(["keys", "--lang", "fr"]) == 1
        out, _err = capsys.readouterr()
        assert "Recherche de tickets" in out and "Exporter CSV" in out
        assert main(["--lang", "it", "keys"]) == 1  # the option before the command holds too
        out, _err = capsys.readouterr()
        assert "Ricerca interventi" in out and "Esporta CSV" in out
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("with_file", [False, True])
def test_sav_gives_the_app_the_keys_file_when_there_is_one(
    with_file: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sav`` reads keys.toml before the app starts (without it, tui.keymap is not even
    imported before the first frame): the app gets the user's keys, or none."""
    import gc

    import tui.app

    given: dict[str, object] = {}

    class App:
        return_code = 0

        def __init__(self, *args: object, **kwargs: object) -> None:
            given.update(kwargs)

        def run(self, **kwargs: object) -> None:
            pass

    monkeypatch.setattr(tui.app, "SavApp", App)
    if with_file:
        Path(keymap.keymap_path()).write_text('"tickets.export" = "f7"\n', encoding="utf-8")
    try:
        assert main(["--server", "http://127.0.0.1:9", "--lang", "en"]) == 0
    finally:
        i18n.set_language("en")
        gc.enable()  # sav turns it off until the app is up
    user = given["keymap"]
    if with_file:
        assert isinstance(user, keymap.UserKeymap) and user.keys == {"tickets.export": "f7"}
    else:
        assert user is None
