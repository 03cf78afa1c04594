"""Type-ahead: every key reaches, in the order typed, the screen and field that would have
had it had the person waited for each screen.

Why Textual alone loses keys typed in a burst (a paste, a stalled SSH link delivering
several keys at once, a fast typist on a busy machine):

- ``App.on_event`` hands each key at once to whatever has focus at that instant. A key
  that opens a screen (``t``, ``:``, ``l``) is followed by keys that reach the old screen,
  or a new one that has no focus yet: ``push_screen`` mounts later, and ``Widget.focus()``
  is itself deferred (``app.call_later``).
- A focused ``Input`` types printable keys as soon as they reach its queue, while a key it
  does not type (BackSpace, ctrl+u, Left) bubbles up one queue at a time to the app, which
  only then runs the binding: ``reggo⌫i`` ends as ``reggo``.
- A key that acts on data (Enter on a search result, Enter in a dialog still resolving a
  part) acts on whatever is there, or is dropped, when it arrives before the data.
- Esc followed within 100 ms by a letter is read as alt+letter; by a digit, as a macOS
  Option character (``™`` for ESC 2); by a punctuation mark, as the mark alone (the Esc
  is lost).

The remedy is one mechanism for every screen. The app puts every key (and paste) from the
terminal in one queue, and a task hands them out one at a time:

1. **settle**: wait until the app, the current screen and its widgets have handled what
   they were sent (a pushed screen composes and mounts, a deferred focus lands, a key
   bubbling up reaches its binding, the ``Changed`` of a typed key starts its search);
2. **wait for data**: a worker started while handling an earlier key (a search, a part's
   resolution, a save) holds the keys that would act on its answer until it has finished.
   Keys that only go on editing the widget that started it (more letters of a search,
   BackSpace, cursor moves in the list being paged) pass; Enter and Tab always wait;
3. **deliver**, in the app's own task, as ``App.on_event`` would, except that the focus
   chain's bindings are resolved *before* the focused widget gets a key it does not type,
   instead of after the key has bubbled up behind the next ones;
4. a key that nothing takes (no binding, an action not available now) is answered with
   the bell and a short notice, never dropped in silence.

Workers whose group starts with ``background`` (connecting, the cart count, an export)
hold nothing. ``TypeAheadApp`` is the part that could go upstream: a subclass of ``App``
with no knowledge of sav's screens.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import sys
import time
import weakref
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual._dispatch_key import dispatch_key
from textual.app import App
from textual.binding import Binding

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.widget import Widget
    from textual.worker import Worker

SETTLE_ROUNDS = 12
"""At most this many rounds of waiting for the screen's queues to empty, per key."""
BARRIER_TIMEOUT = 2.0
"""A widget that does not answer within this many seconds is not waited for any longer."""
WAITING_NOTICE_AFTER = 0.4
"""Keys held this long for the server are shown as waiting (they are kept, not lost)."""
BACKGROUND = "background"
"""Workers whose group starts with this hold no key."""
NEVER_ADMITTED = frozenset({"enter", "tab", "shift+tab", "escape"})
"""Keys that act on the answer, or leave the widget: they always wait for the data."""


def takes_text(widget: Widget, event: events.Key | events.Paste) -> bool:
    """Does ``widget`` type this key itself (instead of leaving it to a binding)?

    ``check_consume_key`` says so for printable keys; a ``TextArea`` also types Enter
    (and Tab when it indents) without saying so."""
    if isinstance(event, events.Paste):
        return True
    if widget.check_consume_key(event.key, event.character):
        return True
    if event.key != "enter":
        return False
    # No import of TextArea for this (its themes cost as much as a screen): if no module has
    # imported it, no widget is one.
    text_area = sys.modules.get("textual.widgets._text_area")
    return text_area is not None and isinstance(widget, text_area.TextArea) and not widget.read_only


_GENERIC = ("textual.widget", "textual.scroll_view", "textual.containers", "textual.dom")
"""Modules of Textual's base classes: their bindings (scrolling) are nobody's own keys."""


@functools.cache
def _own_actions(cls: type) -> frozenset[str]:
    """The actions that ``cls`` and its non-generic bases bind (not inherited scrolling)."""
    actions = set()
    for base in cls.__mro__:
        if base.__module__ in _GENERIC:
            continue
        for binding in base.__dict__.get("BINDINGS", ()):
            action = binding.action if isinstance(binding, Binding) else binding[1]
            actions.add(action)
    return frozenset(actions)


def own_key(widget: Widget, event: events.Key | events.Paste) -> bool:
    """Is the key typed by ``widget``, or bound by ``widget``'s own class (its editing or
    cursor keys; not an ancestor's binding, nor the scrolling every widget inherits)?"""
    if takes_text(widget, event):
        return True
    if isinstance(event, events.Paste):
        return False
    try:
        chain = widget.screen._binding_chain  # with the user's keymap applied
    except Exception:  # no screen any more
        return False
    own = _own_actions(type(widget))
    for node, bindings in chain:
        if node is widget:
            return any(
                not b.priority and b.action in own
                for b in bindings.key_to_bindings.get(event.key, ())
            )
    return False


@dataclass
class Hold:
    """A worker whose answer some keys must wait for."""

    worker: Worker[object]
    widget: Widget | None
    """The widget whose own key started it: further keys of that widget pass."""

    def admits(self, focused: Widget | None, event: events.Key | events.Paste) -> bool:
        if self.widget is None or focused is not self.widget:
            return False
        if isinstance(event, events.Key) and event.key in NEVER_ADMITTED:
            return False
        return own_key(focused, event)


def split_alt(event: events.Key) -> list[events.Key]:
    """Esc typed just before a letter arrives as alt+letter: give back Esc, then the letter.

    sav binds no alt+ key (they do not survive tmux, PuTTY or the Linux console)."""
    key = event.key
    if not key.startswith("alt+"):
        return [event]
    rest = key.removeprefix("alt+")
    if rest.startswith("shift+") and len(rest) == len("shift+") + 1:
        rest = rest.removeprefix("shift+").upper()
    character = event.character
    if len(rest) == 1:
        character = rest
    elif character is not None and len(character) == 1 and character.isprintable():
        pass  # e.g. alt+full_stop: the character is the key's
    else:
        return [event]  # alt+up and the like: keys of their own
    return [events.Key("escape", "\x1b"), events.Key(rest, character)]


OPTION_CHARACTERS = ("\x1b§", "\x1b0", "\x1b1", "\x1b2", "\x1b3", "\x1b4", "\x1b5",
                     "\x1b6", "\x1b7", "\x1b8", "\x1b9", "\x1b-", "\x1b=")  # fmt: skip
"""Sequences Textual reads as the characters WezTerm on macOS types with Option (ESC 2 is
``™``): on every other terminal they are Esc typed just before a digit or a sign."""


def keep_escape() -> None:
    """Make Textual's key parser give back Esc typed just before a digit or a sign.

    - ESC and a digit (or ``-``, ``=``, ``§``) is read as the macOS Option character of
      WezTerm (``™`` for ESC 2): those sequences are forgotten, so that they come as
      alt+digit, which ``split_alt`` turns back into Esc, then the digit.
    - ESC and a punctuation mark (ESC ``:``) comes as the mark alone, the Esc lost: the
      parser now gives Esc, then the mark.

    Idempotent. The first is a change of a table; the second wraps one method of the
    parser (``XTermParser._sequence_to_key_events``, Textual 8): both could go upstream as
    an option of the parser."""
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
    from textual._xterm_parser import XTermParser

    for sequence in OPTION_CHARACTERS:
        if isinstance(ANSI_SEQUENCES_KEYS.get(sequence), str):
            del ANSI_SEQUENCES_KEYS[sequence]  # type: ignore[attr-defined]
    original = XTermParser._sequence_to_key_events
    if getattr(original, "keeps_escape", False):
        return

    def sequence_to_key_events(
        self: XTermParser, sequence: str, alt: bool = False
    ) -> Iterable[events.Key]:
        if alt and len(sequence) == 1 and not sequence.isalnum() and sequence.isprintable():
            yield events.Key("escape", "\x1b")
            alt = False
        yield from original(self, sequence, alt)

    sequence_to_key_events.keeps_escape = True  # type: ignore[attr-defined]
    XTermParser._sequence_to_key_events = sequence_to_key_events  # type: ignore[method-assign]


_DEBUG = os.environ.get("SAV_DEBUG_KEYS")
"""A file to log each key handed out and each settling round to (for diagnosis)."""


def _debug(text: str) -> None:
    with open(_DEBUG or "/dev/null", "a") as handle:
        handle.write(f"{time.monotonic():.3f} {text}\n")


class TypeAhead:
    """The queue of keys and the task that hands them out (see the module's text)."""

    def __init__(self, app: TypeAheadApp) -> None:
        self._app = app
        self._events: deque[events.Key | events.Paste] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._holds: list[Hold] = []
        self._seen: weakref.WeakSet[Worker[object]] = weakref.WeakSet()
        self._origin: Widget | None = None
        self.waiting_since: float | None = None
        self.delivered = 0

    # ------------------------------------------------------------------ queue

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="type-ahead")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def put(self, event: events.Key | events.Paste) -> None:
        if isinstance(event, events.Key) and event.key == "ctrl+j":
            # a line feed is Enter (readline's C-j too): keys typed before the app set the
            # terminal to raw mode went through its line discipline, which turns the
            # Enter (CR) into a line feed (ICRNL); sav binds nothing to ctrl+j
            event = events.Key("enter", "\r")
        items = split_alt(event) if isinstance(event, events.Key) else [event]
        self._events.extend(items)
        self._idle.clear()
        self._wake.set()

    @property
    def pending(self) -> int:
        """Keys typed and not handed out yet."""
        return len(self._events)

    async def wait_idle(self) -> None:
        """Until every key typed so far has been handed out and its screen has settled."""
        await self._idle.wait()

    async def _run(self) -> None:
        while True:
            try:
                await self._step()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # never leave the keyboard dead
                if _DEBUG:
                    import traceback

                    _debug("".join(traceback.format_exception(error)))
                self._app.log.error(f"type-ahead: {error!r}")
                await asyncio.sleep(0.01)

    async def _step(self) -> None:
        if not self._events:
            await self._settle()
            self._collect_holds()
            if self._events:  # typed while the screen settled
                return
            # no await between the check above and clear(): a key put now is not missed
            self._idle.set()
            self._wake.clear()
            await self._wake.wait()
            return
        event = self._events[0]
        await self._ready_for(event)
        self._events.popleft()
        if _DEBUG:
            _debug(f"deliver {event!r} holds={self._holds!r}")
        self._deliver(event)

    # ------------------------------------------------------------------ waiting

    async def _ready_for(self, event: events.Key | events.Paste) -> None:
        """Settle, then wait while a worker holds this key; settle again after it."""
        while True:
            await self._settle()
            self._collect_holds()
            focused = self._app.focused
            blocking = [h for h in self._holds if not h.admits(focused, event)]
            if not blocking:
                self._show_waiting(None)
                return
            if self.waiting_since is None:
                self.waiting_since = time.monotonic()
            elif time.monotonic() - self.waiting_since > WAITING_NOTICE_AFTER:
                self._show_waiting(self.waiting_since)
            await asyncio.sleep(0.005)

    def _show_waiting(self, since: float | None) -> None:
        if since is None:
            if self.waiting_since is not None:
                self.waiting_since = None
                self._app.keys_waiting(0)
            return
        self._app.keys_waiting(len(self._events))

    def _collect_holds(self) -> None:
        """Workers started since the last key was handed out hold the next keys."""
        self._holds = [h for h in self._holds if not h.worker.is_finished]
        for worker in list(self._app.workers):
            if worker in self._seen:
                continue
            self._seen.add(worker)
            if worker.is_finished or (worker.group or "").startswith(BACKGROUND):
                continue
            self._holds.append(Hold(worker, self._origin))

    async def _settle(self) -> None:
        """Until the app and the current screen have handled what they were sent."""
        app = self._app
        for _ in range(SETTLE_ROUNDS):
            try:
                screen = app.screen
            except Exception:
                return
            focused = app.focused
            nodes: list[MessagePump] = [app, screen]
            if focused is not None:
                nodes.extend(focused.ancestors_with_self)
            children = list(screen.walk_children(with_self=False))
            nodes.extend(n for n in children if n.message_queue_size)
            await _barrier(nodes)
            if _DEBUG:
                busy = [n for n in [app, screen, *screen.walk_children()] if n.message_queue_size]
                _debug(f"round {_} screen={screen!r} focused={app.focused!r} busy={busy!r}")
            if (
                app.screen is screen
                and app.focused is focused
                and not app.message_queue_size
                and not screen.message_queue_size
                and not any(n.message_queue_size for n in screen.walk_children())
            ):
                return

    # ------------------------------------------------------------------ delivering

    def _deliver(self, event: events.Key | events.Paste) -> None:
        focused = self._app.focused
        # Keys typed after this one may go on editing the same widget while the work this
        # key starts runs (more letters of a search); not after Enter, Tab or Esc: what
        # follows a submitted sign-in is for the next screen, not the password field.
        editing = isinstance(event, events.Paste) or event.key not in NEVER_ADMITTED
        self._origin = (
            focused if focused is not None and editing and own_key(focused, event) else None
        )
        for worker in list(self._app.workers):
            self._seen.add(worker)  # what runs now was not started by this key
        self.delivered += 1
        self._app.call_later(self._app.deliver_typed, event)


async def _barrier(nodes: list[MessagePump]) -> None:
    """Until each of ``nodes`` has handled the messages already queued to it."""
    waits = []
    for node in dict.fromkeys(nodes):  # once each, in order
        done = asyncio.get_running_loop().create_future()

        def release(done: asyncio.Future[None] = done) -> None:
            if not done.done():
                done.set_result(None)

        if node.call_later(release):
            waits.append(done)
    if waits:
        await asyncio.wait(waits, timeout=BARRIER_TIMEOUT)


class TypeAheadApp(App[object]):
    """An ``App`` whose keys go through ``TypeAhead`` (see the module's text).

    Subclasses may override ``key_not_taken`` (the answer to a key nothing took) and
    ``keys_waiting`` (how keys held for the server are shown)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        keep_escape()
        self.type_ahead = TypeAhead(self)

    async def _on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        self.type_ahead.start()

    async def _on_unmount(self, event: events.Unmount) -> None:  # type: ignore[override]
        await self.type_ahead.stop()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if self._closing or (isinstance(event, events.Key) and self._quits(event.key)):
                await super().on_event(event)  # quitting waits for nothing
                return
            self.type_ahead.put(event)
            return
        await super().on_event(event)

    def _quits(self, key: str) -> bool:
        try:
            chain = self.screen._binding_chain
        except Exception:
            return False
        return any(
            binding.action in ("quit", "app.quit")
            for _node, bindings in chain
            for binding in bindings.key_to_bindings.get(key, ())
        )

    async def deliver_typed(self, event: events.Key | events.Paste) -> None:
        """Hand one key to the screen, as ``App.on_event`` would, in the app's task."""
        if isinstance(event, events.Paste):
            (self.focused or self.screen)._forward_event(event)
            return
        if not self.app_focus:
            self.app_focus = True
        try:
            screen = self.screen
        except Exception:
            return
        if screen.maximized is not None and event.key == "escape" and self.escape_to_minimize:
            screen.minimize()
            return
        if self.focused is not None:
            with contextlib.suppress(Exception):
                screen._clear_tooltip()
        if await self._check_bindings(event.key, priority=True):
            return
        focused = self.focused
        if focused is not None and takes_text(focused, event):
            focused._forward_event(event)
            return
        if await self._check_bindings(event.key):
            return
        (focused or screen)._forward_event(event)  # the widget's own keys, then up to the app

    async def _on_key(self, event: events.Key) -> None:
        """A key that bubbled up to the app: its bindings, its ``key_`` methods, or none."""
        event.prevent_default()  # instead of App._on_key, which says nothing of a lost key
        if await self._check_bindings(event.key):
            return
        if not await dispatch_key(self, event):
            self.key_not_taken(event)

    def key_not_taken(self, event: events.Key) -> None:
        """A key that nothing took: say so (the bell by default)."""
        self.bell()

    def keys_waiting(self, count: int) -> None:
        """``count`` keys are held for the server (0: none any more)."""


__all__ = [
    "Hold",
    "TypeAhead",
    "TypeAheadApp",
    "keep_escape",
    "own_key",
    "split_alt",
    "takes_text",
]
