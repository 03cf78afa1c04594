"""E-mailing the intervention report: the PDF attached, through SMTP or the outbox
(server.services.mail), recorded in the ticket's history.

* The centre's staff send it (operators verify; they have the report by ``GET``); another
  centre's ticket answers 404.
* ``to``: the address given, else the customer's (422 naming ``to`` when the customer has
  none). The subject, the text and the PDF are in the recipient's language when the address
  is a user's, else the centre's (``ticket_history.recipient_language``, as for a log).
* ``Idempotency-Key`` is required, as for every write that must not happen twice: the key
  row is claimed in the transaction that writes the history entry, after the message is
  ready and before it is handed over; a retry with the same key answers the first answer
  and sends nothing again. If the e-mail can go nowhere, nothing is written (503).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import Role
from server.db import models as db
from server.documents import intervention, rendered
from server.errors import Invalid
from server.i18n import N_, _, language, using
from server.services import events, idempotency, mail
from server.services.tenancy import get_scoped, require_role
from server.services.ticket_history import MailFailed, recipient_language
from server.settings import Settings


def path(ticket_id: int) -> str:
    return f"/tickets/{ticket_id}/intervention/email"


async def email_report(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    body: wire.ReportEmailRequest,
    key_header: str | None,
    *,
    settings: Settings,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> tuple[str, bool]:
    """E-mail the report; the answer's JSON, and whether it is a replay of an earlier one."""
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    require_role(user, Role.TECHNICIAN, Role.MANAGER)
    key = idempotency.check_key(key_header, N_("e-mailing the intervention report"))
    digest = idempotency.request_hash("POST", path(ticket_id), body)
    hit = await idempotency.stored(session, user.id, key, digest)
    if hit is not None:
        return hit.body, True
    to = body.to
    if not to:
        customer = await session.get(db.Customer, ticket.customer_id)
        to = customer.email.strip() if customer is not None else ""
        if not to:
            raise Invalid(
                _("the customer has no e-mail address: give one"),
                fields={"to": _("an e-mail address, e.g. name@example.com")},
            )
    lang = await recipient_language(session, to, ticket, user)
    with using(lang):
        report = await intervention.load(session, ticket_id, user, now, zone)
        document = await rendered(lambda: intervention.build(report, zone))
        centre = report.centre
        subject = _("Intervention report · ticket {ticket}").format(ticket=ticket_id)
        text = _(
            "Please find attached the intervention report of ticket {ticket} "
            "(appliance {model}, serial number {serial})."
        ).format(
            ticket=ticket_id,
            model=report.closing.model_code,
            serial=report.closing.serial_number or "-",
        )
        written = language()
    signature = user.full_name + (f", {centre.name} ({centre.code})" if centre else "")
    message = mail.compose(
        settings=settings,
        to=to,
        subject=subject,
        body=f"{text}\n\n-- \n{signature}\n",
        reply_to=user.email or None,
        now=now,
        language=written,
        attachments=[
            mail.Attachment(intervention.file_name(ticket_id), document, "application/pdf")
        ],
    )
    user_id, ticket_status, author = user.id, ticket.status, user.full_name
    if not await idempotency.claim(session, user_id, key, digest, now):
        hit = await idempotency.stored(session, user_id, key, digest)
        assert hit is not None
        return hit.body, True
    try:
        delivery = await mail.deliver(settings, message, what=f"ticket {ticket_id} report")
    except mail.MailUndeliverable as exc:
        await session.rollback()
        raise MailFailed(str(exc)) from exc
    event = events.report_emailed()
    session.add(
        db.HistoryEntry(
            ticket_id=ticket_id,
            at=now,
            author_id=user_id,
            author_name=author,
            status=ticket_status,
            appointment_at=None,
            type=wire.HistoryType.EMAIL.value,
            event=event.code.value,
            params=event.params,
            note="",
            email_to=to,
            email_delivery=delivery.value,
        )
    )
    answer = wire.ReportEmailed(
        ticket_id=ticket_id, to=to, language=written, delivery=delivery
    ).model_dump_json()
    await idempotency.record(session, user_id, key, 200, answer)
    await session.commit()
    return answer, False
