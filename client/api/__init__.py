"""SavClient: the typed async client of the sav backend.

It wraps one injected ``httpx.AsyncClient`` (so tests can point it at the real app
through ``httpx.ASGITransport`` and the TUI at a Unix socket) and turns every
failure into one of its own errors, so callers never see httpx.

Only idempotent requests are retried (GET, HEAD, PUT, DELETE, and writes that carry
an ``Idempotency-Key``), with exponential backoff, and only for failures where the
request may not have reached the server or the server said it is unavailable.

What lives where (``from client.api import SavClient, SavError`` is the way to import):

- ``_base``: the errors (``SavError`` and its kinds), the constants (``DEFAULT_TIMEOUT``
  ...), ``ClientBase`` (the session, ``_call`` with its retries and error decoding,
  ``_get``, ``_bytes``, ``_download``) and the request and answer helpers (``_body``,
  ``_params``, ``_segment``, ``_parse``, ``_parse_list``, the cached ``_adapter``);
- one mixin per area, each deriving from ``ClientBase``: ``session`` (login, me,
  dashboard, service centres), ``tickets``, ``closing`` (the intervention), ``documents``
  (PDFs, the e-mailed report), ``catalogue``, ``orders`` (cart, addresses, orders),
  ``invoicing`` (vouchers, periods, centre invoices), ``reports``, ``suppliers`` (sync,
  supplier orders, accounts, availability);
- here: ``SavClient``, the mixins composed.

The models (``client.models``) are imported as each is first used, as before: importing
this package imports no model module but the enums the methods' defaults name.
"""

from __future__ import annotations

from client.api._base import (
    DEFAULT_TIMEOUT,
    IDEMPOTENT_METHODS,
    RETRY_STATUS,
    SYNC_TIMEOUT,
    AuthError,
    ClientBase,
    ConflictError,
    ForbiddenError,
    IncompleteDownload,
    NotFoundError,
    ProtocolError,
    SavError,
    ThrottledError,
    UnavailableError,
    ValidationFailed,
)
from client.api.catalogue import CatalogueApi
from client.api.closing import ClosingApi
from client.api.documents import DocumentsApi
from client.api.invoicing import InvoicingApi
from client.api.orders import OrdersApi
from client.api.reports import ReportsApi
from client.api.session import SessionApi
from client.api.suppliers import SuppliersApi
from client.api.tickets import TicketsApi


class SavClient(
    SessionApi,
    TicketsApi,
    ClosingApi,
    DocumentsApi,
    CatalogueApi,
    OrdersApi,
    InvoicingApi,
    ReportsApi,
    SuppliersApi,
    ClientBase,
):
    """Typed async methods over one injected ``httpx.AsyncClient``."""


__all__ = [
    "DEFAULT_TIMEOUT",
    "IDEMPOTENT_METHODS",
    "RETRY_STATUS",
    "SYNC_TIMEOUT",
    "AuthError",
    "ConflictError",
    "ForbiddenError",
    "IncompleteDownload",
    "NotFoundError",
    "ProtocolError",
    "SavClient",
    "SavError",
    "ThrottledError",
    "UnavailableError",
    "ValidationFailed",
]
