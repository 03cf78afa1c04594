"""An SSH server on loopback that runs one program in a real pty per session (asyncssh).

What ``sshd`` does for a technician who types ``ssh -t host``, reduced to what a test
needs: public-key authentication with one throwaway key, and for a session that asks
for a pty and a shell, ``argv`` started in its own session on a fresh pseudo-terminal of
the size the client asked for, with the client's ``TERM``. Bytes are copied both ways
unchanged (no line editor, no newline translation), the client's window-size changes
are set on the pty (the kernel sends SIGWINCH to the program), the program's exit status
goes back to the client, and a client that goes away hangs the program up (SIGHUP, then
SIGTERM, then SIGKILL if it lingers) as a closed terminal would.

The server runs its own event loop in a thread, so a synchronous test can start it,
drive the ``ssh`` client in another pty, and inspect each session afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import struct
import subprocess
import termios
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

HANGUP_GRACE = 3.0
"""Seconds a hung-up program has to end before SIGTERM, and again before SIGKILL."""


def _set_controlling_tty() -> None:  # in the child, after setsid(): the pty becomes its tty
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _set_size(fd: int, cols: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, xpixels, ypixels))


@dataclass
class Session:
    """What one SSH session asked for and what became of its program (for the test)."""

    user: str
    term: str = ""
    sizes: list[tuple[int, int]] = field(default_factory=list)
    """Every window size the client sent (columns, rows), the first with the pty request."""
    pid: int | None = None
    tty: str = ""
    exit_status: int | None = None
    """The program's exit code (negative: killed by that signal), once it has ended."""
    hung_up: bool = False
    """The client went away while the program ran, and the server hung it up."""
    bytes_out: int = 0
    received: list[bytes] = field(default_factory=list)
    """The client's data as it arrived, one item per SSH packet (what a stalled link groups)."""
    done: threading.Event = field(default_factory=threading.Event)
    """Set once the program has ended, been reaped, and the channel is closed."""


class _PtySession(asyncssh.SSHServerSession[bytes]):
    def __init__(self, server: LoopbackSshServer, record: Session) -> None:
        self._server = server
        self.record = record
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._master: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._reading = False
        self._pending = bytearray()  # keys from the client not yet taken by the pty
        self._closed = False
        self._finishing = False
        self._loop = asyncio.get_running_loop()

    # ------------------------------------------------------------- the client's requests

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:  # type: ignore[override]
        self._chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Mapping[int, int]
    ) -> bool:
        self.record.term = term_type
        self.record.sizes.append((term_size[0], term_size[1]))
        return True

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.record.sizes.append((width, height))
        if self._master is not None:
            _set_size(self._master, width, height, pixwidth, pixheight)

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        return False  # the test's program only, as a forced command

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        assert self._chan is not None
        if not self.record.term:  # no pty asked for: sav needs one
            self._chan.write_stderr(b"this server runs a terminal program: use ssh -t\r\n")
            self._chan.exit(1)
            self.record.done.set()
            return
        master, slave = os.openpty()
        cols, rows, xpixels, ypixels = self._chan.get_terminal_size()
        _set_size(slave, cols or 80, rows or 24, xpixels, ypixels)
        self.record.tty = os.ttyname(slave)
        peer_host, peer_port = self._chan.get_extra_info("peername")[:2]
        host, port = self._chan.get_extra_info("sockname")[:2]
        env = dict(self._server.env)
        env.update(
            TERM=self.record.term,
            USER=self.record.user,
            LOGNAME=self.record.user,
            SSH_CLIENT=f"{peer_host} {peer_port} {port}",
            SSH_CONNECTION=f"{peer_host} {peer_port} {host} {port}",
            SSH_TTY=self.record.tty,
        )
        try:
            self._proc = subprocess.Popen(
                self._server.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                cwd=self._server.cwd,
                start_new_session=True,  # setsid(): its own session, the pty its terminal
                preexec_fn=_set_controlling_tty,
                close_fds=True,
            )
        except OSError as exc:
            os.close(master)
            self._chan.write_stderr(f"cannot start {self._server.argv[0]}: {exc}\r\n".encode())
            self._chan.exit(127)
            self.record.done.set()
            return
        finally:
            os.close(slave)
        self.record.pid = self._proc.pid
        os.set_blocking(master, False)
        self._master = master
        self._start_reading()
        self._flush_input()

    # ------------------------------------------------------------- program -> client

    def _start_reading(self) -> None:
        if self._master is not None and not self._reading:
            self._loop.add_reader(self._master, self._on_output)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._master is not None and self._reading:
            self._loop.remove_reader(self._master)
            self._reading = False

    def _on_output(self) -> None:
        assert self._master is not None and self._chan is not None
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError as exc:  # EIO: the program and all that shared its tty are gone
            if exc.errno != errno.EIO:
                raise
            data = b""
        if not data:
            self._stop_reading()
            self._loop.create_task(self._finish())
            return
        self.record.bytes_out += len(data)
        if not self._closed:
            self._chan.write(data)

    def pause_writing(self) -> None:  # the client is slow: leave the rest in the pty
        self._stop_reading()

    def resume_writing(self) -> None:
        self._start_reading()

    # ------------------------------------------------------------- client -> program

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.record.received.append(data)
        self._pending += data
        self._flush_input()

    def _flush_input(self) -> None:
        if self._master is None:
            return
        while self._pending:
            try:
                written = os.write(self._master, self._pending)
            except BlockingIOError:
                self._loop.add_writer(self._master, self._on_writable)
                return
            except OSError:  # the program is gone: its keys go nowhere
                self._pending.clear()
                return
            del self._pending[:written]

    def _on_writable(self) -> None:
        assert self._master is not None
        self._loop.remove_writer(self._master)
        self._flush_input()

    def eof_received(self) -> bool:
        return True  # a terminal has no end of input: keep the session open

    def break_received(self, msec: int) -> bool:
        return False

    # ------------------------------------------------------------- ending

    async def _finish(self) -> None:
        """The pty is drained: reap the program, report its status, close the channel."""
        if self._finishing or self._proc is None:
            return
        self._finishing = True
        self._stop_reading()
        while self._proc.poll() is None:
            await asyncio.sleep(0.02)
        status = self._proc.returncode
        self._close_master()
        self.record.exit_status = status
        if not self._closed and self._chan is not None:
            if status >= 0:
                self._chan.exit(status)
            else:
                self._chan.exit_with_signal(signal.Signals(-status).name.removeprefix("SIG"))
        self.record.done.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        if self._proc is None:
            self.record.done.set()
            return
        if self._finishing:
            return
        self._start_reading()  # (if paused) to see the pty close; its output is dropped now
        if self._proc.poll() is None:
            self.record.hung_up = True
            self._loop.create_task(self._hang_up())

    async def _hang_up(self) -> None:
        """The terminal went away: SIGHUP, as a closed tty does; then insist."""
        assert self._proc is not None
        for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, sig)
            if await self._ends_within(HANGUP_GRACE):
                break
        # the pty's EIO normally calls _finish(); a child left holding it must not stall it
        await asyncio.sleep(0.5)
        await self._finish()

    async def _ends_within(self, seconds: float) -> bool:
        assert self._proc is not None
        loop_time = self._loop.time
        deadline = loop_time() + seconds
        while self._proc.poll() is None and loop_time() < deadline:
            await asyncio.sleep(0.05)
        return self._proc.poll() is not None

    def _close_master(self) -> None:
        if self._master is not None:
            self._stop_reading()
            self._loop.remove_writer(self._master)
            os.close(self._master)
            self._master = None


class _Server(asyncssh.SSHServer):
    def __init__(self, owner: LoopbackSshServer) -> None:
        self._owner = owner
        self._user = ""
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._owner._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner._connections.discard(self._conn)  # type: ignore[arg-type]

    def begin_auth(self, username: str) -> bool:
        self._user = username
        return True  # always ask for a key

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def session_requested(self) -> _PtySession:
        record = Session(user=self._user)
        self._owner.sessions.append(record)
        return _PtySession(self._owner, record)


class LoopbackSshServer:
    """``with LoopbackSshServer(argv, env, client_key=...) as server:`` then ``server.port``.

    Listens on 127.0.0.1 on a free port; accepts the one public key given (any user
    name), and for each session with a pty runs ``argv`` with ``env`` (plus ``TERM`` and
    the ``SSH_*`` variables sshd sets) in ``cwd``.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: str | Path | None = None,
        client_key: asyncssh.SSHKey,
    ) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.cwd = str(cwd) if cwd is not None else None
        self.sessions: list[Session] = []
        self.port = 0
        self._client_key = client_key
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="ssh-server", daemon=True
        )
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._connections: set[asyncssh.SSHServerConnection] = set()

    async def _listen(self) -> None:
        authorized = asyncssh.import_authorized_keys(self._client_key.export_public_key().decode())
        self._acceptor = await asyncssh.listen(
            "127.0.0.1",
            0,
            server_factory=lambda: _Server(self),
            server_host_keys=[asyncssh.generate_private_key("ssh-ed25519")],
            authorized_client_keys=authorized,
            line_editor=False,  # the program reads raw keys, as from sshd's pty
            encoding=None,  # bytes both ways, untouched
            allow_scp=False,
            agent_forwarding=False,
            x11_forwarding=False,
        )
        self.port = self._acceptor.get_port()

    def start(self) -> LoopbackSshServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)
        return self

    def close(self, timeout: float = 10.0) -> None:
        """Stop listening, close every connection, wait for every program to end."""

        async def shut() -> None:
            if self._acceptor is not None:
                self._acceptor.close()
                await self._acceptor.wait_closed()
            for conn in list(self._connections):
                conn.close()  # a program still running is hung up
                await conn.wait_closed()

        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shut(), self._loop).result(timeout=timeout)
            for session in self.sessions:
                session.done.wait(timeout)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
        if not self._loop.is_running():
            self._loop.close()

    def __enter__(self) -> LoopbackSshServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
