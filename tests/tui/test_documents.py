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


async def test_f7_and_f8_on_the_closing_form_save_the_draft_then_make_and_mail_the_report(
    make_tui, signed_in, tmp_path: Path
) -> None:
    from tests.tui.test_close_intervention import _confirmed
    from tests.tui.test_login import settle
    from tests.tui.test_ticket import SEED, open_ticket
    from tui.screens.close_intervention import CloseInterventionScreen
    from tui.screens.prompt import PromptScreen

    await _confirmed(signed_in)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CloseInterventionScreen) and screen.closing is not None
        assert screen.closing.version == 0  # nothing saved yet
        await pilot.press("f7")
        await wait(app, pilot, 5)
        saved = profiles.data_dir() / "exports" / f"intervention-{SEED}.pdf"
        assert saved.read_bytes().startswith(b"%PDF-")
        assert screen.closing.version == 1  # the draft was saved first
        said = app.message_line.current
        assert said is not None and str(saved) in said.text
        # F8: the address asked, the customer's offered; Enter sends
        await pilot.press("f8")
        for _ in range(50):  # the worker waits on the question: no wait_for_complete here
            await pilot.pause(0.05)
            if isinstance(app.screen, PromptScreen):
                break
        assert isinstance(app.screen, PromptScreen)
        customer = (await (await signed_in("tech")).ticket(SEED)).customer.email
        assert app.screen.value == customer
        await pilot.press("enter")
        await wait(app, pilot, 5)
        assert app.screen is screen
        said = app.message_line.current
        assert said is not None and customer in said.text and "outbox" in said.text
        history = await (await signed_in("tech")).ticket_history(SEED)
        assert history.items[0].email_to == customer
