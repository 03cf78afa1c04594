"""The reference supplier platform's HTTP API (version 1): its OpenAPI document is the contract.

Sign in with a user name and a customer id (and a secret where the account has one) to get a
bearer token; then availability and prices for part codes, and orders: create (idempotent on
the client's reference), read one, list the pending ones, cancel a pending one (idempotent:
a cancelled one is answered as it is). Amounts are integer cents of EUR.
"""

import asyncio
import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from server.suppliers.platform.store import Account, PlatformError, Store

API_VERSION = "1.0.0"
MAX_CODES = 50
MAX_LINES = 100

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignIn(_Model):
    user_name: str = Field(min_length=1, max_length=100)
    customer_id: str = Field(min_length=1, max_length=100)
    secret: str | None = Field(default=None, max_length=200)


class Token(_Model):
    token: str
    expires_in: int = Field(description="seconds")
    customer_id: str


class Problem(_Model):
    code: str = Field(description="a stable code: wrong_credentials, unknown_parts, …")
    message: str


class Availability(_Model):
    code: str = Field(description="the code asked for")
    known: bool
    replaced_by: str | None = Field(
        description="the code the platform sells it under, when it is another one"
    )
    name: str | None = None
    stock: int | None = Field(default=None, ge=0)
    lead_time_days: int | None = Field(default=None, ge=0)
    purchase_price_cents: int | None = Field(default=None, ge=0)
    sale_price_cents: int | None = Field(default=None, ge=0)


class AvailabilityList(_Model):
    items: list[Availability]


class OrderLineIn(_Model):
    code: Code
    quantity: int = Field(ge=1, le=999)


class OrderIn(_Model):
    client_reference: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)


class OrderLine(_Model):
    line: int = Field(ge=1)
    code_requested: str
    code: str = Field(description="the code the platform delivers (its supersessions)")
    name: str
    quantity: int = Field(ge=1)
    purchase_price_cents: int = Field(ge=0)
    sale_price_cents: int = Field(ge=0)


class Order(_Model):
    number: str
    client_reference: str
    status: Literal["pending", "delivered", "cancelled"]
    created_at: dt.datetime
    updated_at: dt.datetime
    expected_delivery: dt.date
    revision: int = Field(ge=1, description="grows by one with every change")
    lines: list[OrderLine]


class OrderList(_Model):
    orders: list[Order]


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem},
    404: {"model": Problem},
    409: {"model": Problem},
}


def create_platform_app(database: Path | str, seed: int = 2026, latency_ms: int = 0) -> FastAPI:
    """The platform on ``database``; ``latency_ms`` delays every answer (a slow supplier,
    for benchmarks and demos)."""
    store = Store(database)
    store.initialise(seed)
    app = FastAPI(
        title="Reference supplier platform",
        version=API_VERSION,
        description=__doc__,
    )
    app.state.store = store
    if latency_ms > 0:

        @app.middleware("http")
        async def _slow(request: Request, call_next: Any) -> Any:
            await asyncio.sleep(latency_ms / 1000)
            return await call_next(request)

    @app.exception_handler(PlatformError)
    async def _refused(request: Request, exc: PlatformError) -> JSONResponse:
        return JSONResponse(
            {"code": exc.code, "message": exc.message},
            status_code=exc.status,
            headers={"WWW-Authenticate": "Bearer"} if exc.status == 401 else None,
        )

    def account(authorization: Annotated[str | None, Header()] = None) -> Account:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise PlatformError(401, "not_signed_in", "sign in first: Authorization: Bearer …")
        return store.account_for(token)

    Signed = Annotated[Account, Depends(account)]

    @app.post("/v1/sign-in", response_model=Token, responses={401: {"model": Problem}})
    def sign_in(body: SignIn) -> Token:
        token = store.sign_in(body.user_name, body.customer_id, body.secret)
        return Token(token=token, expires_in=8 * 3600, customer_id=body.customer_id)

    @app.get("/v1/availability", response_model=AvailabilityList, responses=_ERRORS)
    def availability(
        who: Signed, code: Annotated[list[Code], Query(min_length=1, max_length=MAX_CODES)]
    ) -> AvailabilityList:
        return AvailabilityList.model_validate({"items": store.availability(code)})

    @app.post(
        "/v1/orders",
        response_model=Order,
        status_code=201,
        responses={**_ERRORS, 200: {"model": Order, "description": "already made"}},
    )
    def create_order(who: Signed, body: OrderIn, response: Response) -> Order:
        lines = [(line.code, line.quantity) for line in body.lines]
        order, created = store.create_order(who, body.client_reference, lines)
        if not created:
            response.status_code = 200
        return Order.model_validate(order)

    @app.get("/v1/orders", response_model=OrderList, responses=_ERRORS)
    def pending_orders(who: Signed, status: Literal["pending"] = "pending") -> OrderList:
        return OrderList.model_validate({"orders": store.pending_orders(who)})

    @app.get("/v1/orders/{number}", response_model=Order, responses=_ERRORS)
    def get_order(who: Signed, number: str) -> Order:
        return Order.model_validate(store.get_order(who, number))

    @app.post("/v1/orders/{number}/cancel", response_model=Order, responses=_ERRORS)
    def cancel_order(who: Signed, number: str) -> Order:
        """Cancel a pending order (a cancelled one is answered as it is: safe to repeat);
        a delivered one: 409 ``already_delivered``."""
        return Order.model_validate(store.cancel_order(who, number))

    return app
