"""F7 makes the PDF of what the screen shows (an intervention report, a payment voucher, an
order): the server renders it in the user's language, sav saves it under the data folder's
``exports`` and, when config.json names a ``print_command`` (``lp -d PRINTER``), sends it
there. The message line says where the file is, and whether the printer took it.

Everything runs in a worker: the screen keeps answering keys while the PDF is fetched,
saved and printed (``client.documents``); a failure is a message, never a traceback.

A screen that makes a PDF declares ``PDF_BINDING`` among its bindings and says what to fetch
in ``pdf_source``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual.binding import Binding

from tui.i18n import N_, _

if TYPE_CHECKING:
    from textual.screen import Screen

    from client.api import SavClient

Fetch = Callable[["SavClient"], Awaitable[bytes]]

PDF_BINDING = Binding(
    "f7", "pdf", N_("PDF"), id="pdf",
    tooltip=N_("Save this document as a PDF in the exports folder, and print it when a "
               "print command is set"),
)  # fmt: skip


async def produce(screen: Screen[object], fetch: Fetch, name: str) -> None:
    """Fetch the PDF, save it, print it; say how it went on the message line."""
    from client import documents
    from client.api import SavError

    app = screen.app
    client = getattr(app, "client", None)
    if client is None:
        return
    command = getattr(app, "print_command", None)
    try:
        content = await fetch(client)
        done = await documents.deliver(content, name, print_command=command)
    except SavError as exc:
        screen.notify(
            _("No PDF: {error}").format(error=exc.message), severity="error", markup=False
        )
        return
    except OSError as exc:
        screen.notify(
            _("The PDF could not be saved: {error}").format(error=exc.strerror or exc),
            severity="error",
            markup=False,
        )
        return
    if done.printed is None:
        screen.notify(_("PDF saved: {path}").format(path=done.path), markup=False, timeout=15)
    elif done.printed.ok:
        screen.notify(
            _("PDF saved: {path} · sent to the printer").format(path=done.path),
            markup=False,
            timeout=15,
        )
    else:
        screen.notify(
            _("PDF saved: {path} · the printer failed: {error}").format(
                path=done.path, error=done.printed.error
            ),
            severity="warning",
            markup=False,
            timeout=15,
        )


class Documents:
    """A screen whose F7 makes a PDF (see the module's text)."""

    def pdf_source(self) -> tuple[Fetch, str] | None:
        """(how to fetch the PDF, its file name), or None when there is none yet."""
        raise NotImplementedError

    def action_pdf(self) -> None:
        screen: Screen[object] = self  # type: ignore[assignment]
        source = self.pdf_source()
        if source is None:
            screen.notify(_("No document here yet."), severity="warning", markup=False)
            return
        screen.notify(_("Making the PDF…"), markup=False)
        # a background group: the keys typed meanwhile are not held for it (a slow printer
        # must not hold Enter on the screen; tui.type_ahead)
        screen.run_worker(
            produce(screen, *source), group="background-pdf", exclusive=True, exit_on_error=False
        )


__all__ = ["PDF_BINDING", "Documents", "Fetch", "produce"]
