"""A small modal form for one action: labelled fields, errors next to them, nothing lost.

The form is described by ``Field`` specs; ``build`` turns the typed values into a request
body (raising ``FieldError`` for what it cannot read) and ``send`` carries it to the
server in a worker. A refusal keeps every value typed: a 422 puts each message next to
its field, a 409 says why the action is not possible now, a 412 (someone saved the
ticket since it was read) says who and when and offers ctrl+r to reload it. The entries
stay, and saving again sends them against the fresh version.

Keys typed ahead of the form (``l``, Tab, the note and ctrl+s in one burst) reach the
fields in order through the app's type-ahead (``tui.type_ahead``); a character typed on a
choice goes on to the next text field (``tui.widgets.choice``).

Esc on a form whose values differ from those it opened with asks first (``leave_or_ask``):
a mistaken Esc, or a lone ESC byte of a key sequence split by a slow link, does not lose
what was typed. y or Enter leaves, n or Esc stays, the cursor back in its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from tui import formats, glyphs
from tui.i18n import N_, _, localized
from tui.widgets.choice import Choice
from tui.widgets.key_footer import KeyFooter
from tui.widgets.note import NoteArea
from tui.widgets.text_field import TextField

if TYPE_CHECKING:
    from client.api import SavClient


class FieldError(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def refusal(error: Any) -> str:
    """Why the contract refuses a value typed (one pydantic error), said here before the
    server would: the same bounds, in the interface's language."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "string_too_long":
        return _("Too long.")
    if kind == "string_too_short":
        return _("Too short.")
    if kind == "date_out_of_range":
        return _("A date from {low} to {high}.").format(
            low=formats.day(dt.date.fromisoformat(ctx["low"])),
            high=formats.day(dt.date.fromisoformat(ctx["high"])),
        )
    if kind == "string_pattern_mismatch":
        return _("No control characters, please.")
    return _("Not accepted: {value}").format(value=error.get("input", ""))


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, multiline, choice
    value: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (label, value)
    placeholder: str = ""
    server_names: tuple[str, ...] = field(default_factory=tuple)  # 422 field names it shows


def parse_date(name: str, text: str) -> dt.date:
    """A date typed as the interface's language writes it, day-first numbers or ISO."""
    text = text.strip()
    try:
        return formats.parse_date(text)
    except ValueError:
        raise FieldError(
            name,
            _("Not a date: {text} ({forms})").format(text=text or "-", forms=formats.date_forms()),
        ) from None


def parse_time(name: str, text: str) -> dt.time:
    """A time of day: 14:30, 14h30, 14, 2:30 PM."""
    text = text.strip().lower().replace("h", ":").replace(".", "")
    for fmt in ("%H:%M", "%H", "%I:%M %p", "%I:%M%p", "%I %p", "%I%p"):
        try:
            return dt.datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise FieldError(name, _("Not a time: {text} (HH:MM)").format(text=text or "-"))


def local_moment(date_name: str, date_text: str, time_name: str, time_text: str) -> dt.datetime:
    """A date and time typed in the terminal's time zone, as an aware datetime."""
    day = parse_date(date_name, date_text)
    moment = parse_time(time_name, time_text)
    return dt.datetime.combine(day, moment).astimezone()


def focus_step(screen: Screen[Any], widgets: list[Widget], step: int) -> None:
    """Tab / shift+tab over ``widgets`` (the form's fields, not its scrolling box)."""
    focused = screen.focused
    current = -1
    for position, widget in enumerate(widgets):
        if focused is not None and (focused is widget or widget in focused.ancestors):
            current = position
    screen.set_focus(widgets[(current + step) % len(widgets)])


def line_step(screen: Screen[Any], widgets: list[Widget], step: int) -> None:
    """↑ / ↓: the previous / next field, from a one-line field only (else the key goes on
    to the focused widget: a note moves its cursor, a drop-down opens)."""
    if not isinstance(screen.focused, Input):
        raise SkipAction()
    focus_step(screen, widgets, step)


def leave_or_ask(
    screen: Screen[Any], question: str, lost: list[str], leave: Callable[[], object]
) -> None:
    """Esc on a form: ``leave`` at once when nothing typed would be lost (``lost`` empty),
    else ask ``question`` (the fields named ``lost``); staying puts the focus back where it
    was."""
    if not lost:
        leave()
        return
    from tui.screens.confirm import ConfirmScreen

    focused = screen.focused

    def answered(yes: bool | None) -> None:
        if yes:
            leave()
        elif focused is not None and focused.is_attached and focused.screen is screen:
            screen.set_focus(focused)

    detail = _("Lost if you leave: {fields}.").format(fields=", ".join(lost))
    screen.app.push_screen(ConfirmScreen(question, detail), answered)


@dataclass
class _Outcome(Message):
    result: Any = None
    error: Exception | None = None


@localized
class ActionForm(ModalScreen[Any]):
    """One action's form; dismissed with the server's answer when it is accepted."""

    HELP = N_(
        "A form: Tab and shift+Tab (or ↓ and ↑) move between the fields, ctrl+s saves, "
        "Esc cancels (once you have typed something, it asks first: y leaves without "
        "saving, n stays); "
        "the fields marked * are required. In a note, ctrl+e opens your own editor "
        "($EDITOR) on it. If the server refuses, what you typed stays: the reason is shown "
        "by the field, or under the form."
    )

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
        Binding("ctrl+s", "submit", N_("Save"), id="form.save", priority=True),
        Binding("tab", "next_field(1)", N_("Next field"), show=False, id="form.next-field"),
        Binding("shift+tab", "next_field(-1)", N_("Previous field"), show=False,
                id="form.previous-field"),
        # the Linux console sends shift+Tab as Tab: ↑ ↓ move between fields too, as on a
        # 5250 screen (priority: before a long form scrolls; a note or a drop-down keeps
        # them for itself)
        Binding("down", "line_field(1)", N_("Next field"), show=False, priority=True,
                id="form.down"),
        Binding("up", "line_field(-1)", N_("Previous field"), show=False, priority=True,
                id="form.up"),
        Binding("ctrl+r", "reload", N_("Reload ticket"), id="form.reload", show=False),
    ]  # fmt: skip

    def __init__(
        self,
        title: str,
        fields: list[Field],
        build: Callable[[dict[str, str]], Any],
        send: Callable[[SavClient, Any], Awaitable[Any]],
        *,
        intro: str = "",
        reload: Callable[[], Awaitable[None]] | None = None,
        stale_text: str | None = None,
    ) -> None:
        """``stale_text`` (with ``{who}`` and ``{when}``) says what a 412 means for the
        object edited; by default it speaks of the ticket."""
        super().__init__()
        self.stale_text = stale_text
        self.title_text = title
        self.fields = fields
        self.build = build
        self.send = send
        self.intro = intro
        self._reload = reload
        self.stale = False
        self.busy = False
        self.opened: dict[str, str] | None = None
        """The values the form opened with (taken once mounted): Esc asks if they changed."""

    def label_width(self) -> int:
        """The labels' column: 16 cells, or as wide as the longest label and its mark (up
        to 26), so that a label is never wrapped ("Invoice number *")."""
        longest = max(
            (len(spec.label) + (2 if spec.required else 0) for spec in self.fields), default=0
        )
        return max(16, min(26, longest + 1))

    def compose(self) -> ComposeResult:
        width = self.label_width()
        with VerticalScroll(id="form") as box:
            box.border_title = self.title_text
            if self.intro:
                yield Static(escape(self.intro), classes="intro")
            for spec in self.fields:
                with Horizontal(classes="form-row"):
                    mark = " *" if spec.required else ""
                    label = Label(escape(spec.label + mark), classes="form-label")
                    if width != 16:
                        label.styles.width = width
                    yield label
                    yield self._widget(spec)
                error = Static("", id=f"error-{spec.name}", classes="field-error")
                if width != 16:
                    error.styles.padding = (0, 0, 0, width)
                yield error
            yield Static("", id="form-error", classes="field-error")
            yield Static(_("ctrl+s saves · Esc cancels · * required"), classes="hint")
        yield KeyFooter()

    def _widget(self, spec: Field) -> Widget:
        if spec.kind == "choice":
            return Choice(
                spec.choices,
                value=spec.value or spec.choices[0][1],
                allow_blank=False,
                id=f"field-{spec.name}",
                compact=True,
            )
        if spec.kind == "multiline":
            area = NoteArea(
                spec.value, id=f"field-{spec.name}", soft_wrap=True, tab_behavior="focus"
            )
            area.show_line_numbers = False
            return area
        return TextField(
            spec.value, placeholder=spec.placeholder, id=f"field-{spec.name}", compact=True
        )

    def on_mount(self) -> None:
        self.opened = self.values()
        self.set_focus(self._inputs()[0])

    def _inputs(self) -> list[Widget]:
        return [self.query_one(f"#field-{spec.name}") for spec in self.fields]

    def values(self) -> dict[str, str]:
        out = {}
        for spec, widget in zip(self.fields, self._inputs(), strict=True):
            if isinstance(widget, Input):
                out[spec.name] = widget.value
            elif isinstance(widget, TextArea):
                out[spec.name] = widget.text
            elif isinstance(widget, Select):
                out[spec.name] = str(widget.value)
        return out

    def action_next_field(self, step: int) -> None:
        focus_step(self, self._inputs(), step)

    def action_line_field(self, step: int) -> None:
        """↑ ↓ from a one-line field (a note or a drop-down moves inside itself)."""
        line_step(self, self._inputs(), step)

    # ------------------------------------------------------------------ saving

    def _clear_errors(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")
            error.display = False

    def _show_error(self, name: str | None, message: str) -> None:
        target = f"#error-{name}" if name else "#form-error"
        error = self.query_one(target, Static)
        error.update(glyphs.error_mark() + escape(message))
        error.display = True

    def action_submit(self) -> None:
        """ctrl+s: every key typed before it has reached its field (``tui.type_ahead``)."""
        if self.busy:
            return  # one save at a time: a second ctrl+s while the first is on its way
        self._clear_errors()
        values = self.values()
        missing = [s for s in self.fields if s.required and not values[s.name].strip()]
        for spec in missing:
            self._show_error(spec.name, _("Required."))
        if missing:
            return
        try:
            body = self.build(values)
        except FieldError as exc:
            self._show_error(exc.name, exc.message)
            return
        except ValidationError as exc:  # a value the contract refuses: said before sending
            self._show_refusal(exc)
            return
        self.busy = True
        self.query_one("#form-error", Static).update(_("Saving…"))
        self.query_one("#form-error", Static).display = True
        self._send(body)

    def _show_refusal(self, exc: ValidationError) -> None:
        shown = False
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            spec = next((s for s in self.fields if name in (s.name, *s.server_names)), None)
            if spec is not None:
                self._show_error(spec.name, refusal(error))
                shown = True
        if not shown:
            self._show_error(None, refusal(exc.errors()[0]))

    @work(exclusive=True, group="form", exit_on_error=False)
    async def _send(self, body: Any) -> None:
        client = self.app.client  # type: ignore[attr-defined]
        try:
            result = await self.send(client, body)
        except Exception as exc:  # shown to the person; the form keeps its values
            self.post_message(_Outcome(error=exc))
            return
        self.post_message(_Outcome(result=result))

    @on(_Outcome)
    def _outcome(self, message: _Outcome) -> None:
        from client.api import ConflictError, SavError, ValidationFailed

        self.busy = False
        self._clear_errors()
        error = message.error
        if error is None:
            self.dismiss(message.result)
            return
        if isinstance(error, ValidationFailed):
            shown = False
            for name, text in error.fields.items():
                spec = next(
                    (s for s in self.fields if name == s.name or name in s.server_names), None
                )
                if spec is not None:
                    self._show_error(spec.name, text)
                    shown = True
            if not shown:
                self._show_error(None, error.message)
            return
        if isinstance(error, ConflictError) and error.stale:
            self.stale = True
            who = error.changed_by or _("someone")
            when = formats.clock(error.changed_at.astimezone()) if error.changed_at else "?"
            text = self.stale_text or _(
                "Changed by {who} at {when} since you opened it. ctrl+r reloads the "
                "ticket; what you typed stays here."
            )
            self._show_error(None, text.format(who=who, when=when))
            self.refresh_bindings()
            return
        if isinstance(error, SavError):
            self._show_error(None, error.message)
            return
        self._show_error(None, f"{type(error).__name__}: {error}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reload":
            return self.stale and self._reload is not None
        return True

    async def action_reload(self) -> None:
        from client.api import SavError

        if self._reload is None:
            return
        try:
            await self._reload()
        except SavError as exc:  # the entries stay; the person can try again
            self._clear_errors()
            self._show_error(None, exc.message)
            return
        self.stale = False
        self._clear_errors()
        self._show_error(None, _("Reloaded. Check what changed, then ctrl+s to save again."))
        self.refresh_bindings()

    def changed_fields(self) -> list[str]:
        """The labels of the fields whose value differs from the one the form opened with."""
        if self.opened is None:
            return []
        values = self.values()
        return [s.label for s in self.fields if values[s.name] != self.opened.get(s.name)]

    def action_cancel(self) -> None:
        """Esc: back at once if nothing was typed, else asked first."""
        leave_or_ask(
            self,
            _("Leave the form without saving?"),
            self.changed_fields(),
            lambda: self.dismiss(None),
        )
