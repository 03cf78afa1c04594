"""Nagle's algorithm is off on the connections ``sav serve`` accepts, with workers too.

uvicorn's workers listen on a socket made without its protocol number (``proto`` 0), and
asyncio then leaves Nagle on for what they accept: each response's body waited ~40 ms for
the client's delayed acknowledgement of its head. A listener made that way, served by
uvicorn's protocol and by ours."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
import uvicorn
from uvicorn.protocols.http.auto import AutoHTTPProtocol
from uvicorn.server import ServerState

from server.http_protocol import NoDelayHTTPProtocol


async def _app(scope: dict, receive: object, send: object) -> None:  # pragma: no cover
    raise AssertionError("no request is sent")


async def _nodelay_of_accepted(protocol_class: type[asyncio.Protocol]) -> int:
    """TCP_NODELAY of the server side of one connection accepted on a listener made as
    uvicorn makes its workers' (``socket.socket(AF_INET, SOCK_STREAM)``: ``proto`` 0)."""
    config = uvicorn.Config(_app, lifespan="off", log_level="warning")
    config.load()
    state = ServerState()
    made: list[asyncio.Protocol] = []

    def factory() -> asyncio.Protocol:
        protocol = protocol_class(config=config, server_state=state, app_state={})  # type: ignore[call-arg]
        made.append(protocol)
        return protocol

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert listener.proto == 0
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    server = await asyncio.get_running_loop().create_server(factory, sock=listener)
    try:
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        for _ in range(200):
            if made and getattr(made[0], "transport", None) is not None:
                break
            await asyncio.sleep(0.01)
        transport = made[0].transport  # type: ignore[attr-defined]
        value = transport.get_extra_info("socket").getsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY
        )
        writer.close()
        return int(value)
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    ("protocol_class", "nodelay"), [(AutoHTTPProtocol, 0), (NoDelayHTTPProtocol, 1)]
)
async def test_nagle_is_off_on_a_workers_connection(
    protocol_class: type[asyncio.Protocol], nodelay: int
) -> None:
    # uvicorn's own protocol leaves it on there (what made /me 44 ms with two workers)
    assert bool(await _nodelay_of_accepted(protocol_class)) is bool(nodelay)


@pytest.mark.parametrize("workers", [1, 2])
def test_sav_serve_serves_with_it(
    workers: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from uvicorn.importer import import_from_string

    from server import cli

    ran: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: ran.append(kwargs))
    monkeypatch.setenv("SAV_DATABASE_URL", "set by serve with workers, unset after")
    assert cli.serve(f"sqlite+aiosqlite:///{tmp_path / 'sav.db'}", "127.0.0.1", 0, workers) == 0
    (kwargs,) = ran
    assert import_from_string(kwargs["http"]) is NoDelayHTTPProtocol
