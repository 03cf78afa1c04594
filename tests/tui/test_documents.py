"""F7 on the voucher screen at 80x24, against the real backend: the PDF is saved under the
data folder's exports, sent to the print command (a tiny script standing in for ``lp``: it
copies the file it is given), and the message line says where it is and that it printed."""

from __future__ import annotations

import sys
from pathlib import Path

from client import profiles
from tests.tui.test_catalogue import wait
from tests.tui.test_home import signed_in_home
from tui.screens.voucher import VoucherScreen

FAKE_LP = "import shutil, sys\nshutil.copy(sys.argv[-1], {target!r})\n"


async def test_f7_on_a_voucher_saves_its_pdf_and_prints_it(
    make_tui, signed_in, tmp_path: Path
) -> None:
    voucher = (await (await signed_in("tech")).search_vouchers(limit=1)).items[0]
    printed = tmp_path / "printed.pdf"
    script = tmp_path / "fake_lp.py"
    script.write_text(FAKE_LP.format(target=str(printed)))
    app = make_tui(print_command=f"'{sys.executable}' -I '{script}' -d atelier")
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        app.push_screen(VoucherScreen(voucher.id))
        await wait(app, pilot)
        assert isinstance(app.screen, VoucherScreen) and app.screen.voucher is not None
        await pilot.press("f7")
        await wait(app, pilot, 5)
        saved = profiles.data_dir() / "exports" / f"voucher-{voucher.number}.pdf"
        assert saved.read_bytes().startswith(b"%PDF-")
        assert printed.read_bytes() == saved.read_bytes()
        said = app.message_line.current
        assert said is not None and said.severity == "information"
        assert str(saved) in said.text and "sent to the printer" in said.text
        assert isinstance(app.screen, VoucherScreen)  # the screen stays where it was
