"""Long text in the person's own editor: ctrl+e in a note field, as git and mutt do.

The editor is ``$EDITOR``, else ``$VISUAL``, else the first of ``sensible-editor``,
``editor``, ``nano`` and ``vi`` found on the PATH. sav suspends itself (the terminal is
the editor's until it ends: ``App.suspend``), the note is written to a private temporary
file (a 0700 folder: a note may name a customer), and what the editor leaves there comes
back into the field. An editor that cannot start, ends with an error, or leaves a file
that cannot be read changes nothing, and the message line says why.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.i18n import _

if TYPE_CHECKING:
    from textual.app import App

FALLBACKS = ("sensible-editor", "editor", "nano", "vi")


def editor_command() -> list[str]:
    """The editor to run, with its arguments (``EDITOR="emacs -nw"``); [] when none."""
    for variable in ("EDITOR", "VISUAL"):
        value = os.environ.get(variable, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError:
                return [value]
    for name in FALLBACKS:
        found = shutil.which(name)
        if found:
            return [found]
    return []


@dataclass(frozen=True)
class Edited:
    text: str | None
    """The text the editor left (None: nothing changes)."""
    message: str
    """What to tell the person."""
    failed: bool = False


def edit(app: App[object], text: str) -> Edited:
    """Run the editor on ``text`` with the app suspended; what it leaves, or why not."""
    from textual.app import SuspendNotSupported

    command = editor_command()
    if not command:
        return Edited(
            None, _("No editor found: set $EDITOR (e.g. nano); the note is unchanged."), True
        )
    name = Path(command[0]).name
    with tempfile.TemporaryDirectory(prefix="sav-note-") as folder:
        path = Path(folder) / "note.txt"
        path.write_text(text + "\n" if text and not text.endswith("\n") else text, "utf-8")
        failure: BaseException | None = None
        try:
            with app.suspend():
                # nothing may leave this block by an exception: Textual would not resume
                try:
                    result = subprocess.run([*command, str(path)], check=False)
                except (OSError, KeyboardInterrupt) as exc:
                    failure = exc
        except SuspendNotSupported:
            return Edited(None, _("This terminal cannot hand over to an editor."), True)
        if failure is not None:
            reason = getattr(failure, "strerror", None) or str(failure) or type(failure).__name__
            return Edited(
                None,
                _("Could not run {editor}: {e}; the note is unchanged.").format(
                    editor=name, e=reason
                ),
                True,
            )
        if result.returncode != 0:
            return Edited(
                None,
                _("{editor} ended with code {code}: the note is unchanged.").format(
                    editor=name, code=result.returncode
                ),
                True,
            )
        try:
            edited = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return Edited(
                None, _("Could not read the note back ({e}); it is unchanged.").format(e=exc), True
            )
    edited = edited.rstrip("\n")
    if edited == text.rstrip("\n"):
        return Edited(None, _("{editor}: the note is unchanged.").format(editor=name))
    return Edited(edited, _("The note comes back from {editor}.").format(editor=name))


__all__ = ["FALLBACKS", "Edited", "edit", "editor_command"]
