"""What the backend writes to its log about requests: nothing that identifies a customer.

``AccessLog`` replaces uvicorn's access log (which writes the request line, query string
included: a search by phone number put the number in the log). Per request it writes the
method, the route's path *template* (``/tickets/{ticket_id}``; ``(no route)`` for a path
that matched none), the status and the duration, to the ``sav.access`` logger.

It also catches what no handler did (a bug): the client gets a 500 with an ``ErrorBody``,
and the log gets the exception's types and the frames where it was raised, never its
message, which can quote the input or a row (a driver's ``DETAIL: Key (x)=(...)``). When the
answer had already started (a CSV stream), ``ResponseAborted`` goes on to the server, which
cuts the connection: the client sees a broken transfer, not a short file.
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from client.models import ErrorBody
from server.i18n import _

access_log = logging.getLogger("sav.access")
error_log = logging.getLogger("sav.error")

NO_ROUTE = "(no route)"


def route_template(scope: Scope) -> str:
    """The matched route's path template, never the path the client sent."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else NO_ROUTE


def describe_exception(exc: BaseException) -> str:
    """The exception's chain as types and frames (file:line in function), without messages."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        name = f"{kind.__module__}.{kind.__qualname__}"
        sqlstate = _sqlstate(current)
        lines.append(name + (f" (SQLSTATE {sqlstate})" if sqlstate else ""))
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {frame.filename}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("from:")
    return "\n".join(lines)


def _sqlstate(exc: BaseException) -> str | None:
    for candidate in (exc, getattr(exc, "orig", None)):
        for attribute in ("sqlstate", "pgcode"):
            value = getattr(candidate, attribute, None)
            if isinstance(value, str):
                return value
    return None


class AccessLog:
    """Log each request as ``METHOD /template STATUS N ms``; turn an unhandled exception
    into a 500 ``ErrorBody`` and a log entry without its message."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception as exc:
            error_log.error(
                "unhandled error on %s %s:\n%s",
                scope.get("method", "?"),
                route_template(scope),
                describe_exception(exc),
            )
            if status == 0:  # nothing sent yet: the client gets a 500 it can read
                status = 500
                await _internal_error(send)
            else:
                # a body was on its way: the server must cut the connection (no last chunk),
                # so that the client sees a broken transfer, never a short "complete" file;
                # what it logs of this one holds no message
                raise ResponseAborted from None
        finally:
            access_log.info(
                "%s %s %s %.0f ms",
                scope.get("method", "?"),
                route_template(scope),
                status or "-",
                (time.perf_counter() - started) * 1000,
            )


class ResponseAborted(Exception):
    """An error after the answer started: the connection is cut (the log has no detail)."""


async def _internal_error(send: Send) -> None:
    body = ErrorBody(code="internal", message=_("internal error")).model_dump_json().encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with its access log off and ours on (``sav.*``)."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {
        **LOGGING_CONFIG,
        "formatters": {
            **LOGGING_CONFIG["formatters"],
            "sav": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            **LOGGING_CONFIG["handlers"],
            "sav": {
                "formatter": "sav",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            **LOGGING_CONFIG["loggers"],
            "sav": {"handlers": ["sav"], "level": "INFO", "propagate": False},
        },
    }
    return config
