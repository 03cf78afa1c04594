"""The message line: the app's notifications on the top line of the screen, never over
what is being read.

Textual shows a notification as a toast in the bottom right corner, over the list, the
details or the note the person is reading, for seconds. sav shows it instead on the top
line (``SessionBar``), in place of the user's and the centre's names, for as long as it
takes to read (longer for an error), marked without colour (``!`` a warning, ``✗`` an
error, in reverse video). A message wider than the screen is cut with "…": F1 lists the
recent messages whole.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.content import Content

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import Notification
    from textual.timer import Timer

READING_SPEED = 18
"""Characters read per second, to keep a long message long enough on the line."""
ERROR_SECONDS = 10.0
"""Seconds an error stays at least."""
KEPT = 20
"""Recent messages listed by F1."""


@dataclass(frozen=True)
class Said:
    text: str
    severity: str
    at: float = field(default_factory=time.time)
    seconds: float = 0.0

    @property
    def clock(self) -> str:
        return time.strftime("%H:%M:%S", time.localtime(self.at))


def plain(notification: Notification) -> str:
    """The notification as one line of plain text (its title first, its lines joined)."""
    message = str(notification.message)
    if notification.markup:
        try:
            message = Content.from_markup(message).plain
        except Exception:  # not markup after all: the text as it is
            pass
    text = " · ".join(part.strip() for part in message.splitlines() if part.strip())
    if notification.title:
        text = f"{notification.title}: {text}"
    return text


class MessageLine:
    """The current message and the recent ones, for the app's screens to show."""

    def __init__(self, app: App[object]) -> None:
        self._app = app
        self.current: Said | None = None
        self.recent: deque[Said] = deque(maxlen=KEPT)
        self._timer: Timer | None = None

    def say(self, notification: Notification) -> Said:
        text = plain(notification)
        severity = str(notification.severity)
        seconds = max(notification.timeout, 1.5 + len(text) / READING_SPEED)
        if severity == "error":
            seconds = max(seconds, ERROR_SECONDS)
        said = Said(text, severity, seconds=seconds)
        self.recent.append(said)
        self.current = said
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._app.set_timer(seconds, self._expire, name="message-line")
        self._show()
        return said

    def clear(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.current = None
        self._show()

    def _expire(self) -> None:
        self._timer = None
        self.current = None
        self._show()

    def _show(self) -> None:
        from tui.widgets.session_bar import SessionBar

        for screen in self._app.screen_stack:
            for bar in screen.query(SessionBar):
                bar.show_message(self.current)


__all__ = ["MessageLine", "Said", "plain"]
