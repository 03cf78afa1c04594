"""The one way sav talks to an outside supplier: ``SupplierClient``, and its HTTP adapter.

A real supplier plugs in by implementing ``SupplierClient`` (its own HTTP API, a SOAP service,
…); ``HttpSupplierClient`` speaks the reference contract (``contract/openapi.json``). Rules:

* explicit timeouts on every call (connect, read, write, pool) and a deadline over the whole
  call, so a supplier dripping bytes cannot hold a worker;
* redirects are never followed: an answer 3xx is refused (a supplier that moved is configured
  anew, not followed blindly to wherever it points);
* every answer is read up to ``max_body`` bytes and validated against the contract
  (``models.py``) and against the question (the codes asked, the client reference sent); a
  malformed or hostile answer raises ``SupplierBadAnswer`` and is logged, never returned;
* only calls safe to repeat are retried, with exponential backoff and jitter (stamina): reads,
  sign-in, order creation because the platform makes it idempotent by the client
  reference, and cancelling an order (cancelling a cancelled one answers it again). Bad
  answers and refusals are never retried;
* a supplier that is down or times out raises ``SupplierUnavailable`` / ``SupplierTimeout``,
  and is not asked again for ``cooldown`` seconds (calls in that time fail at once), so a
  supplier that is down is reported, not hammered;
* the account's secret is sent only to sign in; it is in no message, log or ``repr``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

import httpx
import stamina
from pydantic import BaseModel, ValidationError

from server.suppliers.models import (
    AvailabilityAnswer,
    OrderLineRequest,
    PartAvailability,
    PendingOrdersAnswer,
    Problem,
    SignInAnswer,
    SupplierOrder,
)

log = logging.getLogger("sav.suppliers")

Answer = TypeVar("Answer", bound=BaseModel)
T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(connect=3.0, read=8.0, write=5.0, pool=3.0)
MAX_BODY = 2_000_000  # bytes: a thousand order lines fit in a tenth of it
MAX_CODES = 50


# --- errors ---------------------------------------------------------------------------------
class SupplierError(Exception):
    """Something about a supplier call went wrong; ``str()`` is fit for the user and the log."""

    def __init__(self, supplier: str, message: str) -> None:
        super().__init__(f"{supplier}: {message}")
        self.supplier = supplier
        self.message = message


class SupplierUnavailable(SupplierError):
    """The supplier did not answer (down, refused the connection, failed with 5xx)."""


class SupplierTimeout(SupplierUnavailable):
    """The supplier did not answer within its timeout."""


class SupplierAuthError(SupplierError):
    """The account's user name, customer id or secret is wrong."""


class SupplierRefused(SupplierError):
    """The supplier understood and said no (unknown part, unknown order, reference reused)."""

    def __init__(self, supplier: str, code: str, message: str) -> None:
        super().__init__(supplier, message)
        self.code = code


class SupplierBadAnswer(SupplierError):
    """The supplier answered something that is not the contract: refused, never used."""


# --- the interface ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SupplierCredentials:
    user_name: str
    customer_id: str
    secret: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        secret = ", secret=***" if self.secret else ""
        return f"SupplierCredentials({self.user_name!r}, {self.customer_id!r}{secret})"


@runtime_checkable
class SupplierClient(Protocol):
    """What sav needs of a supplier; one instance per supplier account."""

    name: str

    async def check_credentials(self) -> None:
        """Sign in; raises ``SupplierAuthError`` when the account is wrong."""

    async def availability(self, codes: Sequence[str]) -> list[PartAvailability]:
        """Stock, lead time and prices for each code, in the order asked."""

    async def create_order(
        self, client_reference: str, lines: Sequence[OrderLineRequest]
    ) -> SupplierOrder:
        """The order for this reference; asking again with it returns the same order."""

    async def get_order(self, number: str) -> SupplierOrder: ...

    async def pending_orders(self) -> list[SupplierOrder]: ...

    async def cancel_order(self, number: str) -> SupplierOrder:
        """Cancel a pending order; a cancelled one is answered as it is (safe to repeat);
        one too far along (delivered) raises ``SupplierRefused``."""

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for calls safe to repeat: at most ``attempts`` tries within ``timeout`` s."""

    attempts: int = 3
    timeout: float = 20.0
    wait_initial: float = 0.3
    wait_max: float = 3.0
    wait_jitter: float = 0.3


# --- the adapter for the reference contract ---------------------------------------------------
class HttpSupplierClient:
    def __init__(
        self,
        name: str,
        base_url: str,
        credentials: SupplierCredentials,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        deadline: float | None = None,
        retry: RetryPolicy | None = None,
        cooldown: float = 60.0,
        max_body: int = MAX_BODY,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._credentials = credentials
        self._retry = retry or RetryPolicy()
        self._cooldown = cooldown
        self._max_body = max_body
        self._clock = clock
        self._down_until = 0.0
        self._token: str | None = None
        self._sign_in_lock = asyncio.Lock()
        parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
        self._deadline = deadline or sum(t for t in parts if t is not None)
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "sav-supplier-adapter/1"},
            limits=httpx.Limits(max_connections=10, max_keepalive_connections=5),
        )

    def __repr__(self) -> str:
        return f"HttpSupplierClient({self.name!r}, {str(self._http.base_url)!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    def mark_unavailable(self) -> None:
        """The caller gave up waiting: treat the supplier as down for the cooldown."""
        self._down_until = self._clock() + self._cooldown

    async def __aenter__(self) -> HttpSupplierClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- the calls --
    async def check_credentials(self) -> None:
        self._token = None
        await self._call("sign in", self._sign_in)

    async def availability(self, codes: Sequence[str]) -> list[PartAvailability]:
        asked = list(dict.fromkeys(codes))
        if not 1 <= len(asked) <= MAX_CODES:
            raise ValueError(f"ask for 1 to {MAX_CODES} codes at a time, not {len(asked)}")
        answer = await self._call(
            "availability",
            lambda: self._request(
                "GET", "/v1/availability", AvailabilityAnswer, params=[("code", c) for c in asked]
            ),
        )
        if [item.code for item in answer.items] != asked:
            raise self._bad("availability", "the answer is not about the codes asked")
        return list(answer.items)

    async def create_order(
        self, client_reference: str, lines: Sequence[OrderLineRequest]
    ) -> SupplierOrder:
        body = {
            "client_reference": client_reference,
            "lines": [line.model_dump() for line in lines],
        }
        # safe to repeat only because the platform answers a known reference with its order
        order = await self._call(
            "create order", lambda: self._request("POST", "/v1/orders", SupplierOrder, json=body)
        )
        if order.client_reference != client_reference:
            raise self._bad("create order", "the order returned is for another client reference")
        if [(line.code_requested, line.quantity) for line in order.lines] != [
            (line.code, line.quantity) for line in lines
        ]:
            raise self._bad("create order", "the order returned has other lines than those sent")
        return order

    async def get_order(self, number: str) -> SupplierOrder:
        order = await self._call(
            "read order",
            lambda: self._request("GET", f"/v1/orders/{_segment(number)}", SupplierOrder),
        )
        if order.number != number:
            raise self._bad("read order", "the order returned is another one")
        return order

    async def pending_orders(self) -> list[SupplierOrder]:
        answer = await self._call(
            "pending orders", lambda: self._request("GET", "/v1/orders", PendingOrdersAnswer)
        )
        return list(answer.orders)

    async def cancel_order(self, number: str) -> SupplierOrder:
        # safe to repeat: the platform answers an order cancelled already as it is
        order = await self._call(
            "cancel order",
            lambda: self._request("POST", f"/v1/orders/{_segment(number)}/cancel", SupplierOrder),
        )
        if order.number != number:
            raise self._bad("cancel order", "the order returned is another one")
        if order.status != "cancelled":
            raise self._bad("cancel order", f"the order returned is {order.status}, not cancelled")
        return order

    # -- the machinery --
    async def _call(self, what: str, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run ``attempt`` (safe to repeat: every call of this contract is) with backoff on
        ``SupplierUnavailable``; a supplier still down is not asked again for a while."""
        now = self._clock()
        if now < self._down_until:
            raise SupplierUnavailable(
                self.name,
                f"did not answer a moment ago; not asked again for {self._down_until - now:.0f} s",
            )
        policy = self._retry
        try:
            async for retry in stamina.retry_context(
                on=SupplierUnavailable,
                attempts=policy.attempts,
                timeout=policy.timeout,
                wait_initial=policy.wait_initial,
                wait_max=policy.wait_max,
                wait_jitter=policy.wait_jitter,
            ):
                with retry:
                    try:
                        async with asyncio.timeout(self._deadline):
                            return await attempt()
                    except TimeoutError:
                        raise SupplierTimeout(
                            self.name, f"no answer within {self._deadline:g} s ({what})"
                        ) from None
        except SupplierUnavailable as exc:
            self._down_until = self._clock() + self._cooldown
            log.warning("supplier %s unavailable (%s): %s", self.name, what, exc.message)
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _sign_in(self) -> str:
        async with self._sign_in_lock:
            if self._token is None:
                body = {
                    "user_name": self._credentials.user_name,
                    "customer_id": self._credentials.customer_id,
                }
                if self._credentials.secret:
                    body["secret"] = self._credentials.secret
                answer = await self._send("POST", "/v1/sign-in", SignInAnswer, json=body)
                self._token = answer.token
            return self._token

    async def _request(
        self, method: str, path: str, model: type[Answer], **kwargs: object
    ) -> Answer:
        token = await self._sign_in()
        try:
            return await self._send(method, path, model, token=token, **kwargs)
        except SupplierAuthError:
            # the token expired (or the platform restarted): sign in again, once
            self._token = None
            token = await self._sign_in()
            return await self._send(method, path, model, token=token, **kwargs)

    async def _send(
        self,
        method: str,
        path: str,
        model: type[Answer],
        *,
        token: str | None = None,
        **kwargs: object,
    ) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        what = f"{method} {path}"
        try:
            async with self._http.stream(method, path, headers=headers, **kwargs) as response:  # type: ignore[arg-type]
                status = response.status_code
                if 300 <= status < 400:
                    raise self._bad(what, f"answered a redirect ({status}), not followed")
                if status >= 500 or status == 429:
                    raise SupplierUnavailable(self.name, f"failed with HTTP {status} ({what})")
                body = await self._read(response, what)
        except httpx.TimeoutException:
            raise SupplierTimeout(self.name, f"no answer in time ({what})") from None
        except httpx.TransportError as exc:
            raise SupplierUnavailable(
                self.name, f"could not be reached ({type(exc).__name__}, {what})"
            ) from None
        if status == 401:
            problem = self._problem(body)
            raise SupplierAuthError(
                self.name,
                "wrong user name, customer id or secret"
                if problem is None or problem.code == "wrong_credentials"
                else "the supplier no longer accepts this sign-in",
            )
        if 400 <= status < 500:
            problem = self._problem(body)
            if problem is None:
                raise SupplierRefused(self.name, f"http_{status}", f"refused with HTTP {status}")
            raise SupplierRefused(self.name, problem.code, problem.message)
        if status not in (200, 201):
            raise self._bad(what, f"answered HTTP {status}")
        try:
            return model.model_validate_json(body)
        except ValidationError as exc:
            raise self._bad(what, _summary(exc)) from None

    async def _read(self, response: httpx.Response, what: str) -> bytes:
        declared = response.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self._max_body):
            raise self._bad(what, f"answer too large ({declared} bytes declared)")
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if response.status_code < 300 and kind != "application/json":
            raise self._bad(what, f"answer is not JSON ({kind or 'no content type'})")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_body:
                raise self._bad(what, f"answer larger than {self._max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _problem(body: bytes) -> Problem | None:
        try:
            return Problem.model_validate_json(body)
        except ValidationError:
            return None

    def _bad(self, what: str, reason: str) -> SupplierBadAnswer:
        log.warning("supplier %s: answer refused (%s): %s", self.name, what, reason)
        return SupplierBadAnswer(self.name, f"answer refused ({what}): {reason}")


def _segment(value: str) -> str:
    """``value`` as one URL path segment (an order number is not a path)."""
    from urllib.parse import quote

    return quote(value, safe="")


def _summary(exc: ValidationError, at_most: int = 3) -> str:
    """What is wrong, by place, without echoing the (possibly hostile) values."""
    errors = exc.errors(include_input=False, include_url=False)
    parts = [
        f"{'.'.join(str(p) for p in error['loc']) or 'body'}: {error['msg']}"
        for error in errors[:at_most]
    ]
    more = f" (+{len(errors) - at_most} more)" if len(errors) > at_most else ""
    return "; ".join(parts) + more
