"""``make i18n``: English is the source language, so its catalogues say each message as
written. Fills every empty English entry with its own text (plural forms included) and
keeps each file's header stable (the POT-Creation-Date is not rewritten on every run).

    python tui/locale/fill_english.py PO_FILE [PO_FILE ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill(path: Path) -> int:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not all(message.string):
                message.string = (message.id[0], message.id[1])
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    if filled:
        with path.open("wb") as handle:
            write_po(
                handle, catalog, width=100, omit_header=False, no_location=True, sort_output=True
            )
    return filled


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {fill(Path(name))} English entries filled")
