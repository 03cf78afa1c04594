"""Cells shared by the cart, checkout and order lists: codes, amounts, quantities."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui.i18n import _
from tui.widgets.form import FieldError


def right(text: str) -> Text:
    """A cell aligned right (amounts, quantities)."""
    return Text(text, justify="right")


def code_cell(line: Any) -> str:
    """The ordered code, marked ``R`` when a supersession replaced the requested one."""
    replaced = line.ordered_code != line.requested_code
    return f"{line.ordered_code}{' R' if replaced else ''}"


def parse_quantity(name: str, text: str) -> int:
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= 9999:
        raise FieldError(name, _("A whole number from 1 to 9999: {text}").format(text=text or "-"))
    return int(text)


def parse_ticket(name: str, text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise FieldError(name, _("A ticket number is digits only: {arg}").format(arg=text))
    return int(text)
