"""``sav`` over a real SSH connection: the real ``ssh -tt`` client in one pty, an SSH
server on loopback (asyncssh, started by the test) running the real ``sav`` in another.

What a technician's terminal sends goes through ssh's pty, the SSH connection and sav's
pty; the screen is read from what reaches the client's terminal. Each step's keys are
written in one write, as a stalled link delivers them. The whole run is bounded by
``BUDGET``: every wait gets what is left of it, and a failure shows the screen.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import termios
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from tests.pty.harness import SavTerminal, eventually, keys
from tests.ssh.conftest import SshSetup
from tests.ssh.server import Session

Query = Callable[..., list[tuple[object, ...]]]

pytestmark = [pytest.mark.pty, pytest.mark.ssh]

HOME = "What needs you today"
BUDGET = 60.0
"""Seconds for a whole test, start to clean exit."""


class Budget:
    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def __call__(self, step: float) -> float:
        """A wait of ``step`` seconds at most, cut to what is left of the budget."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the SSH test's budget of {BUDGET:.0f}s is spent")
        return min(step, left)


def start_client(setup: SshSetup, home: Path, size: tuple[int, int] = (80, 24)) -> SavTerminal:
    """The ``ssh`` client in a pty of ``size``, as a technician's terminal runs it."""
    home.mkdir()
    return SavTerminal("", home, argv=setup.client_argv(), size=size)


def session_of(setup: SshSetup, budget: Budget) -> Session:
    deadline = time.monotonic() + budget(10)
    while time.monotonic() < deadline:
        sessions = setup.server.sessions
        if sessions and sessions[0].pid is not None:
            return sessions[0]
        time.sleep(0.02)
    raise AssertionError("the SSH server started no session")


def process_tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def alive(processes: list[psutil.Process]) -> list[str]:
    left = []
    for proc in processes:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{proc.pid} {' '.join(proc.cmdline())}")
        except psutil.Error:
            pass
    return left


def resize(terminal: SavTerminal, cols: int, rows: int) -> None:
    """Resize the client's terminal as a window manager does: the pty's size, SIGWINCH."""
    driver = terminal.driver
    with driver._cond:
        driver._screen.resize(rows, cols)
        driver.cols, driver.rows = cols, rows
    fcntl.ioctl(driver._master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def logged(query: Query, note: str) -> list[tuple[object, ...]]:
    return query("SELECT type FROM history_entries WHERE ticket_id = 116496 AND note = ?", note)


def test_sign_in_and_a_ticket_step_over_ssh(
    ssh_setup: SshSetup, query: Query, tmp_path: Path
) -> None:
    budget = Budget(BUDGET)
    sav = start_client(ssh_setup, tmp_path / "client-home")
    try:
        sav.wait_for("Connected", budget(40))
        session = session_of(ssh_setup, budget)
        assert session.term == "xterm-256color", session  # the client's TERM, passed through
        assert session.sizes[:1] == [(80, 24)], session
        processes = process_tree(session.pid)  # type: ignore[arg-type]

        # sign in: the whole line in one write
        sav.type(keys("tech", "Tab", "demo", "Enter"))
        sav.wait_for(HOME, budget(30))
        sav.settle(timeout=budget(10))
        processes += [p for p in process_tree(session.pid) if p not in processes]  # type: ignore[arg-type]

        # a ticket step: open it, log a note; each in one write
        sav.type(keys(":t 116496", "Enter"))
        sav.wait_for("Group 116496", budget(20))
        note = "Note over SSH"
        step = keys("l", "Tab", note, "ctrl+s")
        sav.type(step)
        saved = eventually(lambda: logged(query, note), [("note",)], timeout=budget(15))
        assert saved == [("note",)], f"note not saved: {saved}\n{sav.screen()}"
        sav.wait_gone("add a log", budget(15))
        sav.wait_for(note, budget(15))  # the ticket's history shows it
        # and the step did cross the link as one packet, written to sav's pty in one write
        assert "".join(step).encode() in session.received, session.received

        # the search: a key that opens a screen, and the letters typed after it
        sav.type(keys(":home", "Enter"))
        sav.wait_for(HOME, budget(15))
        sav.settle(timeout=budget(10))
        sav.type(keys("t", "reggi"))
        sav.wait_line("Search reggi", budget(15))
        sav.wait_for("Reggiani", budget(15))

        # the window grows: the size reaches sav's pty, and sav redraws to fill it
        resize(sav, 100, 30)
        deadline = time.monotonic() + budget(15)
        while session.sizes[-1] != (100, 30) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert session.sizes[-1] == (100, 30), session.sizes

        def redrawn() -> bool:
            rows = sav.screen().splitlines()  # 30 rows now, trailing blanks stripped
            return "Quit" in rows[-1] and max(len(row) for row in rows) > 80

        ok = eventually(redrawn, True, timeout=budget(15))
        assert ok, f"sav did not redraw at 100x30\n{sav.screen()}"
        sav.wait_line("Search reggi", budget(15))

        # ctrl+q: sav quits, its exit status ends the SSH session, nothing is left running
        screen = sav.screen()
        sav.driver.terminate(grace=budget(15))
        code = sav.driver.proc.returncode
        assert code == 0, f"ssh exited with {code}\n{sav.screen()}"
        assert session.done.wait(budget(10)), f"the SSH session did not end\n{screen}"
        assert session.exit_status == 0, session
        assert not session.hung_up, session
        left = eventually(lambda: alive(processes), [], timeout=budget(10))
        assert left == [], f"left running after the session: {left}"
    finally:
        sav.close()


def test_a_dropped_connection_hangs_sav_up(ssh_setup: SshSetup, tmp_path: Path) -> None:
    """A link that dies (the client killed, no goodbye): sav and its backend end."""
    budget = Budget(BUDGET)
    sav = start_client(ssh_setup, tmp_path / "client-home")
    try:
        sav.wait_for("Connected", budget(40))
        session = session_of(ssh_setup, budget)
        processes = process_tree(session.pid)  # type: ignore[arg-type]
        assert len(processes) >= 2, processes  # sav and its embedded backend
        os.kill(sav.driver.pid, signal.SIGKILL)
        assert session.done.wait(budget(15)), "sav was not hung up"
        assert session.hung_up, session
        left = eventually(lambda: alive(processes), [], timeout=budget(10))
        assert left == [], f"left running after the connection dropped: {left}"
    finally:
        sav.close()
