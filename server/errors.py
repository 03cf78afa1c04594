"""The backend's errors: every one answers with a ``client.models.ErrorBody``."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from client.models import ErrorBody


class ApiError(Exception):
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
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields: dict[str, str] = {}
        for err in exc.errors():
            fields.setdefault(
                _field_name(tuple(err.get("loc", ()))), str(err.get("msg", "invalid"))
            )
        names = ", ".join(fields)
        return _json(422, ErrorBody(code="invalid", message=f"invalid: {names}", fields=fields))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "error"
        )
        return _json(exc.status_code, ErrorBody(code=code, message=str(exc.detail)))
