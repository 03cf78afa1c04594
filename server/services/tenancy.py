"""The one tenant-scoping helper: every query for service-centre data goes through here.

A technician or manager sees only the rows of their own service centre; an operator
(the manufacturer's back office) sees every centre. An object of another centre is
answered exactly like a missing one (404), so its existence does not leak.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from client.models import Role
from server.db import models as db
from server.errors import Forbidden, NotFound
from server.i18n import N_, _
from server.services.status_machine import roles_text

M = TypeVar("M", bound=db.Base)
S = TypeVar("S", bound=Select[*tuple[Any, ...]])

NOT_FOUND = {
    "ticket": N_("ticket {id} not found"),
    "ticket group": N_("ticket group {id} not found"),
    "service centre": N_("service centre {id} not found"),
    "payment voucher": N_("payment voucher {id} not found"),
}
"""The 404 of each kind of object :func:`get_scoped` loads (``what``)."""


def sees_all_centres(user: db.User) -> bool:
    return user.role == Role.OPERATOR.value


SCOPE_CENTRE = "scope_centre"
"""The bound parameter :func:`scope_bound` restricts to: the user's centre id."""


def scope_kind(user: db.User) -> str:
    """How ``user``'s queries are restricted: ``all`` (nothing added: an operator), ``none``
    (no row: a centre user without a centre) or ``centre`` (their centre's rows)."""
    if sees_all_centres(user):
        return "all"
    return "none" if user.service_centre_id is None else "centre"


def scope_bound(stmt: S, centre_column: InstrumentedAttribute[Any], kind: str) -> S:
    """Restrict ``stmt`` to what a user of ``kind`` (:func:`scope_kind`) sees, by
    ``centre_column``; execute it with that user's :func:`scope_params`.

    The centre's id is the bound parameter ``scope_centre``, not a value: a statement built
    once per kind serves every user (the statements cached with ``functools.cache``), and one
    built per request reads the same way. Executed without the user's values, a ``centre``
    statement fails (no value for ``scope_centre``) rather than answering unrestricted."""
    if kind == "all":
        return stmt
    if kind == "none":
        return stmt.where(False)  # type: ignore[arg-type]
    return stmt.where(centre_column == bindparam(SCOPE_CENTRE))


def scope_params(user: db.User) -> dict[str, Any]:
    """The values :func:`scope_bound`'s statement is executed with, for ``user``."""
    if scope_kind(user) == "centre":
        return {SCOPE_CENTRE: user.service_centre_id}
    return {}


def centre_column_of(model: type[db.Base]) -> InstrumentedAttribute[Any]:
    """The column that says which centre a row belongs to."""
    if model is db.ServiceCentre:
        return db.ServiceCentre.id
    column = getattr(model, "service_centre_id", None)
    if column is None:
        raise TypeError(f"{model.__name__} is not service-centre data")
    return column  # type: ignore[no-any-return]


@functools.cache
def scoped_stmt(model: type[db.Base], kind: str) -> Select[*tuple[Any, ...]]:
    """``select(model)`` by primary key (bound as ``scoped_id``), restricted as
    :func:`scope_bound` does for ``kind`` (:func:`scope_kind`). Built once: a request loads
    one or two objects this way, and building the statement (and its cache key) cost as
    much CPU as running it."""
    by_id = select(model).where(model.__mapper__.primary_key[0] == bindparam("scoped_id"))
    return scope_bound(by_id, centre_column_of(model), kind)


def scoped_params(user: db.User, object_id: Any) -> tuple[str, dict[str, Any]]:
    """``user``'s :func:`scope_kind` and the values of a statement built like
    :func:`scoped_stmt` for ``object_id`` (``scoped_id``, and :func:`scope_params`')."""
    return scope_kind(user), {"scoped_id": object_id, **scope_params(user)}


def not_found(what: str, object_id: Any) -> NotFound:
    """The 404 of :func:`get_scoped`: the same for a missing object and another centre's."""
    template = NOT_FOUND.get(what)
    return NotFound(
        _(template).format(id=object_id)
        if template
        else _("{what} {id} not found").format(what=what, id=object_id)
    )


async def get_scoped(
    session: AsyncSession, model: type[M], object_id: Any, user: db.User, *, what: str
) -> M:
    """Load one row of ``model`` by primary key, as ``user`` may see it, else ``NotFound``."""
    kind, params = scoped_params(user, object_id)
    row = (await session.execute(scoped_stmt(model, kind), params)).scalar_one_or_none()
    if row is None:
        raise not_found(what, object_id)
    return row  # type: ignore[no-any-return]


def require_role(user: db.User, *roles: Role) -> None:
    """Refuse with 403 when ``user`` holds none of ``roles``."""
    if user.role not in {r.value for r in roles}:
        raise Forbidden(_("this action is reserved to: {roles}").format(roles=roles_text(roles)))
