"""create_app(settings) -> FastAPI: the sav backend."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import sys
import threading
import warnings
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import APIRouter, FastAPI
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from client.models import ErrorBody
from server import __version__
from server.db.session import create_engine, read_session_factory, session_factory
from server.errors import install_error_handlers
from server.i18n import LanguageMiddleware, _
from server.observability import AccessLog
from server.openapi import install_openapi
from server.settings import Settings

if TYPE_CHECKING:
    from server.suppliers.sync_schedule import SyncTicker

log = logging.getLogger("sav.app")

# FastAPI reads a request body as ``Annotated[Model, Body(alias=<parameter name>)]``. The wire
# models defer building their validators until first used (``Wire``: defer_build, the TUI's
# start-up and memory), so pydantic builds that Annotated form on the first request (and for
# the OpenAPI document), outside a model field, and warns that the alias has no effect there.
# FastAPI takes the body by the parameter's name itself: the alias is indeed unused, the
# warning is a false positive, printed once by every `sav serve` process and every test run.
warnings.filterwarnings(
    "ignore",
    message=r"The 'alias' attribute with value '\w+' was provided to the `Field\(\)` function",
    category=UserWarning,
)


ROUTE_MODULES = (
    "server.routes.health",
    "server.routes.auth",
    "server.routes.dashboard",
    "server.routes.service_centres",
    "server.routes.tickets",
    "server.routes.ticket_actions",
    "server.routes.closing",
    "server.routes.documents",  # before orders and invoicing: /orders/{id}.pdf is not /orders/{id}
    "server.routes.catalogue",
    "server.routes.cart",
    "server.routes.addresses",
    "server.routes.orders",
    "server.suppliers.routes",
    "server.suppliers.sync_routes",
    "server.suppliers.orders_routes",
    "server.routes.invoicing",
    "server.routes.reports",
)
"""Every router, in the order they are matched."""
FIRST_ROUTES = 3
"""What a client asks first: is the server there, sign in, the home screen's figures. With
``defer_routes`` only these are imported before the server answers; they come first in
``ROUTE_MODULES``, so the order in which routes are matched is the same either way."""


def _routers(modules: Sequence[str]) -> list[APIRouter]:
    routers = []
    for name in modules:
        router = importlib.import_module(name).router
        assert isinstance(router, APIRouter), name
        routers.append(router)
    return routers


LATE_START = 1.0
"""Seconds after start-up when the late routes are imported even if no request came."""
QUIET = 0.25
"""Seconds without a request before the late routes are imported: a client that has just
been answered asks again at once (sign-in after ``/health``, the home screen's figures after
sign-in), and a module being imported would take half the interpreter from that request."""


class LateRoutes:
    """The routers after ``FIRST_ROUTES``, imported once the server answers (``defer_routes``).

    Importing every route module is most of the backend's start-up (FastAPI builds each
    route's validation as the module is read). The embedded backend starts with the TUI, and
    its user may sign in at once: the first requests need three routers. The others are
    imported in a thread, one module at a time, while no request is being answered (the
    thread and the requests would share the GIL); a request that needs one of them has them
    imported as soon as the requests being answered are, whatever comes after."""

    def __init__(self, app: FastAPI, first: Sequence[APIRouter], later: Sequence[str]) -> None:
        self.app = app
        self.later = later
        self.first = [route for router in first for route in router.routes]
        self.done = asyncio.Event()
        self.error: BaseException | None = None
        self._busy = 0
        self._urgent = False
        self._stopping = False
        self._idle = threading.Event()  # no request being answered (or one waiting for us)
        self._quiet: asyncio.TimerHandle | None = None

    async def load(self) -> None:
        """Import the rest: once ``QUIET`` s have passed with no request after one (the
        server listens then, and a client that is there asks for more at once) or
        ``LATE_START`` s after the server started, whichever comes first; only while no
        request is being answered."""
        loop = asyncio.get_running_loop()
        loop.call_later(LATE_START, self._start_anyway)
        imported: asyncio.Future[list[APIRouter]] = loop.create_future()

        def run() -> None:
            try:
                routers = self._import()
            except BaseException as exc:
                error = exc
                deliver(lambda: imported.set_exception(error))
            else:
                deliver(lambda: imported.set_result(routers))

        def deliver(settle: Callable[[], None]) -> None:
            def once() -> None:
                if not imported.done():  # not cancelled meanwhile
                    settle()

            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(once)

        # A daemon thread: a server told to stop does not wait for imports nobody needs.
        threading.Thread(target=run, name="sav-late-routes", daemon=True).start()
        try:
            for router in await imported:  # on the event loop, between two requests' routing
                self.app.include_router(router)
        except Exception as exc:  # said to every request that needs them: a 500, logged
            self.error = exc
            log.exception("the routes could not be loaded")
        finally:
            self.done.set()
            self.hurry()

    def stop(self) -> None:
        """The server stops: the thread imports no further module."""
        self._stopping = True
        self._idle.set()

    def _import(self) -> list[APIRouter]:
        routers = []
        for name in self.later:
            self._idle.wait()
            if self._stopping:
                raise RuntimeError("the server stopped before the routes were loaded")
            routers += _routers([name])
        return routers

    def ready_for(self, scope: Scope) -> bool:
        """Whether this request can be routed now (a first router's route, or all loaded)."""
        return self.done.is_set() or any(
            route.matches(scope)[0] is Match.FULL for route in self.first
        )

    def begin(self) -> None:
        self._busy += 1
        if self._quiet is not None:
            self._quiet.cancel()
            self._quiet = None
        if not self._urgent:
            self._idle.clear()

    def end(self) -> None:
        self._busy -= 1
        if self._busy == 0:
            if self._urgent:
                self._idle.set()
            else:
                self._quiet = asyncio.get_running_loop().call_later(QUIET, self._start_anyway)

    def _start_anyway(self) -> None:
        self._quiet = None
        if self._busy == 0:
            self._idle.set()

    def hurry(self) -> None:
        """A request waits for a late route: import the rest once the requests being answered
        are (the home screen's figures before the cart's count), then whatever comes."""
        self._urgent = True
        if self._busy == 0:
            self._idle.set()


class WaitForRoutes:
    """A request for a route not imported yet waits until it is (``LateRoutes``)."""

    def __init__(self, app: ASGIApp, routes: LateRoutes) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routes = self.routes
        if routes.done.is_set() or scope["type"] != "http":
            if routes.error is not None:
                raise RuntimeError("the routes could not be loaded") from routes.error
            await self.app(scope, receive, send)
            return
        if not routes.ready_for(scope):
            routes.hurry()
            await routes.done.wait()
            await self(scope, receive, send)
            return
        routes.begin()
        try:
            await self.app(scope, receive, send)
        finally:
            routes.end()


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


def create_app(settings: Settings | None = None, *, defer_routes: bool = False) -> FastAPI:
    """The backend. ``defer_routes`` (the embedded backend): answer before every router is
    imported (``LateRoutes``); a request for one not there yet waits for it."""
    settings = settings or Settings()
    engine = create_engine(settings.database_url, echo=settings.sql_echo)
    late: LateRoutes | None = None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the supplier sync every supplier_sync_hours: once per period across processes
        tickers: list[SyncTicker] = []
        loading = None
        if late is None:
            tickers.append(_start_ticker(_app, settings))
        else:
            routes = late

            async def load_then_tick() -> None:
                await routes.load()
                tickers.append(_start_ticker(_app, settings))  # its modules are loaded now

            loading = asyncio.create_task(load_then_tick())
        yield
        if late is not None and loading is not None:
            late.stop()
            loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loading
        for ticker in tickers:
            await ticker.stop()
        for kept in ("supplier_clients", "supplier_sync_clients"):
            if (suppliers := getattr(_app.state, kept, None)) is not None:
                await suppliers.aclose()
        # The embedded supplier platform, if one was started: by the launcher, which is then
        # imported. Not imported here: the late routes' thread may be importing it (or what
        # imports it) as the server stops, and the import would wait for that thread.
        launcher = sys.modules.get("server.suppliers.launcher")
        if (stop_platforms := getattr(launcher, "stop_platforms", None)) is not None:
            stop_platforms()
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
    app.state.read_sessions = read_session_factory(engine)  # routes marked deps.read_only
    install_error_handlers(app)
    routers = _routers(ROUTE_MODULES[:FIRST_ROUTES] if defer_routes else ROUTE_MODULES)
    for router in routers:
        app.include_router(router)
    install_openapi(app)  # every route's 4xx answers declared, with their ErrorBody
    if defer_routes:
        late = app.state.late_routes = LateRoutes(app, routers, ROUTE_MODULES[FIRST_ROUTES:])
        app.add_middleware(WaitForRoutes, routes=late)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    # method, route template, status, duration (never a query string); a bug becomes a 500
    # whose log entry holds no message (server/observability.py)
    app.add_middleware(AccessLog)
    # outermost (added last): every message of the request, the 413 above too, in its language
    app.add_middleware(LanguageMiddleware)
    return app


def _start_ticker(app: FastAPI, settings: Settings) -> SyncTicker:
    from server.suppliers.registry import SupplierClients
    from server.suppliers.sync import RunContext
    from server.suppliers.sync_schedule import SyncTicker

    app.state.supplier_sync_clients = SupplierClients()
    ticker = SyncTicker(
        RunContext(
            sessions=app.state.sessions,
            settings=settings,
            clients=app.state.supplier_sync_clients,
        )
    )
    ticker.start()
    return ticker
