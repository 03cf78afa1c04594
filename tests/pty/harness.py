"""The real ``sav`` in a pseudo-terminal: keys written as a user's terminal writes them.

Pilot presses one key and waits for the app to settle, so it cannot see what happens when
keys arrive together (a paste, a stalled SSH link, a fast typist). Here ``sav`` runs as
users run it, TUI and embedded backend as two processes, in a pty of 80x24; ``type``
writes a step's keys in **one** ``os.write`` (or one key every ``gap`` seconds), and
``wait_for`` reads the screen as a terminal shows it (``pyte`` emulates one).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bench.pty_driver import MarkerNotFound, PtyDriver

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")

# What a terminal (xterm, tmux, PuTTY in its default mode) sends for each named key.
KEYS = {
    "Enter": "\r",
    "Tab": "\t",
    "BackTab": "\x1b[Z",
    "BackSpace": "\x7f",
    "Esc": "\x1b",
    "Space": " ",
    "Up": "\x1b[A",
    "Down": "\x1b[B",
    "Right": "\x1b[C",
    "Left": "\x1b[D",
    "Home": "\x1b[H",
    "End": "\x1b[F",
    "PgUp": "\x1b[5~",
    "PgDn": "\x1b[6~",
    "F1": "\x1bOP",
    "F2": "\x1bOQ",
    "F3": "\x1bOR",
    "F4": "\x1bOS",
    "F5": "\x1b[15~",
    "F6": "\x1b[17~",
    "F7": "\x1b[18~",
    "F8": "\x1b[19~",
    "F9": "\x1b[20~",
    "F10": "\x1b[21~",
    **{f"ctrl+{c}": chr(ord(c) - ord("a") + 1) for c in "abcdefghijklmnopqrstuvwxyz"},
}

SPEEDS = {"burst": None, "10ms": 0.010, "30ms": 0.030}
"""How the keys of a step arrive: in one write, or one key every so many seconds. One key
every 100 ms (a slow typist: the easy case, and the longest to run) only with
``SAV_PTY_SLOW=1``, to keep CI within its time."""
if os.environ.get("SAV_PTY_SLOW"):
    SPEEDS["100ms"] = 0.100


def keys(*parts: str) -> list[str]:
    """Named keys (``"Tab"``, ``"ctrl+s"``) and text (typed character by character)."""
    out: list[str] = []
    for part in parts:
        if part in KEYS:
            out.append(KEYS[part])
        else:
            out.extend(part)
    return out


def eventually(check: Callable[[], T], expected: T, timeout: float = 15.0) -> T:
    """Poll ``check()`` until it returns ``expected`` (then or at the timeout, its value)."""
    deadline = time.monotonic() + timeout
    value = check()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        value = check()
    return value


@dataclass
class Cell:
    char: str
    fg: str
    bg: str
    bold: bool
    reverse: bool
    underscore: bool


def sav_env(home: Path, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment ``sav`` runs in: its own home, no keyring, UTC, and no colour or
    Textual settings inherited from the machine (``TERM`` is the terminal's to set)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEXTUAL") and k not in {"NO_COLOR", "FORCE_COLOR", "COLORTERM"}
    }
    env.update(
        SAV_HOME=str(home),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        TZ="UTC",
        LANG="C.UTF-8",
    )
    env.update(extra_env or {})
    return env


def sav_argv(database_url: str, lang: str = "en", args: Iterable[str] = ()) -> list[str]:
    """The command that starts the TUI (which starts its embedded backend) on a database."""
    return [sys.executable, "-m", "tui.cli", "--lang", lang, "--database", database_url, *args]


class SavTerminal:
    """One ``sav`` process in a pty, with its own home folder and database."""

    def __init__(
        self,
        database_url: str,
        home: Path,
        *,
        lang: str = "en",
        term: str = "xterm-256color",
        size: tuple[int, int] = (80, 24),
        extra_env: dict[str, str] | None = None,
        args: Iterable[str] = (),
        argv: list[str] | None = None,
        record: bool = False,
    ) -> None:
        """``record``: keep every byte ``sav`` writes (``raw()``)."""
        env = sav_env(home, extra_env)
        command = argv or sav_argv(database_url, lang, args)
        self.driver = PtyDriver(
            command, env=env, cwd=str(ROOT), cols=size[0], rows=size[1], term=term, record=record
        )
        self._raw = bytearray()
        self._raw_lock = threading.Lock()
        self._keep_raw_bytes()

    def _keep_raw_bytes(self) -> None:
        """Keep what ``sav`` writes, as bytes (pyte drops what it does not draw, e.g. the
        OSC 52 sequence that sets the clipboard): every chunk the driver parses."""
        stream = self.driver._stream
        feed = stream.feed

        def recording(data: bytes) -> None:
            with self._raw_lock:
                self._raw.extend(data)
            feed(data)

        stream.feed = recording  # type: ignore[method-assign]

    def raw_mark(self) -> int:
        with self._raw_lock:
            return len(self._raw)

    def raw_since(self, mark: int = 0) -> bytes:
        """The bytes ``sav`` wrote since ``raw_mark()`` gave ``mark``."""
        with self._raw_lock:
            return bytes(self._raw[mark:])

    def wait_raw(self, data: bytes, mark: int = 0, timeout: float = 15.0) -> bytes:
        """Until ``sav`` has written ``data`` since ``mark``; what it wrote since then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            written = self.raw_since(mark)
            if data in written:
                return written
            time.sleep(0.02)
        raise MarkerNotFound(f"{data!r} not written after {timeout:.0f}s", self.screen())

    # ------------------------------------------------------------------ reading

    def screen(self) -> str:
        return self.driver.screen_text()

    def wait_for(self, text: str, timeout: float = 15.0) -> None:
        """Until ``text`` is on the screen (a fresh look: not whether it ever was)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen():
                return
            time.sleep(0.02)
        raise MarkerNotFound(f"{text!r} not on the screen after {timeout:.0f}s", self.screen())

    def wait_line(self, line: str, timeout: float = 15.0) -> None:
        """Until a line of the screen reads exactly ``line`` (trailing blanks aside)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(row.strip() == line for row in self.screen().splitlines()):
                return
            time.sleep(0.02)
        raise MarkerNotFound(f"no line reading {line!r} after {timeout:.0f}s", self.screen())

    def wait_gone(self, text: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text not in self.screen():
                return
            time.sleep(0.02)
        raise MarkerNotFound(f"{text!r} still on the screen after {timeout:.0f}s", self.screen())

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Until nothing was written for ``quiet`` seconds."""
        self.driver.wait_idle(quiet, timeout)

    def line_with(self, text: str) -> str:
        for line in self.screen().splitlines():
            if text in line:
                return line
        raise MarkerNotFound(f"no line with {text!r}", self.screen())

    def cells(self, row: int) -> list[Cell]:
        with self.driver._cond:  # the parser thread feeds the same screen
            line = self.driver._screen.buffer[row]
            return [
                Cell(c.data, c.fg, c.bg, c.bold, c.reverse, c.underscore)
                for c in (line[x] for x in range(self.driver.cols))
            ]

    def raw(self) -> bytes:
        """Every byte written so far (the terminal was started with ``record=True``)."""
        return self.driver.output()

    def row_of(self, text: str) -> int:
        for number, line in enumerate(self.screen().splitlines()):
            if text in line:
                return number
        raise MarkerNotFound(f"no line with {text!r}", self.screen())

    def resize(self, cols: int, rows: int) -> None:
        """The terminal's window becomes ``cols`` x ``rows`` (the app gets SIGWINCH)."""
        import fcntl
        import struct
        import termios

        with self.driver._cond:
            self.driver._screen.resize(rows, cols)
            self.driver.cols, self.driver.rows = cols, rows
        fcntl.ioctl(self.driver._master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    # ------------------------------------------------------------------ typing

    def type(self, sequence: list[str], gap: float | None = None) -> None:
        """Write the keys in one write (``gap=None``) or one every ``gap`` seconds."""
        if gap is None:
            self.driver.send("".join(sequence))
            return
        for key in sequence:
            self.driver.send(key)
            time.sleep(gap)

    def slowly(self, *parts: str, after: str | None = None, pause: float = 0.15) -> None:
        """Set-up keys, one at a time with a pause; then wait for ``after`` if given."""
        for key in keys(*parts):
            self.driver.send(key)
            time.sleep(pause)
        if after is not None:
            self.wait_for(after)

    def sign_in(self, user: str = "tech", password: str = "demo", home_marker: str = "") -> None:
        self.wait_for("Connected", 60)
        self.slowly(user, "Tab", password, "Enter")
        self.wait_for(home_marker or "What needs you today", 30)
        self.settle()

    def close(self) -> None:
        self.driver.terminate()


SGR = re.compile(rb"\x1b\[([0-9;:]*)m")


def colour_parameters(data: bytes) -> list[str]:
    """Every SGR parameter in ``data`` that sets a colour: 30–49 and 90–107 (the 16
    colours and the defaults), 38/48/58 with ``5;n`` (256 colours) or ``2;r;g;b``."""
    found: list[str] = []
    for match in SGR.finditer(data):
        params = match.group(1).decode().split(";") if match.group(1) else ["0"]
        i = 0
        while i < len(params):
            param = params[i]
            head = param.split(":")[0]
            number = int(head) if head.isdigit() else 0
            if number in (38, 48, 58):
                if ":" in param:  # 38:5:n, 38:2::r:g:b
                    found.append(param)
                    i += 1
                    continue
                kind = params[i + 1] if i + 1 < len(params) else ""
                span = 3 if kind == "5" else 5 if kind == "2" else 2
                found.append(";".join(params[i : i + span]))
                i += span
                continue
            if 30 <= number <= 49 or 90 <= number <= 107:
                found.append(param)
            i += 1
    return found


@contextmanager
def sav_terminal(database_url: str, home: Path, **kwargs: object) -> Iterator[SavTerminal]:
    terminal = SavTerminal(database_url, home, **kwargs)  # type: ignore[arg-type]
    try:
        yield terminal
    finally:
        terminal.close()
