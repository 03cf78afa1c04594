"""create_app(settings) -> FastAPI: the sav backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from client.models import ErrorBody
from server import __version__
from server.db.session import create_engine, session_factory
from server.errors import install_error_handlers
from server.i18n import LanguageMiddleware, _
from server.observability import AccessLog
from server.openapi import install_openapi
from server.routes import (
    addresses,
    auth,
    cart,
    catalogue,
    closing,
    dashboard,
    documents,
    health,
    invoicing,
    orders,
    reports,
    service_centres,
    ticket_actions,
    tickets,
)
from server.services import passwords
from server.settings import Settings
from server.suppliers import orders_routes as supplier_order_routes
from server.suppliers import routes as supplier_routes
from server.suppliers import sync_routes as supplier_sync_routes
from server.suppliers.registry import SupplierClients
from server.suppliers.sync import RunContext
from server.suppliers.sync_schedule import SyncTicker


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes with 413, before any handler reads them.

    With a ``Content-Length``, from that header. Without one (``Transfer-Encoding: chunked``),
    the body is read here first, up to the limit, and handed on once whole: refusing while
    the handler reads it would be too late, FastAPI turns any error reading a body into its
    own 400 ("There was an error parsing the body").
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if length.isdigit() and int(length) > self.limit:
                await self._refuse(send)
                return
            await self.app(scope, receive, send)  # the server reads no more than it says
            return
        received: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request":
                break  # the client left: the handler will see it
            seen += len(message.get("body", b""))
            if seen > self.limit:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        message = _("request body over {limit} bytes").format(limit=self.limit)
        body = ErrorBody(code="too_large", message=message).model_dump_json().encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = create_engine(settings.database_url, echo=settings.sql_echo)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the supplier sync every supplier_sync_hours: once per period across processes
        ticker = SyncTicker(
            RunContext(
                sessions=_app.state.sessions,
                settings=settings,
                clients=_app.state.supplier_sync_clients,
            )
        )
        ticker.start()
        # the dummy hash that unknown names are checked against, made in the background
        # (not waited for: the embedded backend's first answer would wait too)
        warm_up = asyncio.create_task(asyncio.to_thread(passwords.warm_up))
        yield
        await warm_up
        await ticker.stop()
        for kept in ("supplier_clients", "supplier_sync_clients"):
            if (suppliers := getattr(_app.state, kept, None)) is not None:
                await suppliers.aclose()
        from server.suppliers.launcher import stop_platforms

        stop_platforms()  # the embedded supplier platform, if one was started
        await engine.dispose()

    app = FastAPI(
        title="sav backend",
        version=__version__,
        description="After-sales service: tickets, catalogue, cart, orders, invoicing.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.supplier_sync_clients = SupplierClients()
    install_error_handlers(app)
    for module in (
        health,
        auth,
        dashboard,
        service_centres,
        tickets,
        ticket_actions,
        closing,
        documents,  # before orders and invoicing: /orders/{id}.pdf is not /orders/{id}
        catalogue,
        cart,
        addresses,
        orders,
        supplier_routes,
        supplier_sync_routes,
        supplier_order_routes,
        invoicing,
        reports,
    ):
        app.include_router(module.router)
    install_openapi(app)  # every route's 4xx answers declared, with their ErrorBody
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    # method, route template, status, duration (never a query string); a bug becomes a 500
    # whose log entry holds no message (server/observability.py)
    app.add_middleware(AccessLog)
    # outermost (added last): every message of the request, the 413 above too, in its language
    app.add_middleware(LanguageMiddleware)
    return app
