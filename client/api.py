"""SavClient: the typed async client of the sav backend.

It wraps one injected ``httpx.AsyncClient`` (so tests can point it at the real app
through ``httpx.ASGITransport`` and the TUI at a Unix socket) and turns every
failure into one of its own errors, so callers never see httpx.

Only idempotent requests are retried (GET, HEAD, PUT, DELETE, and writes that carry
an ``Idempotency-Key``), with exponential backoff, and only for failures where the
request may not have reached the server or the server said it is unavailable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import os
import random
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from client import models as wire  # each model's module imported when first used
from client.messages import _

if TYPE_CHECKING:
    from client.models import (
        AddLogRequest,
        AddressBook,
        AddToCart,
        ApplianceUpdate,
        AssignRequest,
        Cart,
        CartAdded,
        CartLineUpdate,
        CartNoteUpdate,
        CatalogueModel,
        Category,
        Closing,
        ContactedRequest,
        CsvFormat,
        Dashboard,
        ErrorBody,
        Health,
        HistoryEntry,
        InterventionForm,
        InterventionTotals,
        InvoicingList,
        InvoicingPeriods,
        InvoicingQuery,
        ModelView,
        MotivationRequest,
        NewTicket,
        NoteRequest,
        Order,
        OrderQuery,
        OrderSummary,
        OrderUpdate,
        Page,
        Part,
        PartDetail,
        PartsReport,
        PartsReportQuery,
        PlaceOrder,
        RecordShipment,
        ReportEmailed,
        RequestBody,
        RescheduleRequest,
        Resolution,
        SaveAddressRequest,
        SavedAddress,
        ServiceCentre,
        SupersessionTree,
        Ticket,
        TicketAction,
        TicketGroup,
        TicketQuery,
        TicketSummary,
        TokenResponse,
        UnreachableRequest,
        User,
        ValidationResult,
        VoucherDetail,
        VoucherQuery,
        VoucherSummary,
        WhereUsed,
    )
    from client.models.supplier_orders import (
        CreateSupplierOrder,
        SupplierOrder,
        SupplierOrderSummary,
    )
    from client.models.supplier_sync import (
        DecisionResult,
        SupplierChanges,
        SyncSummary,
    )
    from client.models.suppliers import (
        SaveSupplierAccountRequest,
        Supplier,
        SupplierAccount,
        SupplierAvailability,
    )

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


class SavClient:
    """Typed async methods over one injected ``httpx.AsyncClient``."""

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

    # ------------------------------------------------------------------ endpoints

    async def health(self) -> Health:
        return await self._get("/health", wire.Health)

    async def login(self, username: str, password: str) -> TokenResponse:
        body = wire.LoginRequest(username=username, password=password)
        answer = await self._call("POST", "/auth/login", json=body.model_dump(), auth=False)
        result = _parse(answer, wire.TokenResponse)
        self._token = result.access_token
        return result

    async def logout(self) -> None:
        if self._token is None:
            return
        try:
            await self._call("POST", "/auth/logout", idempotent=True)
        finally:
            self._token = None

    async def me(self) -> User:
        return await self._get("/me", wire.User)

    async def dashboard(self) -> Dashboard:
        return await self._get("/dashboard", wire.Dashboard)

    async def service_centres(
        self, *, limit: int = 50, cursor: str | None = None
    ) -> Page[ServiceCentre]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        answer = await self._call("GET", "/service-centres", params=params)
        return _parse(answer, wire.Page[wire.ServiceCentre])

    async def service_centre(self, centre_id: int) -> ServiceCentre:
        return await self._get(f"/service-centres/{centre_id}", wire.ServiceCentre)

    async def ticket(self, ticket_id: int) -> Ticket:
        return await self._get(f"/tickets/{ticket_id}", wire.Ticket)

    async def ticket_group(self, group_id: int) -> TicketGroup:
        return await self._get(f"/ticket-groups/{group_id}", wire.TicketGroup)

    async def search_tickets(
        self, query: TicketQuery, *, limit: int = 50, offset: int = 0
    ) -> Page[TicketSummary]:
        """One page of the tickets matching ``query``, from position ``offset`` of the result."""
        params: dict[str, Any] = {**query.params(), "limit": limit, "offset": offset}
        answer = await self._call("GET", "/tickets", params=params)
        return _parse(answer, wire.Page[wire.TicketSummary])

    async def export_tickets(
        self,
        query: TicketQuery,
        target: Path,
        *,
        csv_format: CsvFormat = wire.CsvFormat.SPREADSHEET,
    ) -> int:
        """Stream every ticket matching ``query`` as CSV into ``target``; the rows written.

        ``spreadsheet``: in the client's language, as a spreadsheet there opens it (``;``
        and a BOM in French and Italian, names and dates in the language and zone);
        ``machine``: codes, ``,`` and ISO 8601 UTC, for programs. The file is written next
        to ``target`` and renamed when complete, so a failed export never leaves half a file
        under the name given; one the server or the network cut short raises
        :class:`IncompleteDownload`.
        """
        params = {**query.params(), "format": csv_format.value}
        lines = await self._download("/tickets.csv", params, target)
        return max(lines - 1, 0)  # the header line is not a ticket

    async def ticket_history(
        self, ticket_id: int, *, limit: int = 200, cursor: str | None = None
    ) -> Page[HistoryEntry]:
        """The ticket's history, newest first."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        answer = await self._call("GET", f"/tickets/{ticket_id}/history", params=params)
        return _parse(answer, wire.Page[wire.HistoryEntry])

    async def previous_tickets(self, ticket_id: int) -> list[TicketSummary]:
        """Earlier tickets of the same customer or appliance, newest first."""
        answer = await self._call("GET", f"/tickets/{ticket_id}/previous")
        return _parse_list(answer, wire.TicketSummary)

    async def add_log(self, ticket_id: int, body: AddLogRequest) -> HistoryEntry:
        answer = await self._call("POST", f"/tickets/{ticket_id}/logs", json=_body(body))
        return _parse(answer, wire.HistoryEntry)

    async def ticket_action(
        self,
        ticket_id: int,
        action: TicketAction,
        body: ContactedRequest
        | UnreachableRequest
        | AssignRequest
        | NoteRequest
        | MotivationRequest,
        *,
        version: int | None = None,
    ) -> Ticket:
        """Carry out a status action (``POST /tickets/{id}/{action}``); the updated ticket.

        With ``version``, the server refuses (412, ``ConflictError.stale``) if the ticket
        changed since that version was read. Contact (contacted, unreachable) is recorded on
        the whole group: the answer is then a ``ContactOutcome`` whose ``group_updated``
        names the group's other tickets it changed.
        """
        headers = {"If-Match": str(version)} if version is not None else {}
        answer = await self._call(
            "POST", f"/tickets/{ticket_id}/{action.value}", json=_body(body), headers=headers
        )
        if action in (wire.TicketAction.CONTACTED, wire.TicketAction.UNREACHABLE):
            return _parse(answer, wire.ContactOutcome)
        return _parse(answer, wire.Ticket)

    async def create_ticket(self, body: NewTicket, *, idempotency_key: str | None = None) -> Ticket:
        """Operators: record a customer's request (a new ticket group); to assign, or to
        contact when ``service_centre_code`` is given. A wrong field is a
        ``ValidationFailed`` naming it. ``idempotency_key`` is chosen once per user action
        and passed again when the user retries it (one is drawn when none is given): a
        lost answer never records the request twice."""
        key = idempotency_key or uuid.uuid4().hex
        answer = await self._call(
            "POST", "/tickets", json=_body(body), headers={"Idempotency-Key": key}
        )
        return _parse(answer, wire.Ticket)

    async def reschedule(
        self, ticket_id: int, body: RescheduleRequest, *, version: int | None = None
    ) -> Ticket:
        """Operators: a new appointment for the ticket (its history keeps the old one)."""
        headers = {"If-Match": str(version)} if version is not None else {}
        answer = await self._call(
            "POST", f"/tickets/{ticket_id}/reschedule", json=_body(body), headers=headers
        )
        return _parse(answer, wire.Ticket)

    async def update_appliance(
        self, ticket_id: int, body: ApplianceUpdate, *, version: int
    ) -> Ticket:
        answer = await self._call(
            "PUT",
            f"/tickets/{ticket_id}/appliance",
            json=_body(body),
            headers={"If-Match": str(version)},
        )
        return _parse(answer, wire.Ticket)

    # ------------------------------------------------------------------ closing

    async def intervention(self, ticket_id: int) -> Closing:
        """The ticket's intervention: its draft or closing, or a new form prefilled (the
        centre's fixed rate), with the coded lists, the parts ordered and the figures. What
        the operator sees to verify it."""
        return await self._get(f"/tickets/{ticket_id}/intervention", wire.Closing)

    async def intervention_totals(
        self, ticket_id: int, form: InterventionForm
    ) -> InterventionTotals:
        """The server's net, VAT and final price for the form as it stands (writes nothing;
        a wrong field is a ``ValidationFailed`` naming it)."""
        answer = await self._call(
            "POST", f"/tickets/{ticket_id}/intervention/totals", json=_body(form), idempotent=True
        )
        return _parse(answer, wire.InterventionTotals)

    async def save_intervention(
        self, ticket_id: int, form: InterventionForm, *, version: int | None = None
    ) -> Closing:
        """Update intervention: save the form as a draft (the ticket keeps its status). With
        ``version`` (the intervention's, 0 before the first save), a save by someone else
        meanwhile is refused (``ConflictError.stale``)."""
        headers = {"If-Match": str(version)} if version is not None else {}
        answer = await self._call(
            "PUT", f"/tickets/{ticket_id}/intervention", json=_body(form), headers=headers
        )
        return _parse(answer, wire.Closing)

    async def close_intervention(
        self, ticket_id: int, form: InterventionForm, *, ticket_version: int | None = None
    ) -> Closing:
        """Save and close: the ticket becomes closed, the amounts are frozen."""
        headers = {"If-Match": str(ticket_version)} if ticket_version is not None else {}
        answer = await self._call(
            "POST", f"/tickets/{ticket_id}/close", json=_body(form), headers=headers
        )
        return _parse(answer, wire.Closing)

    # ------------------------------------------------------------------ documents (PDF)

    async def intervention_pdf(self, ticket_id: int) -> bytes:
        """The intervention report as a PDF, in the client's language."""
        return await self._bytes(f"/tickets/{ticket_id}/intervention.pdf")

    async def voucher_pdf(self, voucher_id: int) -> bytes:
        """The payment voucher as a PDF, every intervention on it."""
        return await self._bytes(f"/vouchers/{voucher_id}.pdf")

    async def order_pdf(self, order_id: int) -> bytes:
        """The order as a PDF."""
        return await self._bytes(f"/orders/{order_id}.pdf")

    async def email_intervention(
        self, ticket_id: int, *, to: str | None = None, idempotency_key: str
    ) -> ReportEmailed:
        """E-mail the intervention report (its PDF attached) to ``to``, else the customer;
        ``idempotency_key`` is chosen once per sending and reused on its retries."""
        answer = await self._call(
            "POST",
            f"/tickets/{ticket_id}/intervention/email",
            json=_body(wire.ReportEmailRequest(to=to)),
            headers={"Idempotency-Key": idempotency_key},
        )
        return _parse(answer, wire.ReportEmailed)

    async def _bytes(self, path: str) -> bytes:
        return (await self._call("GET", path)).content

    # ------------------------------------------------------------------ catalogue, cart lines

    async def models(
        self,
        q: str = "",
        *,
        category: str | None = None,
        code: str | None = None,
        service_index: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[CatalogueModel]:
        """Models whose code contains ``q`` (prefix matches first), description or category;
        ``code`` and ``service_index`` are exact (any case): an appliance's own model."""
        params = _params(
            q=q,
            category=category,
            code=code,
            service_index=service_index,
            limit=limit,
            cursor=cursor,
        )
        answer = await self._call("GET", "/catalogue/models", params=params)
        return _parse(answer, wire.Page[wire.CatalogueModel])

    async def categories(self) -> list[Category]:
        """Every category: its code and its name in the client's language."""
        answer = await self._call("GET", "/catalogue/categories")
        return _parse_list(answer, wire.Category)

    async def model_view(
        self, model_id: int, *, serial: str | None = None, production_date: dt.date | None = None
    ) -> ModelView:
        params = _params(serial=serial, production_date=production_date)
        answer = await self._call("GET", f"/catalogue/models/{model_id}", params=params)
        return _parse(answer, wire.ModelView)

    async def parts(self, q: str = "", *, limit: int = 50, cursor: str | None = None) -> Page[Part]:
        params = _params(q=q, limit=limit, cursor=cursor)
        return _parse(
            await self._call("GET", "/catalogue/parts", params=params), wire.Page[wire.Part]
        )

    async def part(self, code: str) -> PartDetail:
        return await self._get(f"/catalogue/parts/{_segment(code)}", wire.PartDetail)

    async def where_used(
        self, code: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[WhereUsed]:
        params = _params(limit=limit, cursor=cursor)
        path = f"/catalogue/parts/{_segment(code)}/where-used"
        return _parse(await self._call("GET", path, params=params), wire.Page[wire.WhereUsed])

    async def part_tree(
        self,
        code: str,
        *,
        serial: str | None = None,
        production_date: dt.date | None = None,
        model_id: int | None = None,
    ) -> SupersessionTree:
        params = _params(serial=serial, production_date=production_date, model_id=model_id)
        path = f"/catalogue/parts/{_segment(code)}/tree"
        return _parse(await self._call("GET", path, params=params), wire.SupersessionTree)

    async def resolve(
        self,
        code: str,
        *,
        serial: str | None = None,
        production_date: dt.date | None = None,
        model_id: int | None = None,
    ) -> Resolution:
        params = _params(serial=serial, production_date=production_date, model_id=model_id)
        path = f"/catalogue/parts/{_segment(code)}/resolution"
        return _parse(await self._call("GET", path, params=params), wire.Resolution)

    async def add_to_cart(self, request: AddToCart) -> CartAdded:
        body = request.model_dump(mode="json", exclude_none=True)
        return _parse(await self._call("POST", "/cart/lines", json=body), wire.CartAdded)

    async def cart(self) -> Cart:
        return await self._get("/cart", wire.Cart)

    async def cart_count(self) -> int:
        return (await self._get("/cart/count", wire.CartCount)).count

    async def remove_cart_line(self, line_id: int) -> int:
        answer = await self._call("DELETE", f"/cart/lines/{line_id}")
        return _parse(answer, wire.CartCount).count

    # ------------------------------------------------------------------ cart, checkout, orders

    async def update_cart_line(self, line_id: int, body: CartLineUpdate) -> Cart:
        """Set a line's quantity, ticket and note; the whole cart with its new totals."""
        return _parse(
            await self._call("PUT", f"/cart/lines/{line_id}", json=_body(body)), wire.Cart
        )

    async def set_cart_note(self, body: CartNoteUpdate) -> Cart:
        return _parse(await self._call("PUT", "/cart/note", json=_body(body)), wire.Cart)

    async def empty_cart(self) -> int:
        """Remove every line (and the order note); the count, 0."""
        return _parse(await self._call("DELETE", "/cart"), wire.CartCount).count

    async def addresses(self) -> AddressBook:
        return await self._get("/addresses", wire.AddressBook)

    async def save_address(self, body: SaveAddressRequest) -> SavedAddress:
        return _parse(await self._call("POST", "/addresses", json=_body(body)), wire.SavedAddress)

    async def place_order(self, body: PlaceOrder, *, idempotency_key: str) -> Order:
        """Order the cart. ``idempotency_key`` is chosen once per confirmation and reused on
        every retry of it: however often this is sent, one order results."""
        answer = await self._call(
            "POST", "/orders", json=_body(body), headers={"Idempotency-Key": idempotency_key}
        )
        return _parse(answer, wire.Order)

    async def search_orders(
        self, query: OrderQuery, *, limit: int = 50, offset: int = 0
    ) -> Page[OrderSummary]:
        params: dict[str, Any] = {**query.params(), "limit": limit, "offset": offset}
        return _parse(
            await self._call("GET", "/orders", params=params), wire.Page[wire.OrderSummary]
        )

    async def order(self, order_id: int) -> Order:
        return await self._get(f"/orders/{order_id}", wire.Order)

    async def update_order(self, order_id: int, body: OrderUpdate, *, version: int) -> Order:
        answer = await self._call(
            "PUT", f"/orders/{order_id}", json=_body(body), headers={"If-Match": str(version)}
        )
        return _parse(answer, wire.Order)

    async def delete_order(self, order_id: int, *, version: int) -> Order:
        """Withdraw an order awaiting validation; the order, now cancelled."""
        answer = await self._call(
            "DELETE", f"/orders/{order_id}", headers={"If-Match": str(version)}
        )
        return _parse(answer, wire.Order)

    async def record_shipment(self, order_id: int, body: RecordShipment | None = None) -> Order:
        """Operators: what of the order was shipped (all of the rest without lines); tickets
        whose parts are now all shipped go back to confirmed."""
        answer = await self._call(
            "POST", f"/orders/{order_id}/shipments", json=_body(body or wire.RecordShipment())
        )
        return _parse(answer, wire.Order)

    async def validate_orders(self, order_ids: Sequence[int]) -> ValidationResult:
        body = wire.ValidateOrders(ids=list(order_ids))
        answer = await self._call("POST", "/orders/validate", json=_body(body))
        return _parse(answer, wire.ValidationResult)

    # ------------------------------------------------------------------ plumbing

    # ------------------------------------------------------------------ invoicing

    async def invoicing(
        self, query: InvoicingQuery | None = None, *, limit: int = 50, offset: int = 0
    ) -> InvoicingList:
        """The verified interventions waiting to be invoiced, and the sums of every match."""
        params: dict[str, Any] = {
            **(query or wire.InvoicingQuery()).params(),
            "limit": limit,
            "offset": offset,
        }
        return _parse(await self._call("GET", "/invoicing", params=params), wire.InvoicingList)

    async def invoice(
        self, ticket_ids: Sequence[int], *, idempotency_key: str | None = None
    ) -> VoucherDetail:
        """Invoice these tickets on one new payment voucher (the centre's manager); a
        ConflictError names the tickets no longer verified, and nothing was invoiced.

        ``idempotency_key`` is chosen once per user action and passed again when the user
        retries it (a new one is drawn when none is given); every retry of this call sends
        the same key, so a lost answer never makes a second voucher."""
        body = wire.InvoiceRequest(ticket_ids=list(ticket_ids))
        key = idempotency_key or uuid.uuid4().hex
        answer = await self._call(
            "POST", "/vouchers", json=_body(body), headers={"Idempotency-Key": key}
        )
        return _parse(answer, wire.VoucherDetail)

    async def search_vouchers(
        self, query: VoucherQuery | None = None, *, limit: int = 50, offset: int = 0
    ) -> Page[VoucherSummary]:
        params: dict[str, Any] = {
            **(query or wire.VoucherQuery()).params(),
            "limit": limit,
            "offset": offset,
        }
        return _parse(
            await self._call("GET", "/vouchers", params=params), wire.Page[wire.VoucherSummary]
        )

    async def voucher(self, voucher_id: int) -> VoucherDetail:
        return await self._get(f"/vouchers/{voucher_id}", wire.VoucherDetail)

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

    # ------------------------------------------------------------------ reports

    async def parts_report(self, query: PartsReportQuery) -> PartsReport:
        """The monthly spare-parts report: the parts installed in the month's closed
        interventions, by model, with totals."""
        return _parse(
            await self._call("GET", "/reports/parts", params=query.params()), wire.PartsReport
        )

    async def parts_report_pdf(self, query: PartsReportQuery) -> bytes:
        """The monthly spare-parts report as a PDF."""
        return (await self._call("GET", "/reports/parts.pdf", params=query.params())).content

    async def export_parts_report(
        self,
        query: PartsReportQuery,
        target: Path,
        *,
        csv_format: CsvFormat = wire.CsvFormat.SPREADSHEET,
    ) -> int:
        """Write the monthly spare-parts report as CSV into ``target`` (as
        :meth:`export_tickets` does); the lines written after the header."""
        params = {**query.params(), "format": csv_format.value}
        return max(await self._download("/reports/parts.csv", params, target) - 1, 0)

    async def invoicing_periods(self, year: int, centre: str = "") -> InvoicingPeriods:
        """The voucher period view of ``year``, month by month."""
        params = wire.PeriodsQuery(year=year, centre=centre).params()
        answer = await self._call("GET", "/invoicing/periods", params=params)
        return _parse(answer, wire.InvoicingPeriods)

    async def record_centre_invoice(
        self, voucher_id: int, number: str, amount: Decimal, *, version: int
    ) -> VoucherDetail:
        """Record (or correct) the centre's invoice for a voucher (its manager); the voucher
        as it now is. A stale ``version`` is a ConflictError saying who changed it."""
        body = wire.CentreInvoiceRequest(number=number, amount=amount)
        answer = await self._call(
            "PUT",
            f"/vouchers/{voucher_id}/centre-invoice",
            json=_body(body),
            headers={"If-Match": str(version)},
        )
        return _parse(answer, wire.VoucherDetail)

    # ------------------------------------------------------------------ supplier sync

    async def synchronise_suppliers(self) -> SyncSummary:
        """Check every order of the centre pending at a supplier now; the changes found join
        the pending diff. The summary names the suppliers that did not answer."""
        from client.models.supplier_sync import SyncSummary

        return _parse(await self._call("POST", "/supplier-sync", wait=SYNC_TIMEOUT), SyncSummary)

    async def supplier_changes(self, *, limit: int = 5000, offset: int = 0) -> SupplierChanges:
        """The centre's pending supplier changes (``limit`` from ``offset``; ``total`` counts
        them all), and when the sync last succeeded."""
        from client.models.supplier_sync import SupplierChanges

        params = {"limit": limit, "offset": offset}
        answer = await self._call("GET", "/supplier-changes", params=params)
        return _parse(answer, SupplierChanges)

    async def apply_supplier_changes(
        self, ids: Sequence[int] = (), *, every: bool = False
    ) -> DecisionResult:
        """Apply these changes (``every``: all pending); a ConflictError when one of the
        named changes is on an order cancelled meanwhile: then nothing was applied."""
        from client.models.supplier_sync import ChangeDecision, DecisionResult

        body = ChangeDecision(ids=list(ids), all=every)
        return _parse(
            await self._call("POST", "/supplier-changes/apply", json=_body(body)), DecisionResult
        )

    async def dismiss_supplier_changes(
        self, ids: Sequence[int] = (), *, every: bool = False
    ) -> DecisionResult:
        from client.models.supplier_sync import ChangeDecision, DecisionResult

        body = ChangeDecision(ids=list(ids), all=every)
        return _parse(
            await self._call("POST", "/supplier-changes/dismiss", json=_body(body)),
            DecisionResult,
        )

    # ------------------------------------------------------------------ supplier orders

    async def supplier_orders(
        self, *, status: str | None = None, ticket_id: int | None = None
    ) -> list[SupplierOrderSummary]:
        """The centre's orders with outside suppliers, newest first."""
        from client.models.supplier_orders import SupplierOrderSummary, supplier_order_params

        params = supplier_order_params(status, ticket_id)
        answer = await self._call("GET", "/supplier-orders", params=params)
        return _parse_list(answer, SupplierOrderSummary)

    async def supplier_order(self, order_id: int) -> SupplierOrder:
        from client.models.supplier_orders import SupplierOrder

        return await self._get(f"/supplier-orders/{order_id}", SupplierOrder)

    async def create_supplier_order(self, body: CreateSupplierOrder) -> SupplierOrder:
        """Create order: a draft with the supplier (cart lines named leave the cart)."""
        from client.models.supplier_orders import SupplierOrder

        answer = await self._call("POST", "/supplier-orders", json=_body(body))
        return _parse(answer, SupplierOrder)

    async def send_supplier_order(
        self, order_id: int, *, confirm_to: str | None = None
    ) -> SupplierOrder:
        """Order: send the draft to the supplier. Safe to repeat (the supplier keeps one
        order per client reference; a sent order is answered as it is), hence retried."""
        from client.models.supplier_orders import SendSupplierOrder, SupplierOrder

        body = SendSupplierOrder(confirm_to=confirm_to or None)
        answer = await self._call(
            "POST", f"/supplier-orders/{order_id}/send", json=_body(body), idempotent=True
        )
        return _parse(answer, SupplierOrder)

    async def cancel_supplier_order(self, order_id: int) -> SupplierOrder:
        """Drop a draft."""
        from client.models.supplier_orders import SupplierOrder

        answer = await self._call("POST", f"/supplier-orders/{order_id}/cancel", idempotent=True)
        return _parse(answer, SupplierOrder)

    # ------------------------------------------------------------------ suppliers (availability)

    async def suppliers(self) -> list[Supplier]:
        """The suppliers the server is set up for (a centre may enter an account with each)."""
        from client.models.suppliers import Supplier

        return _parse_list(await self._call("GET", "/suppliers"), Supplier)

    async def supplier_accounts(self) -> list[SupplierAccount]:
        """The centre's supplier accounts, without their secrets."""
        from client.models.suppliers import SupplierAccount

        return _parse_list(await self._call("GET", "/supplier-accounts"), SupplierAccount)

    async def save_supplier_account(self, body: SaveSupplierAccountRequest) -> SupplierAccount:
        """Enter (or replace) the centre's account with a supplier (its manager): the server
        checks it with the supplier first; wrong credentials are a ``ValidationFailed`` naming
        the fields, a supplier down an ``UnavailableError``; nothing is kept then."""
        from client.models.suppliers import SupplierAccount

        payload = body.model_dump(mode="json")
        if body.secret is not None:
            payload["secret"] = body.secret.get_secret_value()
        answer = await self._call("POST", "/supplier-accounts", json=payload, idempotent=True)
        return _parse(answer, SupplierAccount)

    async def supplier_availability(
        self, codes: Sequence[str], *, supplier: str | None = None
    ) -> SupplierAvailability:
        """Stock, lead time and prices of ``codes`` at every supplier account of the centre
        (or only at ``supplier``), asked in parallel by the server; each supplier's
        ``status`` says whether it answered."""
        from client.models.suppliers import SupplierAvailability

        params = [("code", code) for code in codes]
        if supplier is not None:
            params.append(("supplier", supplier))
        answer = await self._call("GET", "/supplier-availability", params=params)  # type: ignore[arg-type]
        return _parse(answer, SupplierAvailability)

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
    try:
        found: list[T] = _adapter(list[item]).validate_json(response.content)  # type: ignore[valid-type]
        return found
    except ValidationError as exc:
        raise ProtocolError(
            f"unexpected answer from the server for {response.request.url.path}",
            status=response.status_code,
        ) from exc


def _parse(response: httpx.Response, model: type[M]) -> M:
    try:
        found: M = _adapter(model).validate_json(response.content)
        return found
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
