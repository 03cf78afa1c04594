"""Availability at every supplier the centre has an account with, side by side.

The suppliers are asked in parallel; each gets ``supplier_timeout_seconds`` and a supplier
that does not answer in time is "no answer" without holding up the others. Nothing a
supplier answers is kept: this is a question, not a record.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from client.models import Role
from client.models.suppliers import SupplierAnswer, SupplierAvailability, SupplierOffer
from server.db import models as db
from server.i18n import _
from server.services.tenancy import require_role, scope_bound, scope_kind, scope_params
from server.settings import Settings
from server.suppliers.accounts import SUPPLIER_NAMES, ClientFactory, http_client
from server.suppliers.adapter import (
    SupplierAuthError,
    SupplierClient,
    SupplierCredentials,
    SupplierError,
    SupplierUnavailable,
)
from server.suppliers.db_models import SupplierAccount
from server.suppliers.launcher import supplier_url
from server.suppliers.models import PartAvailability
from server.suppliers.registry import SupplierClients
from server.suppliers.secrets import secret_box

log = logging.getLogger("sav.suppliers")


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents) / 100


def _offer(item: PartAvailability) -> SupplierOffer:
    return SupplierOffer(
        code=item.code,
        known=item.known,
        replaced_by=item.replaced_by,
        name=item.name,
        stock=item.stock,
        lead_time_days=item.lead_time_days,
        purchase_price=_money(item.purchase_price_cents),
        sale_price=_money(item.sale_price_cents),
    )


async def availability(
    session: AsyncSession,
    user: db.User,
    codes: Sequence[str],
    settings: Settings,
    make_client: ClientFactory = http_client,
    clients: SupplierClients | None = None,
    *,
    only: str | None = None,
) -> SupplierAvailability:
    """``only``: ask that supplier alone (the centre's account with it). ``clients``: the
    server's kept clients (a supplier found down stays "no answer" for
    its cooldown); without, a client per call, closed after it."""
    require_role(user, Role.TECHNICIAN, Role.MANAGER)
    asked = list(dict.fromkeys(codes))
    rows = (
        (
            await session.execute(
                scope_bound(
                    select(SupplierAccount)
                    .where(true() if only is None else SupplierAccount.supplier == only)
                    .order_by(SupplierAccount.supplier),
                    SupplierAccount.service_centre_id,
                    scope_kind(user),
                ),
                scope_params(user),
            )
        )
        .scalars()
        .all()
    )
    box = secret_box(settings) if any(r.secret_encrypted for r in rows) else None

    async def ask(row: SupplierAccount) -> SupplierAnswer:
        name = SUPPLIER_NAMES.get(row.supplier)
        answer = {"supplier": row.supplier, "supplier_name": _(name) if name else row.supplier}
        try:
            url = await supplier_url(settings, row.supplier)  # the embedded one starts here
        except SupplierUnavailable:
            return SupplierAnswer(**answer, status="no_answer", message=_("no answer"))
        if url is None:
            return SupplierAnswer(
                **answer, status="bad_answer", message=_("this supplier is no longer configured")
            )
        secret = box.decrypt(row.secret_encrypted) if box and row.secret_encrypted else None
        credentials = SupplierCredentials(row.user_name, row.customer_id, secret)
        if clients is None:
            client: SupplierClient = make_client(row.supplier, url, credentials)
        else:
            client = await clients.get(
                row.id,
                (row.version, url),  # a new URL (the embedded platform restarted): a new client
                row.supplier,
                lambda: make_client(row.supplier, url, credentials),
            )
        try:
            async with asyncio.timeout(settings.supplier_timeout_seconds):
                items = await client.availability(asked)
        except (TimeoutError, SupplierUnavailable) as exc:
            if isinstance(exc, TimeoutError) and hasattr(client, "mark_unavailable"):
                client.mark_unavailable()  # we stopped waiting: down for its cooldown
            return SupplierAnswer(**answer, status="no_answer", message=_("no answer"))
        except SupplierAuthError:
            return SupplierAnswer(
                **answer,
                status="wrong_account",
                message=_("the supplier refuses the centre's account: enter it again"),
            )
        except SupplierError as exc:
            log.warning("supplier %s: availability refused: %s", row.supplier, exc.message)
            return SupplierAnswer(
                **answer, status="bad_answer", message=_("the supplier's answer was refused")
            )
        finally:
            if clients is None:
                await client.aclose()
        return SupplierAnswer(**answer, status="ok", offers=[_offer(i) for i in items])

    answers = await asyncio.gather(*(ask(row) for row in rows))
    return SupplierAvailability(codes=asked, suppliers=list(answers))
