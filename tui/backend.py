"""Where the TUI's backend is, and how to reach it.

``EmbeddedBackend`` starts the backend in a child process on a private Unix socket
(the default, no configuration); ``RemoteBackend`` reaches a team server by URL;
``ClientBackend`` wraps a ready ``SavClient`` (tests inject one pointed at the real app).
``connect()`` is awaited in a worker after the first frame is painted: it imports the
HTTP client (which costs as much as Textual itself) and waits for the backend to answer.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tui.i18n import _

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import Health


MAX_SOCKET_PATH = 100  # sun_path holds 104-108 bytes depending on the system
BACKEND_NICE = 5
"""How much lower the embedded backend's CPU priority is than the TUI's."""


class BackendUnavailable(Exception):
    """The backend could not be reached; ``tried`` says what was attempted, for a person."""

    def __init__(self, message: str, tried: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.tried = tried


class Backend(Protocol):
    label: str
    """Shown to the user: where the data comes from."""
    short_label: str
    """The same, short enough for the top line."""
    embedded: bool
    credential_key: str
    """The key under which a remembered token is stored for this backend."""

    async def connect(self) -> tuple[SavClient, Health]: ...

    async def close(self) -> None: ...


async def _load_client_module() -> None:
    import asyncio

    # httpx imports its command-line client (click, pygments, rich) whenever those are
    # installed; the TUI never uses it, and it would add ~8 MB to every terminal session.
    # A None entry makes that import fail, and httpx falls back to a stub.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    await asyncio.to_thread(importlib.import_module, "client.api")


def _client_for(base_url: str, *, uds: str | None = None) -> SavClient:
    import ssl

    import httpx

    from client.api import DEFAULT_TIMEOUT, SavClient

    # Plain HTTP (the embedded backend's private socket, a team server at http://) needs no
    # CA bundle: loading certifi's costs ~1.3 MiB of the TUI's memory. The context still
    # requires certificates; it trusts none. An https:// server gets the default, verified.
    plain = uds is not None or base_url.lower().startswith("http://")
    no_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT) if plain else None
    if no_tls is None:
        http = httpx.AsyncClient(base_url=base_url, timeout=DEFAULT_TIMEOUT)
    elif uds is None:
        http = httpx.AsyncClient(base_url=base_url, verify=no_tls, timeout=DEFAULT_TIMEOUT)
    else:
        transport = httpx.AsyncHTTPTransport(uds=uds, verify=no_tls)
        http = httpx.AsyncClient(
            base_url=base_url, transport=transport, verify=no_tls, timeout=DEFAULT_TIMEOUT
        )
    return SavClient(http)


@dataclass
class EmbeddedBackend:
    """The backend in a child process, on SQLite in the user's data directory."""

    database_url: str
    runtime_dir: Path
    log_path: Path
    startup_timeout: float = 60.0
    embedded: bool = True
    process: subprocess.Popen[bytes] | None = None
    socket_path: str | None = None
    port: int | None = None
    ready_fd: int | None = None
    """The read end of a pipe the backend writes a line to once it listens (POSIX)."""

    @property
    def label(self) -> str:
        path = self.database_url.split(":///", 1)[-1]
        return _("embedded · SQLite {path}").format(path=path)

    @property
    def short_label(self) -> str:
        return _("embedded")

    @property
    def credential_key(self) -> str:
        return f"embedded:{self.database_url}"

    def start(self) -> None:
        """Spawn the backend now (it boots while the TUI paints its first frame)."""
        command = [sys.executable, "-m", "server.embedded", "--database", self.database_url]
        socket_path = str(self.runtime_dir / f"backend-{os.getpid()}.sock")
        if hasattr(socket, "AF_UNIX") and len(socket_path.encode()) <= MAX_SOCKET_PATH:
            self.socket_path = socket_path
            command += ["--socket", self.socket_path]
        else:  # no Unix sockets (Windows), or a path too long for one: loopback, a free port
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
            command += ["--port", str(self.port)]
        # The backend yields the CPU to the terminal when both want it (the first frame, typing).
        command += ["--parent-pid", str(os.getpid()), "--nice", str(BACKEND_NICE)]
        self._close_ready()
        write_fd = None
        if os.name == "posix":  # no polling of the socket: the backend says when it listens
            self.ready_fd, write_fd = os.pipe()
            command += ["--ready-fd", str(write_fd)]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=() if write_fd is None else (write_fd,),
            )
        finally:
            log.close()
            if write_fd is not None:
                os.close(write_fd)  # the child's copy is the only one: EOF if it dies

    def _close_ready(self) -> None:
        if self.ready_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.ready_fd)
            self.ready_fd = None

    async def _wait_ready(self, at_most: float) -> None:
        """Until the backend says it listens (or dies: EOF), ``at_most`` seconds."""
        import asyncio

        fd = self.ready_fd
        if fd is None:
            await asyncio.sleep(at_most)
            return
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
        try:
            await asyncio.wait_for(readable, at_most)
        except TimeoutError:
            return
        finally:
            loop.remove_reader(fd)
        self._close_ready()  # a line or EOF: either way, nothing more will come

    def _where(self) -> str:
        if self.socket_path:
            return _("socket {path}").format(path=self.socket_path)
        return f"127.0.0.1:{self.port}"

    async def connect(self) -> tuple[SavClient, Health]:

        if self.process is None or self.process.poll() is not None:
            self.start()
        await _load_client_module()
        from client.api import SavError

        if self.socket_path:
            client = _client_for("http://embedded", uds=self.socket_path)
        else:
            client = _client_for(f"http://127.0.0.1:{self.port}")
        deadline = time.monotonic() + self.startup_timeout
        delay = 0.02
        while True:
            assert self.process is not None
            code = self.process.poll()
            if code is not None:
                await client.aclose()
                raise BackendUnavailable(
                    _("The local backend stopped (exit code {code}).").format(code=code),
                    [
                        _("Started: {command} on {where}").format(
                            command=f"{sys.executable} -m server.embedded", where=self._where()
                        ),
                        _("Its log: {path}").format(path=self.log_path),
                        *_tail(self.log_path),
                    ],
                )
            # With the pipe, not before it said so: a socket that exists may not listen yet,
            # and the client would retry after a back-off (0.1-0.3 s, then twice that).
            listening = self.ready_fd is None and (
                self.port or Path(self.socket_path or "").exists()  # noqa: ASYNC240 - a stat
            )
            if listening:
                try:
                    return client, await client.health()
                except SavError:
                    pass
            if time.monotonic() > deadline:
                self._close_ready()
                await client.aclose()
                raise BackendUnavailable(
                    _("The local backend did not answer within {s} s.").format(
                        s=round(self.startup_timeout)
                    ),
                    [
                        _("Waited for {where}").format(where=self._where()),
                        _("Its log: {path}").format(path=self.log_path),
                    ],
                )
            await self._wait_ready(delay)
            delay = min(delay * 1.5, 0.25)

    async def close(self) -> None:
        self._close_ready()
        stop_process(self.process)


def _why(error: Exception) -> str:
    """The network's own reason (e.g. "[Errno 111] Connection refused"), else the message."""
    cause = error.__cause__
    return str(cause) if cause is not None and str(cause) else str(error)


def stop_process(process: subprocess.Popen[bytes] | None, timeout: float = 3.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def _tail(path: Path, lines: int = 3) -> list[str]:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return []
    return [line[:200] for line in text[-lines:]]


@dataclass
class RemoteBackend:
    """A team server reached by URL (``sav --server URL``)."""

    url: str
    embedded: bool = False

    @property
    def label(self) -> str:
        return self.url

    @property
    def short_label(self) -> str:
        return self.url.split("://", 1)[-1].rstrip("/")

    @property
    def credential_key(self) -> str:
        return self.url

    async def connect(self) -> tuple[SavClient, Health]:
        await _load_client_module()
        from client.api import SavError

        client = _client_for(self.url)
        try:
            return client, await client.health()
        except SavError as exc:
            await client.aclose()
            raise BackendUnavailable(
                _("Cannot reach the server at {url}.").format(url=self.url),
                [_("Tried {url}: {error}").format(url=self.url, error=_why(exc))],
            ) from exc

    async def close(self) -> None:
        return None


@dataclass
class ClientBackend:
    """A ready client (tests point one at the real app through ASGI)."""

    client: SavClient
    label: str = "test server"
    short_label: str = "test server"
    embedded: bool = False
    credential_key: str = "test"

    async def connect(self) -> tuple[SavClient, Health]:
        from client.api import SavError

        try:
            return self.client, await self.client.health()
        except SavError as exc:
            raise BackendUnavailable(
                _("Cannot reach the server at {url}.").format(url=self.label),
                [_("Tried {url}: {error}").format(url=self.label, error=_why(exc))],
            ) from exc

    async def close(self) -> None:
        return None
