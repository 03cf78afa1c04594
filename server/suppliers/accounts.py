"""A centre's supplier accounts: entered once by its manager, checked with the supplier, kept.

The secret is encrypted with the server's key (``secrets.py``) before it is stored; it is in
no answer, log or error. A technician of the centre may see the accounts (not their secrets)
and use them; only the centre's manager enters, replaces or removes one; an operator (no
centre) has none. Another centre's account answers 404, as a missing one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from client.models import Role
from client.models.suppliers import SaveSupplierAccountRequest, Supplier
from client.models.suppliers import SupplierAccount as SupplierAccountOut
from server.db import models as db
from server.errors import ApiError, Invalid, NotAllowed
from server.i18n import N_, _
from server.services.tenancy import (
    get_scoped,
    require_role,
    scope_bound,
    scope_kind,
    scope_params,
)
from server.settings import Settings
from server.suppliers.adapter import (
    HttpSupplierClient,
    RetryPolicy,
    SupplierAuthError,
    SupplierClient,
    SupplierCredentials,
    SupplierError,
    SupplierUnavailable,
)
from server.suppliers.db_models import SupplierAccount
from server.suppliers.launcher import known_suppliers, supplier_url
from server.suppliers.secrets import secret_box

log = logging.getLogger("sav.suppliers")

SUPPLIER_NAMES = {"reference": N_("Reference supplier (demo platform)")}

ClientFactory = Callable[[str, str, SupplierCredentials], SupplierClient]


class SupplierDown(ApiError):
    status_code = 503
    code = "supplier_unavailable"


class SupplierFailed(ApiError):
    status_code = 502
    code = "supplier_bad_answer"


INTERACTIVE_TIMEOUT = httpx.Timeout(connect=2.0, read=3.5, write=2.0, pool=1.0)
INTERACTIVE_RETRY = RetryPolicy(attempts=2, timeout=4.0, wait_initial=0.2, wait_max=0.5)


def http_client(supplier: str, url: str, credentials: SupplierCredentials) -> SupplierClient:
    """A client for someone waiting at a screen: it gives up within 4 s, retries once."""
    return HttpSupplierClient(
        supplier,
        url,
        credentials,
        timeout=INTERACTIVE_TIMEOUT,
        deadline=4.0,
        retry=INTERACTIVE_RETRY,
    )


def _out(row: SupplierAccount, saved_by: str) -> SupplierAccountOut:
    name = SUPPLIER_NAMES.get(row.supplier)
    return SupplierAccountOut(
        id=row.id,
        supplier=row.supplier,
        supplier_name=_(name) if name else row.supplier,
        user_name=row.user_name,
        customer_id=row.customer_id,
        has_secret=row.secret_encrypted is not None,
        saved_by=saved_by,
        saved_at=row.saved_at,
        checked_at=row.checked_at,
    )


def _centre_staff(user: db.User) -> None:
    require_role(user, Role.TECHNICIAN, Role.MANAGER)


def list_suppliers(user: db.User, settings: Settings) -> list[Supplier]:
    """The suppliers a centre may enter an account with (those the server is set up for)."""
    _centre_staff(user)
    out = []
    for supplier in known_suppliers(settings):
        name = SUPPLIER_NAMES.get(supplier)
        out.append(Supplier(supplier=supplier, supplier_name=_(name) if name else supplier))
    return out


async def list_accounts(session: AsyncSession, user: db.User) -> list[SupplierAccountOut]:
    _centre_staff(user)
    stmt = scope_bound(
        select(SupplierAccount, db.User.username)
        .join(db.User, db.User.id == SupplierAccount.saved_by_id)
        .order_by(SupplierAccount.supplier),
        SupplierAccount.service_centre_id,
        scope_kind(user),
    )
    return [_out(row, by) for row, by in (await session.execute(stmt, scope_params(user))).all()]


async def get_account(session: AsyncSession, user: db.User, account_id: int) -> SupplierAccountOut:
    row = await get_scoped(session, SupplierAccount, account_id, user, what="supplier account")
    _centre_staff(user)
    by = await session.get(db.User, row.saved_by_id)
    return _out(row, by.username if by else "")


async def delete_account(session: AsyncSession, user: db.User, account_id: int) -> None:
    row = await get_scoped(session, SupplierAccount, account_id, user, what="supplier account")
    require_role(user, Role.MANAGER)
    from server.suppliers.orders_models import SupplierOrder

    used = await session.scalar(
        select(SupplierOrder.id).where(SupplierOrder.supplier_account_id == row.id).limit(1)
    )
    if used is not None:  # the orders made with it keep naming it
        raise NotAllowed(
            _("orders were made with this account: it is kept; enter it again to change it"),
            code="account_in_use",
        )
    await session.delete(row)
    await session.commit()
    log.info("supplier account %s of centre %s removed", row.supplier, row.service_centre_id)


async def save_account(
    session: AsyncSession,
    user: db.User,
    body: SaveSupplierAccountRequest,
    settings: Settings,
    now: dt.datetime,
    make_client: ClientFactory = http_client,
) -> SupplierAccountOut:
    """Check the account with the supplier, then keep it for the centre (replacing the one
    it had with this supplier). Wrong credentials are answered beside the fields; nothing is
    kept unless the supplier accepted them."""
    require_role(user, Role.MANAGER)
    assert user.service_centre_id is not None  # a manager belongs to a centre
    try:
        url = await supplier_url(settings, body.supplier)
    except SupplierUnavailable as exc:
        raise SupplierDown(
            _("{supplier} did not answer; the account is not saved: try again later").format(
                supplier=body.supplier
            )
        ) from exc
    if url is None:
        known = ", ".join(known_suppliers(settings)) or "—"
        raise Invalid(
            _("unknown supplier {supplier}").format(supplier=body.supplier),
            fields={"supplier": _("unknown supplier; known: {known}").format(known=known)},
        )
    secret = body.secret.get_secret_value() if body.secret is not None else None
    box = secret_box(settings) if secret else None  # no key: refused before asking anyone
    credentials = SupplierCredentials(body.user_name, body.customer_id, secret)
    client = make_client(body.supplier, url, credentials)
    try:
        await client.check_credentials()
    except SupplierAuthError:
        wrong = _("the supplier does not know this user name, customer id and secret")
        raise Invalid(
            wrong, fields={"user_name": wrong, "customer_id": wrong, "secret": wrong}
        ) from None
    except SupplierUnavailable as exc:
        raise SupplierDown(
            _("{supplier} did not answer; the account is not saved: try again later").format(
                supplier=body.supplier
            )
        ) from exc
    except SupplierError as exc:
        raise SupplierFailed(
            _("{supplier} answered something unexpected; the account is not saved").format(
                supplier=body.supplier
            )
        ) from exc
    finally:
        await client.aclose()
    row = (
        await session.execute(
            select(SupplierAccount).where(
                SupplierAccount.service_centre_id == user.service_centre_id,
                SupplierAccount.supplier == body.supplier,
            )
        )
    ).scalar_one_or_none()
    if row is None:
        row = SupplierAccount(
            service_centre_id=user.service_centre_id, supplier=body.supplier, version=0
        )
        session.add(row)
    row.user_name = body.user_name
    row.customer_id = body.customer_id
    row.secret_encrypted = box.encrypt(secret) if box and secret else None
    row.saved_by_id = user.id
    row.saved_at = now
    row.checked_at = now
    row.version = (row.version or 0) + 1
    await session.commit()
    await session.refresh(row)
    log.info("supplier account %s of centre %s saved", row.supplier, row.service_centre_id)
    return _out(row, user.username)


async def client_for(
    session: AsyncSession,
    user: db.User,
    supplier: str,
    settings: Settings,
    make_client: ClientFactory = http_client,
) -> SupplierClient:
    """A client for the centre's account with ``supplier`` (the secret decrypted here only)."""
    _centre_staff(user)
    row = (
        await session.execute(
            scope_bound(
                select(SupplierAccount).where(SupplierAccount.supplier == supplier),
                SupplierAccount.service_centre_id,
                scope_kind(user),
            ),
            scope_params(user),
        )
    ).scalar_one_or_none()
    url = await supplier_url(settings, supplier) if row is not None else None
    if row is None or url is None:
        raise Invalid(
            _("the centre has no account with the supplier {supplier}").format(supplier=supplier),
            code="no_supplier_account",
        )
    secret = secret_box(settings).decrypt(row.secret_encrypted) if row.secret_encrypted else None
    return make_client(supplier, url, SupplierCredentials(row.user_name, row.customer_id, secret))
