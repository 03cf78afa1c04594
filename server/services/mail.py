"""E-mailing a ticket's log or its intervention report (a PDF attached): through SMTP when
one is configured, else into the outbox folder.

An e-mail is never silently dropped: it is handed to the SMTP server (``sent``), or, when
none is configured or it fails, written as an ``.eml`` file into the outbox folder
(``outbox``), from where a person or a script can send it. If even that fails, the caller
gets an error and records nothing.

The log names neither the recipient nor the content (contact data never reaches a log);
an SMTP failure is logged by its kind only, since servers quote addresses in their replies.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import smtplib
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy.engine import make_url

from client.models import EmailDelivery
from server.i18n import _
from server.settings import Settings

log = logging.getLogger("sav.mail")


class MailUndeliverable(Exception):
    """Neither the SMTP server nor the outbox folder took the message."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (a PDF document)."""

    filename: str
    content: bytes
    mime_type: str = "application/pdf"


def outbox_dir(settings: Settings) -> Path:
    """The configured outbox, else ``outbox/`` beside the SQLite file, else in the cwd."""
    if settings.outbox_dir is not None:
        return settings.outbox_dir
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().resolve().parent / "outbox"
    return Path("outbox").resolve()


def compose(
    *,
    settings: Settings,
    to: str,
    subject: str,
    body: str,
    reply_to: str | None,
    now: dt.datetime,
    language: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """The message; ``language`` (of its subject and text) goes into ``Content-Language``;
    ``attachments`` make it multipart/mixed, the text first."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    message.set_content(body)
    for attachment in attachments:
        maintype, _sep, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    if language:  # last: set_content clears the Content-* headers, add_attachment moves them
        message["Content-Language"] = language
    return message


async def deliver(settings: Settings, message: EmailMessage, *, what: str) -> EmailDelivery:
    """Send ``message``; on no SMTP or its failure, write it to the outbox. ``what`` names it
    in the log (e.g. "ticket 116496"), never its recipient."""
    if settings.smtp_host:
        try:
            await asyncio.to_thread(_send, settings, message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning(
                "e-mail for %s: SMTP server %s:%s failed (%s); writing it to the outbox",
                what,
                settings.smtp_host,
                settings.smtp_port,
                type(exc).__name__,
            )
        else:
            log.info("e-mail for %s: handed to the SMTP server", what)
            return EmailDelivery.SENT
    folder = outbox_dir(settings)
    try:
        path = await asyncio.to_thread(_write_outbox, folder, message)
    except OSError as exc:
        log.error("e-mail for %s: cannot write to the outbox %s (%s)", what, folder, exc)
        raise MailUndeliverable(
            _("the e-mail could not be sent nor kept in the outbox; nothing was recorded")
        ) from exc
    log.info("e-mail for %s: written to the outbox as %s", what, path.name)
    return EmailDelivery.OUTBOX


def _send(settings: Settings, message: EmailMessage) -> None:
    assert settings.smtp_host
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_username, password)
        smtp.send_message(message)


def _write_outbox(folder: Path, message: EmailMessage) -> Path:
    """Write the message whole (a temporary name, then renamed), readable by its owner only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    target = folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
    partial = target.with_name(target.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(message.as_bytes())
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
