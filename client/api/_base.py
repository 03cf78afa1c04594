"""The plumbing of SavClient: the errors it raises, its constants, and ``ClientBase``
(the session, ``_call`` with its retries and error decoding, the downloads) with the
helpers every area's methods use to build requests and parse answers."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import os
import random
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from client import models as wire  # each model's module imported when first used
from client.messages import _

if TYPE_CHECKING:
    from client.models import ErrorBody, RequestBody

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUS = frozenset({502, 503, 504})
SYNC_TIMEOUT = httpx.Timeout(120.0, connect=3.0)
"""A Synchronise waits for every supplier (each bounded by its own timeouts)."""


# --------------------------------------------------------------------------- errors


class SavError(Exception):
    """Base of every error the client raises. ``message`` is fit to show a person."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class AuthError(SavError):
    """401: wrong credentials, or the session is missing or expired."""


class ThrottledError(AuthError):
    """429 on sign-in: too many failures for this account; ``retry_after`` seconds to wait."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message, status=429, code="throttled")
        self.retry_after = retry_after


class ForbiddenError(SavError):
    """403: the signed-in user's role may not do this."""


class NotFoundError(SavError):
    """404: no such object (or one of another service centre)."""


class ConflictError(SavError):
    """409 (the action does not fit the object's state) or 412 (a stale edit).

    On a 412, ``changed_by`` and ``changed_at`` say who saved the newer version and when.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "conflict",
        changed_by: str | None = None,
        changed_at: dt.datetime | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code)
        self.changed_by = changed_by
        self.changed_at = changed_at

    @property
    def stale(self) -> bool:
        return self.status == 412


class ValidationFailed(SavError):
    """422: the input is wrong; ``fields`` maps field names to what is wrong with each."""

    def __init__(self, message: str, *, fields: Mapping[str, str], status: int = 422) -> None:
        super().__init__(message, status=status, code="invalid")
        self.fields = dict(fields)


class UnavailableError(SavError):
    """The backend could not be reached, timed out, or answered 5xx."""


class IncompleteDownload(UnavailableError):
    """A download (a CSV export) that stopped before its end; no file was kept."""


class ProtocolError(SavError):
    """The backend answered something that is not the contract (a bug on one side)."""


# --------------------------------------------------------------------------- client


class ClientBase:
    """The session and the HTTP plumbing over one injected ``httpx.AsyncClient``; every
    area's mixin (``client.api.tickets`` ...) derives from it."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        token: str | None = None,
        retries: int = 2,
        backoff: float = 0.2,
        language: str | None = None,
        time_zone: str | None = None,
    ) -> None:
        self._http = http
        self._token = token
        self._retries = retries
        self._backoff = backoff
        self.language = language
        """The language the server answers in (sent as ``Accept-Language`` with every
        request; the server's messages, refusals and explanations follow it). None: the
        server's default, English."""
        self.time_zone = time_zone
        """The reader's time zone, an IANA name (``Europe/Paris``), sent as ``Time-Zone``:
        the moments inside the texts the server renders (history, CSV) are in it. None:
        UTC."""

    # ------------------------------------------------------------------ session

    @property
    def base_url(self) -> str:
        return str(self._http.base_url)

    @property
    def token(self) -> str | None:
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        self._token = value

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------------ plumbing

    async def _get(self, path: str, model: type[M]) -> M:
        return _parse(await self._call("GET", path), model)

    def _headers(
        self, headers: Mapping[str, str] | None = None, *, auth: bool = True
    ) -> dict[str, str]:
        """``headers`` with the token (when ``auth``) and the language."""
        found = dict(headers or {})
        if auth and self._token:
            found["Authorization"] = f"Bearer {self._token}"
        if self.language:
            found["Accept-Language"] = self.language
        if self.time_zone:
            found["Time-Zone"] = self.time_zone
        return found

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        idempotent: bool | None = None,
        wait: httpx.Timeout | None = None,
    ) -> httpx.Response:
        all_headers = self._headers(headers, auth=auth)
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS or "Idempotency-Key" in all_headers
        for attempt in range(self._retries + 1):
            last = attempt == self._retries
            error: UnavailableError
            try:
                response = await self._http.request(
                    method,
                    path,
                    json=json,
                    params=params,
                    headers=all_headers,
                    timeout=wait if wait is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.ConnectError as exc:
                # The request never left: a retry cannot do anything twice.
                error, retryable = _unavailable(
                    _("cannot reach the server at {url}").format(url=self.base_url), exc
                )
            except httpx.TimeoutException as exc:
                error, retryable = _unavailable(
                    _("the server at {url} did not answer in time").format(url=self.base_url),
                    exc,
                    idempotent,
                )
            except httpx.TransportError as exc:
                error, retryable = _unavailable(
                    _("lost the connection to {url}").format(url=self.base_url), exc, idempotent
                )
            else:
                if not (response.status_code in RETRY_STATUS and idempotent and not last):
                    _raise_for(response)
                    return response
                error, retryable = _unavailable(_("the server is unavailable"), None)
            if last or not retryable:
                raise error
            await asyncio.sleep(self._backoff * (2**attempt) * (0.5 + random.random()))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _bytes(self, path: str) -> bytes:
        return (await self._call("GET", path)).content

    async def _download(self, path: str, params: Mapping[str, Any], target: Path) -> int:
        """Stream ``path`` into ``target``; the lines written.

        The body is written beside ``target`` (``NAME.part``), flushed to the disk and
        renamed to ``target`` only once the server has sent all of it. A body cut short
        (the server failed after it had started: it then cuts the connection without the
        chunked body's end; or the network failed) raises :class:`IncompleteDownload` and
        leaves no file, neither ``target`` nor the ``.part``.
        """
        headers = self._headers()
        partial = target.with_name(target.name + ".part")
        lines = 0
        started = False
        try:
            async with self._http.stream("GET", path, params=params, headers=headers) as response:
                if response.status_code >= 400:
                    await response.aread()
                    _raise_for(response)
                started = True
                with partial.open("wb") as out:
                    async for chunk in response.aiter_bytes():
                        out.write(chunk)
                        lines += chunk.count(b"\n")
                    out.flush()
                    os.fsync(out.fileno())
            partial.replace(target)
        except httpx.TransportError as exc:
            partial.unlink(missing_ok=True)
            if started:
                raise IncompleteDownload(
                    _("the file was cut off before its end: nothing was saved, try again"),
                    code="incomplete",
                ) from exc
            raise UnavailableError(
                _("cannot reach the server at {url}").format(url=self.base_url),
                code="unreachable",
            ) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return lines


def _body(body: RequestBody) -> Any:
    return body.model_dump(mode="json")


def _unavailable(
    message: str, cause: Exception | None, retryable: bool = True
) -> tuple[UnavailableError, bool]:
    error = UnavailableError(message, code="unreachable")
    error.__cause__ = cause
    return error, retryable


def _params(**values: Any) -> dict[str, Any]:
    """Query parameters without the empty ones; dates as ISO text."""
    return {
        k: v.isoformat() if isinstance(v, dt.date) else v
        for k, v in values.items()
        if v is not None and v != ""
    }


def _segment(code: str) -> str:
    """A part code as one path segment (codes are letters, digits and dashes; quote the rest)."""
    return quote(code.strip(), safe="")


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    """One adapter per answer's type: building one costs more than validating a page of
    100 tickets with it (it is asked for at every keystroke of a search)."""
    return TypeAdapter(model)


def _parse_list(response: httpx.Response, item: type[T]) -> list[T]:
    found: list[T] = _validated(response, list[item])  # type: ignore[valid-type]
    return found


def _parse(response: httpx.Response, model: type[M]) -> M:
    found: M = _validated(response, model)
    return found


def _validated(response: httpx.Response, shape: Any) -> Any:
    """The answer's body read as ``shape``; a body that is not one is the server's fault."""
    try:
        return _adapter(shape).validate_json(response.content)
    except ValidationError as exc:
        raise ProtocolError(
            f"unexpected answer from the server for {response.request.url.path}",
            status=response.status_code,
        ) from exc


def _error_body(response: httpx.Response) -> ErrorBody:
    try:
        return wire.ErrorBody.model_validate_json(response.content)
    except ValidationError:
        text = response.text.strip()[:200] or response.reason_phrase
        return wire.ErrorBody(code="error", message=text)


def _raise_for(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    body = _error_body(response)
    message = body.message
    if status == 401:
        raise AuthError(message, status=status, code=body.code)
    if status == 429:
        raise ThrottledError(message, retry_after=body.retry_after)
    if status == 403:
        raise ForbiddenError(message, status=status, code=body.code)
    if status == 404:
        raise NotFoundError(message, status=status, code=body.code)
    if status in (409, 412):
        raise ConflictError(
            message,
            status=status,
            code=body.code,
            changed_by=body.changed_by,
            changed_at=body.changed_at,
        )
    if status in (400, 413, 422):
        raise ValidationFailed(message, fields=body.fields, status=status)
    if status >= 500:
        raise UnavailableError(
            f"the server had a problem ({status}): {message}", status=status, code=body.code
        )
    raise SavError(message, status=status, code=body.code)
