"""The PDFs through SavClient: fetched, saved under the data folder's exports, sent to the
configured print command (a tiny script standing in for ``lp``: it copies the file it is
given), a failing printer reported without losing the file; the report e-mailed."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

from client import documents, profiles
from client.api import NotFoundError

SEED = 116470  # verified, the seed's 160.75

FAKE_LP = """\
import shutil, sys
shutil.copy(sys.argv[-1], {target!r})
print("request id is fake-1 (1 file(s))")
"""
BROKEN_LP = """\
import sys
sys.stderr.write("lp: The printer or class does not exist.\\n")
sys.exit(1)
"""


def _command(tmp_path: Path, script: str, name: str, **names: object) -> str:
    path = tmp_path / name
    path.write_text(script.format(**names))
    return f"'{sys.executable}' -I '{path}' --copies 1"


async def test_a_pdf_is_saved_in_the_exports_and_sent_to_the_print_command(
    signed_in, tmp_path: Path
) -> None:
    tech = await signed_in("tech")
    content = await tech.intervention_pdf(SEED)
    assert content.startswith(b"%PDF-")
    printed_copy = tmp_path / "printed.pdf"
    command = _command(tmp_path, FAKE_LP, "fake_lp.py", target=str(printed_copy))
    done = await documents.deliver(
        content, documents.file_name("intervention", SEED), print_command=command
    )
    assert done.path == profiles.data_dir() / "exports" / f"intervention-{SEED}.pdf"
    assert done.path.read_bytes() == content
    assert done.printed is not None and done.printed.ok, done.printed
    assert printed_copy.read_bytes() == content
    # a printer that fails is reported; the file stays saved
    broken = _command(tmp_path, BROKEN_LP, "broken_lp.py")
    order = await tech.order_pdf(await _an_order(tech))
    assert order.startswith(b"%PDF-")
    failed = await documents.deliver(order, "order-x.pdf", print_command=broken)
    assert failed.path.read_bytes() == order
    assert failed.printed is not None and not failed.printed.ok
    assert "exit status 1" in failed.printed.error
    assert "printer or class does not exist" in failed.printed.error
    missing = await documents.print_file("no-such-printer-command-xyz", failed.path)
    assert not missing.ok and "no-such-printer-command-xyz" in missing.error


async def _an_order(client) -> int:
    from client.models import OrderQuery

    page = await client.search_orders(OrderQuery(), limit=1)
    return int(page.items[0].id)


def test_file_names_carry_the_number_and_nothing_else() -> None:
    assert documents.file_name("voucher", "BP249050260001") == "voucher-BP249050260001.pdf"
    assert documents.file_name("order", "../../etc/passwd") == "order-etc-passwd.pdf"


def test_the_print_command_is_read_from_the_settings(tmp_path: Path) -> None:
    profiles.config_path().write_text('{"print_command": "lp -d \\"Salle SAV\\""}')
    assert profiles.load_settings().print_command == 'lp -d "Salle SAV"'
    profiles.config_path().write_text('{"print_command": "lp -d \\"unclosed"}')
    broken = profiles.load_settings()
    assert broken.print_command is None and "print_command" in broken.warnings[0]


async def test_the_report_is_e_mailed_once_per_key(signed_in) -> None:
    tech = await signed_in("tech")
    key = uuid.uuid4().hex
    sent = await tech.email_intervention(SEED, to="atelier@example.com", idempotency_key=key)
    again = await tech.email_intervention(SEED, to="atelier@example.com", idempotency_key=key)
    assert sent == again and sent.to == "atelier@example.com" and sent.delivery == "outbox"
    with pytest.raises(NotFoundError):
        await (await signed_in("tech2")).email_intervention(SEED, idempotency_key=key)
