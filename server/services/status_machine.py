"""The ticket status machine: one table says which action goes from which statuses to which,
and who may carry it out. Everything else (the routes, ``Ticket.actions``, the refusals)
reads this table.

Decisions the domain leaves open (DOMAIN.md, issue 3):

* **cancel** is possible from every status before the intervention is completed: to assign,
  to contact, unreachable, confirmed, waiting for parts, exchange requested. Not from
  *closed*: the centre has done the work, so the operator verifies it or rejects it back to
  *confirmed* (and may cancel from there); not from verified, invoiced or cancelled.
* **reschedule** (operators) moves the appointment of a ticket that has one (confirmed,
  waiting for parts, exchange requested); it changes no status.
* **update_appliance** and **add_log** change no status; everyone who sees the ticket may do
  them while it is neither cancelled nor invoiced.
* ``order_parts``, ``parts_received``, ``close`` and ``invoice`` are in the table (the orders,
  intervention and invoicing flows call :func:`server.services.ticket_actions.transition`);
  an action is *offered* in ``Ticket.actions`` once it has its endpoint (:data:`OFFERED`):
  ``close`` and ``parts_received`` have theirs (server.routes.closing); ``order_parts`` is
  checkout's doing and ``invoice`` invoicing's (``POST /vouchers``, many tickets at once:
  server.services.invoicing checks this table's role and source status).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from client.models import Role, TicketAction, TicketStatus
from server.errors import Forbidden, NotAllowed
from server.i18n import N_, _, either, ngettext, quoted

A = TicketAction
S = TicketStatus
SC_STAFF = frozenset({Role.TECHNICIAN, Role.MANAGER})
OPERATORS = frozenset({Role.OPERATOR})
EVERYONE = frozenset(Role)
OPEN = frozenset(S) - {S.CANCELLED, S.INVOICED}


@dataclass(frozen=True)
class Rule:
    """``action`` is allowed from ``sources`` to ``roles``; it leads to ``target``
    (``None``: the status stays as it is)."""

    action: TicketAction
    sources: frozenset[TicketStatus]
    target: TicketStatus | None
    roles: frozenset[Role]
    doing: str
    """What the action is, in words, for refusals: "contacting the customer" (a message id:
    translate it at use)."""


def _rule(
    action: TicketAction,
    sources: Iterable[TicketStatus],
    target: TicketStatus | None,
    roles: frozenset[Role],
    doing: str,
) -> Rule:
    return Rule(action, frozenset(sources), target, roles, doing)


RULES: dict[TicketAction, Rule] = {
    r.action: r
    for r in (
        _rule(
            A.ASSIGN,
            (S.TO_ASSIGN, S.TO_CONTACT, S.UNREACHABLE),
            S.TO_CONTACT,
            OPERATORS,
            N_("assigning a service centre"),
        ),
        _rule(
            A.CONTACTED,
            (S.TO_CONTACT, S.UNREACHABLE),
            S.CONFIRMED,
            SC_STAFF,
            N_("contacting the customer"),
        ),
        _rule(
            A.UNREACHABLE,
            (S.TO_CONTACT, S.UNREACHABLE),
            S.UNREACHABLE,
            SC_STAFF,
            N_("recording a failed contact attempt"),
        ),
        _rule(
            A.REQUEST_EXCHANGE,
            (S.CONFIRMED,),
            S.EXCHANGE_REQUESTED,
            OPERATORS,
            N_("requesting an exchange"),
        ),
        _rule(
            A.CANCEL,
            (
                S.TO_ASSIGN,
                S.TO_CONTACT,
                S.UNREACHABLE,
                S.CONFIRMED,
                S.WAITING_PARTS,
                S.EXCHANGE_REQUESTED,
            ),
            S.CANCELLED,
            OPERATORS,
            N_("cancelling the ticket"),
        ),
        _rule(A.REJECT, (S.CLOSED,), S.CONFIRMED, OPERATORS, N_("rejecting the intervention")),
        _rule(A.VERIFY, (S.CLOSED,), S.VERIFIED, OPERATORS, N_("verifying the intervention")),
        _rule(A.ORDER_PARTS, (S.CONFIRMED,), S.WAITING_PARTS, SC_STAFF, N_("ordering parts")),
        _rule(
            A.PARTS_RECEIVED, (S.WAITING_PARTS,), S.CONFIRMED, SC_STAFF, N_("receiving the parts")
        ),
        _rule(
            A.CLOSE,
            (S.CONFIRMED, S.WAITING_PARTS, S.EXCHANGE_REQUESTED),
            S.CLOSED,
            SC_STAFF,
            N_("closing the intervention"),
        ),
        _rule(A.INVOICE, (S.VERIFIED,), S.INVOICED, frozenset({Role.MANAGER}), N_("invoicing")),
        _rule(A.UPDATE_APPLIANCE, OPEN, None, EVERYONE, N_("correcting the appliance data")),
        _rule(A.ADD_LOG, OPEN, None, EVERYONE, N_("adding a log")),
        _rule(
            A.RESCHEDULE,
            (S.CONFIRMED, S.WAITING_PARTS, S.EXCHANGE_REQUESTED),
            None,
            OPERATORS,
            N_("rescheduling the appointment"),
        ),
    )
}
assert set(RULES) == set(TicketAction), "every action has its rule"

OFFERED: frozenset[TicketAction] = frozenset(
    {
        A.ASSIGN,
        A.CONTACTED,
        A.UNREACHABLE,
        A.REQUEST_EXCHANGE,
        A.CANCEL,
        A.REJECT,
        A.VERIFY,
        A.PARTS_RECEIVED,
        A.CLOSE,
        A.UPDATE_APPLIANCE,
        A.ADD_LOG,
        A.RESCHEDULE,
    }
)
"""The actions that have an endpoint now; the flow-driven ones join when their flows do."""


STATUS_NAMES: dict[TicketStatus, str] = {
    S.TO_ASSIGN: N_("to assign"),
    S.TO_CONTACT: N_("to contact"),
    S.UNREACHABLE: N_("unreachable"),
    S.CONFIRMED: N_("confirmed"),
    S.WAITING_PARTS: N_("waiting for parts"),
    S.EXCHANGE_REQUESTED: N_("exchange requested"),
    S.CLOSED: N_("closed"),
    S.VERIFIED: N_("verified"),
    S.INVOICED: N_("invoiced"),
    S.CANCELLED: N_("cancelled"),
}
"""Statuses inside messages (each language names them as its interface does)."""
ROLE_NAMES: dict[Role, str] = {
    Role.TECHNICIAN: N_("technician"),
    Role.MANAGER: N_("manager"),
    Role.OPERATOR: N_("operator"),
}


def label(status: TicketStatus) -> str:
    """The status as a sentence names it, in the request's language, quoted as it quotes."""
    return quoted(_(STATUS_NAMES[status]))


def roles_text(roles: Iterable[Role]) -> str:
    return ", ".join(sorted(_(ROLE_NAMES[r]) for r in roles))


def is_allowed(action: TicketAction, status: TicketStatus, role: Role) -> bool:
    rule = RULES[action]
    return status in rule.sources and role in rule.roles


def allowed_actions(status: TicketStatus, role: Role) -> list[TicketAction]:
    """What ``role`` may do to a ticket in ``status`` now (``Ticket.actions``), in enum order."""
    return [a for a in TicketAction if a in OFFERED and is_allowed(a, status, role)]


def check_role(action: TicketAction, role: Role) -> Rule:
    """The rule of ``action``, or 403 when ``role`` may not carry it out at all."""
    rule = RULES[action]
    if role not in rule.roles:
        raise Forbidden(
            _("{doing} is reserved to: {roles}").format(
                doing=_(rule.doing), roles=roles_text(rule.roles)
            )
        )
    return rule


def check(action: TicketAction, ticket_id: int, status: TicketStatus, role: Role) -> Rule:
    """The rule of ``action``, or the refusal: 403 for the wrong role, 409 for the wrong status."""
    rule = check_role(action, role)
    if status not in rule.sources:
        raise NotAllowed(
            _("ticket {number} is {status}: {why}").format(
                number=ticket_id, status=label(status), why=_when(rule, status)
            )
        )
    return rule


def _when(rule: Rule, status: TicketStatus) -> str:
    if len(rule.sources) <= 3:
        ordered = [label(s) for s in TicketStatus if s in rule.sources]
        return ngettext(
            "{doing} is possible only while {statuses}",
            "{doing} is possible only while {statuses}",
            len(ordered),
        ).format(doing=_(rule.doing), statuses=either(ordered))
    return _("{doing} is not possible once a ticket is {status}").format(
        doing=_(rule.doing), status=label(status)
    )
