"""ctrl+e in a note field: which editor, where the key is offered (tests/pty runs a fake
editor through a real terminal: suspend, edit, resume)."""

from __future__ import annotations

import pytest

from tests.tui.test_footer import footer_keys
from tests.tui.test_login import settle
from tests.tui.test_ticket import open_ticket
from tui import editor
from tui.widgets.form import ActionForm
from tui.widgets.note import NoteArea


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"EDITOR": "emacs -nw", "VISUAL": "code --wait"}, ["emacs", "-nw"]),
        ({"EDITOR": "", "VISUAL": "code --wait"}, ["code", "--wait"]),
        ({"EDITOR": "", "VISUAL": ""}, ["/usr/bin/nano"]),
    ],
)
def test_editor_then_visual_then_one_on_the_path(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: list[str]
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    found = {"nano": "/usr/bin/nano", "vi": "/usr/bin/vi"}
    monkeypatch.setattr(editor.shutil, "which", found.get)
    assert editor.editor_command() == expected


def test_no_editor_at_all_says_how_to_choose_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setattr(editor.shutil, "which", lambda name: None)
    assert editor.editor_command() == []
    edited = editor.edit(None, "a note")  # type: ignore[arg-type]
    assert edited.text is None and edited.failed and "$EDITOR" in edited.message


async def test_every_note_field_offers_ctrl_e(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, ActionForm)
        await pilot.press("tab")
        note = app.focused
        assert isinstance(note, NoteArea)
        assert footer_keys(app)[0] == "ctrl+e"  # the note's key first
        await pilot.press(*"abc", "ctrl+a", "ctrl+e")  # not "end of line" any more: headless
        await settle(app, pilot)  # Pilot's terminal cannot hand over: said, text kept
        assert note.text == "abc"
        assert "cannot hand over to an editor" in app.message_line.current.text
