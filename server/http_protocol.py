"""uvicorn's HTTP protocol, with Nagle's algorithm off on every TCP connection it serves.

asyncio turns Nagle off (``TCP_NODELAY``) only on sockets whose protocol number says TCP.
``sav serve --workers N`` listens on the socket uvicorn binds for its workers, made without
that number, so asyncio leaves Nagle on for every connection they accept. uvicorn writes a
response's head and its body in two sends: the body then waited for the client's delayed
acknowledgement of the head, about 40 ms on Linux, on every request of a kept-alive
connection (``GET /me`` 44 ms with two workers, 2.3 ms with one). This protocol turns Nagle
off itself as each connection is made."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

PATH = "server.http_protocol:NoDelayHTTPProtocol"
"""For uvicorn's ``http`` setting (a string: the workers import it themselves)."""


def no_delay(transport: asyncio.BaseTransport) -> None:
    """Nagle's algorithm off on a TCP transport's socket (a Unix socket has none)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):  # the peer is gone already: nothing to send
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's protocol (httptools' if installed, else h11's), Nagle off."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        no_delay(transport)
        super().connection_made(transport)
