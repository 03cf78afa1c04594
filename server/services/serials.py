"""What a full serial number says: the model's 5-digit series, the production date
``YYMMDD`` and a 7-digit progressive number (18 digits, DOMAIN.md). Older serials (the
seed's ``123345``) say nothing."""

from __future__ import annotations

import datetime as dt

FULL_LENGTH = 18


def production_date(serial: str) -> dt.date | None:
    """The production date a full serial number carries; None for any other serial."""
    text = serial.strip()
    if len(text) != FULL_LENGTH or not text.isdigit():
        return None
    try:
        return dt.date(2000 + int(text[5:7]), int(text[7:9]), int(text[9:11]))
    except ValueError:
        return None
