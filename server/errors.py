"""The backend's errors: every one answers with a ``client.models.ErrorBody``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from client.models import ErrorBody
from client.models.base import EMAIL, TEXT_PATTERNS
from server.i18n import N_, _, either, ngettext


class ApiError(Exception):
    """An answer with an error. ``message`` and ``fields`` are for people: give them in the
    request's language (``server.i18n._``), where the error is raised."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        retry_after: int | None = None,
        headers: dict[str, str] | None = None,
        changed_by: str | None = None,
        changed_at: dt.datetime | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        if code is not None:  # a more precise code than the class's ("cart_changed")
            self.code = code
        self.message = message
        self.fields = fields or {}
        self.retry_after = retry_after
        self.headers = headers or {}
        self.changed_by = changed_by
        self.changed_at = changed_at

    def body(self) -> ErrorBody:
        return ErrorBody(
            code=self.code,
            message=self.message,
            fields=self.fields,
            retry_after=self.retry_after,
            changed_by=self.changed_by,
            changed_at=self.changed_at,
        )


class Unauthorized(ApiError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status_code = 403
    code = "forbidden"


class NotFound(ApiError):
    status_code = 404
    code = "not_found"


class Conflict(ApiError):
    status_code = 409
    code = "conflict"


class NotAllowed(Conflict):
    """409: the action does not fit the object's state now (the message says why)."""

    code = "not_allowed"


class PreconditionFailed(ApiError):
    """412: a stale edit; ``changed_by``/``changed_at`` say who saved the newer version."""

    status_code = 412
    code = "stale"


class PreconditionRequired(ApiError):
    """428: an edit that must say which version it changes (``If-Match``) did not."""

    status_code = 428
    code = "precondition_required"


class Invalid(ApiError):
    status_code = 422
    code = "invalid"


class TooManyRequests(ApiError):
    status_code = 429
    code = "throttled"


HTTP_MESSAGES = frozenset({N_("Not Found"), N_("Method Not Allowed")})
"""Starlette's answers (an unknown path, a wrong method), translated."""


def _json(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"), headers=headers)


def _field_name(loc: tuple[object, ...]) -> str:
    # a repeated query parameter is one field for the person who typed it ("status")
    in_query = bool(loc) and loc[0] == "query"
    parts = [
        str(p)
        for p in loc
        if p not in ("body", "query", "path", "header") and not (in_query and isinstance(p, int))
    ]
    return ".".join(parts) or "body"


# pydantic's error types as people read them (English: pydantic's own wording); the
# placeholders are the error's ``ctx``. A type not here keeps pydantic's English message.
VALIDATION_MESSAGES: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "string_unicode": N_(
        "Input should be a valid string, unable to parse raw data as a unicode string"
    ),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "decimal_parsing": N_("Input should be a valid decimal"),
    "decimal_max_digits": N_("Decimal input should have no more than {max_digits} digits in total"),
    "decimal_max_places": N_(
        "Decimal input should have no more than {decimal_places} decimal places"
    ),
    "finite_number": N_("Input should be a finite number"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD, {error}"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, {error}"),
    "date_from_datetime_inexact": N_(
        "Datetimes provided to dates should have zero time - e.g. be exact dates"
    ),
    "datetime_parsing": N_("Input should be a valid datetime, {error}"),
    "datetime_from_date_parsing": N_("Input should be a valid datetime or date, {error}"),
    "date_out_of_range": N_("Date should be between {low} and {high}"),
    "date_not_iso": N_("Input should be a date as YYYY-MM-DD"),
    "datetime_not_iso": N_("Input should be a date and time as YYYY-MM-DDTHH:MM+HH:MM"),
    "value_error": N_("Value error, {error}"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_attributes_type": N_(
        "Input should be a valid dictionary or object to extract fields from"
    ),
    "json_invalid": N_("JSON decode error"),
}
_QUOTED = re.compile(r"'[^']*'")


def validation_message(error: Mapping[str, Any]) -> str:
    """One pydantic error (``RequestValidationError.errors()``) in the request's language."""
    kind = str(error.get("type", ""))
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    english = str(error.get("msg", "invalid"))
    try:
        if kind in ("string_too_short", "string_too_long"):
            least = kind == "string_too_short"
            n = int(ctx["min_length" if least else "max_length"])
            if least:
                text = ngettext(
                    "String should have at least {n} character",
                    "String should have at least {n} characters",
                    n,
                )
            else:
                text = ngettext(
                    "String should have at most {n} character",
                    "String should have at most {n} characters",
                    n,
                )
            return text.format(n=n)
        if kind in ("too_short", "too_long") and ctx.get("field_type") == "List":
            least = kind == "too_short"
            n = int(ctx["min_length" if least else "max_length"])
            if least:
                text = ngettext(
                    "List should have at least {n} item after validation, not {actual}",
                    "List should have at least {n} items after validation, not {actual}",
                    n,
                )
            else:
                text = ngettext(
                    "List should have at most {n} item after validation, not {actual}",
                    "List should have at most {n} items after validation, not {actual}",
                    n,
                )
            return text.format(n=n, actual=ctx["actual_length"])
        if kind == "string_pattern_mismatch" and ctx.get("pattern") in TEXT_PATTERNS:
            return _("Control characters are not allowed")
        if kind == "string_pattern_mismatch" and ctx.get("pattern") == EMAIL:
            return _("Input should be an e-mail address")
        if kind in ("enum", "literal_error"):
            choices = _QUOTED.findall(str(ctx.get("expected", "")))
            if choices:
                return _("Input should be {choices}").format(choices=either(choices))
            return english
        template = VALIDATION_MESSAGES.get(kind)
        if template is None:
            return english
        return _(template).format(**ctx)
    except (KeyError, IndexError, TypeError, ValueError):
        return english


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        headers = dict(exc.headers)
        if exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
        if exc.status_code == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return _json(exc.status_code, exc.body(), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(tuple(err.get("loc", ()))[:1] == ("path",) for err in exc.errors()):
            # PUT /orders/validate reached PUT /orders/{order_id} only because "validate" fit
            # the parameter's place: the path names another route, which takes other methods
            if allowed := methods_of_closer_routes(request):
                message = _("Method Not Allowed")
                body = ErrorBody(code="method_not_allowed", message=message)
                return _json(405, body, {"Allow": ", ".join(allowed)})
        fields: dict[str, str] = {}
        for err in exc.errors():
            name = _field_name(tuple(err.get("loc", ())))
            if name not in fields:
                fields[name] = validation_message(err)
        message = ngettext("invalid: {fields}", "invalid: {fields}", len(fields)).format(
            fields=", ".join(fields)
        )
        return _json(422, ErrorBody(code="invalid", message=message, fields=fields))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's "There was an error parsing the body" (bytes that are no JSON, or
            # not UTF-8): bad input, answered as a malformed JSON body is (422, ``body``)
            fields = {"body": _(VALIDATION_MESSAGES["json_invalid"])}
            message = ngettext("invalid: {fields}", "invalid: {fields}", 1).format(fields="body")
            return _json(422, ErrorBody(code="invalid", message=message, fields=fields))
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "error"
        )
        detail = str(exc.detail)
        if detail in HTTP_MESSAGES:
            detail = _(detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return _json(exc.status_code, ErrorBody(code=code, message=detail), headers)


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def _literal(route: object) -> int:
    """How much of a route's path is fixed text (``/orders/{order_id}.pdf``: 12)."""
    return len(re.sub(r"\{[^}]*\}", "", str(getattr(route, "path_format", ""))))


def _leaves(routes: Sequence[Any]) -> Iterator[Any]:
    """The routes themselves, inside the routers FastAPI nests (included without prefix)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _leaves(inner.routes)
        else:
            yield route


def _methods_by_route(request: Request) -> list[tuple[int, str]]:
    """(fixed text of the route's path, method) for every route matching the path."""
    probe = {
        "type": "http",
        "path": request.scope["path"],
        "root_path": request.scope.get("root_path", ""),
        "headers": [],
        "query_string": b"",
    }
    found = []
    for route in _leaves(request.app.router.routes):
        for method in _METHODS:
            if route.matches({**probe, "method": method})[0] is Match.FULL:
                found.append((_literal(route), method))
    return found


def methods_of_closer_routes(request: Request) -> list[str]:
    """The methods of the routes whose path matches the request's with more fixed text
    than the route that took it (``/orders/validate`` against ``/orders/{order_id}``)."""
    found = _methods_by_route(request)
    taken = max((fixed for fixed, method in found if method == request.method), default=0)
    return sorted({method for fixed, method in found if fixed > taken})


def allowed_methods(request: Request) -> list[str]:
    """The methods the request's path takes (the ``Allow`` of a 405).

    The router's own 405 names the methods of the first route whose path matched, and a
    path often has several (``GET`` and ``DELETE /cart``); each method is asked of every
    route, inside the routers FastAPI nests too. Where routes of a path differ, the one
    with the most fixed text names it (``/orders/validate`` is not ``/orders/{order_id}``).
    """
    found = _methods_by_route(request)
    best = max((fixed for fixed, _method in found), default=0)
    return sorted({method for fixed, method in found if fixed == best})
