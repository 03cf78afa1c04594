"""Signing in with the keyboard, against the real backend."""

from __future__ import annotations

from textual.widgets import Input, Static

from tui.screens.home import HomeScreen
from tui.screens.login import LoginScreen


async def type_credentials(pilot, username: str, password: str) -> None:
    await pilot.press(*username)
    await pilot.press("tab")
    await pilot.press(*password)
    await pilot.press("enter")


async def settle(app, pilot) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_good_login_lands_on_home(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "Connected" in str(app.screen.query_one("#server-status", Static).render())
        await type_credentials(pilot, "tech", "demo")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.user is not None and app.user.username == "tech"


async def test_the_garbage_collector_is_on_again_once_the_home_screen_is_painted(
    make_tui,
) -> None:
    """``sav`` starts with the collector off (tui.cli.run_tui); the sign-in turns it on,
    with what exists then frozen."""
    import gc

    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        gc.disable()
        try:
            await type_credentials(pilot, "tech", "demo")
            await settle(app, pilot)
            assert isinstance(app.screen, HomeScreen)
            assert gc.isenabled()
            # what the start-up made is set aside: the passes while working skip it
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()
            gc.enable()


async def test_wrong_password_is_answered_inline_and_keeps_the_fields(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_credentials(pilot, "tech", "oops")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert "Wrong user name or password" in str(
            screen.query_one("#login-error", Static).render()
        )
        assert screen.query_one("#username", Input).value == "tech"
        assert screen.query_one("#password", Input).value == "oops"
        assert app.focused is screen.query_one("#password", Input)


async def test_empty_user_name_is_refused_before_calling_the_server(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("tab", *"demo", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert "Enter your user name" in str(screen.query_one("#username-error").render())
        assert app.focused is screen.query_one("#username", Input)
        assert app.user is None


async def test_demo_account_key_fills_the_form(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        screen = app.screen
        assert screen.query_one("#username", Input).value == "tech"
        assert screen.query_one("#password", Input).value == "demo"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_remembered_token_skips_the_login_next_time(make_tui) -> None:
    first = make_tui()
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(first, pilot)
        await type_credentials(pilot, "tech", "demo")  # "remember" is ticked by default
        await settle(first, pilot)
        assert first.token_store_name == "memory"  # no keyring on the test machine
    key = first.backend.credential_key
    second = make_tui()
    second.backend.credential_key = key  # type: ignore[misc]
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(second, pilot)
        assert isinstance(second.screen, HomeScreen)
        assert second.user is not None and second.user.username == "tech"


async def test_sign_out_revokes_and_returns_to_login(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_credentials(pilot, "tech", "demo")
        await settle(app, pilot)
        token = app.client.token
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.client.token is None
        from client.api import AuthError

        app.client.token = token
        try:
            await app.client.me()
        except AuthError:
            pass
        else:
            raise AssertionError("the token still works after signing out")


async def test_language_follows_the_user_profile(make_tui) -> None:
    app = make_tui(language="en", language_forced=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_credentials(pilot, "tech", "demo")  # tech's profile says French
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        title = str(app.screen.query_one("#home-title").render())
        assert title == "Ce qui vous attend aujourd'hui"
        merged = HomeScreen._merged_bindings
        assert merged is not None
        footer_descriptions = {b.description for bs in merged.key_to_bindings.values() for b in bs}
        assert "Actualiser" in footer_descriptions
    from tui import i18n

    i18n.set_language("en")


async def test_backend_unreachable_says_what_was_tried(tmp_path) -> None:
    import httpx

    from client.api import SavClient
    from tui.app import SavApp
    from tui.backend import ClientBackend

    transport = httpx.AsyncHTTPTransport(uds=str(tmp_path / "none.sock"))
    client = SavClient(httpx.AsyncClient(transport=transport, base_url="http://x"), retries=0)
    app = SavApp(ClientBackend(client, label="unix:none.sock"), language="en", language_forced=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        status = str(app.screen.query_one("#server-status", Static).render())
        assert "Tried unix:none.sock" in status
        assert "F5" in status


async def test_a_burst_of_keys_lands_in_the_right_fields(make_tui) -> None:
    """A fast typist (or a paste) sends "tech<Tab>demo<Enter>" before any is handled:
    every key must reach the field that has focus by then, and Enter must sign in."""
    from textual import events

    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        burst = [*"tech", "\t", *"wrong", "\r"]
        names = {"\t": "tab", "\r": "enter"}
        for char in burst:  # queued all at once, as a terminal delivers them
            app.post_message(events.Key(names.get(char, char), char))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert screen.query_one("#username", Input).value == "tech"
        assert screen.query_one("#password", Input).value == "wrong"
        assert "Wrong user name or password" in str(screen.query_one("#login-error").render())
        for char in [*"demo", "\r"]:  # the wrong password is selected: typing replaces it
            app.post_message(events.Key(names.get(char, char), char))
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_unticking_remember_forgets_an_earlier_token(make_tui) -> None:
    from client.credentials import CredentialStore

    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        store = CredentialStore(app.backend.credential_key)
        store.save("tech", "token-kept-by-an-earlier-session")  # e.g. another terminal's
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        screen.query_one("#remember").value = False
        await type_credentials(pilot, "tech", "demo")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.token_store_name is None
        assert CredentialStore(app.backend.credential_key).load() is None


async def test_f3_switches_the_login_screen_at_once_and_this_terminal_remembers_it(
    make_tui,
) -> None:
    """F3 on the login screen: the screen speaks the next language at once, what was typed
    stays, config.json remembers it; the choice counts as explicit: after sign-in it wins
    over the profile's language (tech's is French)."""
    from client.profiles import load_settings
    from tui import i18n

    app = make_tui(language="fr", language_forced=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, LoginScreen)
            assert screen.query_one("#login-box").border_title == "Connexion"
            await pilot.press(*"tech")
            await pilot.press("f3")  # fr -> it
            await settle(app, pilot)
            assert i18n.language() == "it"
            assert screen.query_one("#login-box").border_title == "Accedi"
            assert "Italiano" in str(screen.query_one("#language-label", Static).render())
            assert "Connesso" in str(screen.query_one("#server-status", Static).render())
            assert screen.query_one("#username", Input).value == "tech"
            assert app.focused is screen.query_one("#username", Input)
            footer = {b.description for bs in screen._bindings.key_to_bindings.values() for b in bs}
            assert {"Lingua", "Account demo"} <= footer
            assert load_settings().language == "it"
            await pilot.press("tab", *"demo", "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, HomeScreen)
            assert str(app.screen.query_one("#home-title").render()) == "Cosa ti aspetta oggi"
            assert app.client is not None and app.client.language == "it"
    finally:
        i18n.set_language("en")


async def test_the_remembered_language_is_only_what_the_login_screen_shows_first(
    make_tui,
) -> None:
    """Started in the language remembered on this terminal (not forced): after sign-in the
    user's own language wins (the operator's profile is Italian)."""
    from tui import i18n

    app = make_tui(language="fr", language_forced=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            assert app.screen.query_one("#login-box").border_title == "Connexion"
            await type_credentials(pilot, "operator", "demo")
            await settle(app, pilot)
            assert isinstance(app.screen, HomeScreen)
            assert i18n.language() == "it"
            assert str(app.screen.query_one("#home-title").render()) == "Cosa ti aspetta oggi"
    finally:
        i18n.set_language("en")


async def test_lang_it_after_sign_in_is_italian_and_remembered(make_tui) -> None:
    from client.profiles import load_settings
    from tui import i18n

    app = make_tui(language="en", language_forced=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await type_credentials(pilot, "tech", "demo")  # tech's profile: French
            await settle(app, pilot)
            assert i18n.language() == "fr"
            await pilot.press("colon", *"lang it", "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, HomeScreen)
            assert str(app.screen.query_one("#home-title").render()) == "Cosa ti aspetta oggi"
            assert app.language_forced
            assert load_settings().language == "it"
    finally:
        i18n.set_language("en")


async def test_a_broken_settings_file_is_not_overwritten_by_a_language_choice(make_tui) -> None:
    from client.profiles import config_path
    from tui import i18n

    path = config_path()
    path.write_text("{not json", encoding="utf-8")
    app = make_tui(language="en", language_forced=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("f3")
            await settle(app, pilot)
            assert i18n.language() == "fr"  # switched all the same
            assert path.read_text(encoding="utf-8") == "{not json"
    finally:
        i18n.set_language("en")


async def test_lang_before_sign_in_redraws_the_login_screen(make_tui) -> None:
    """``:lang it`` (from the palette, before anyone signs in) does what F3 does."""
    from client.profiles import load_settings
    from tui import i18n
    from tui.command_line import Command, run

    app = make_tui(language="en", language_forced=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press(*"operator")
            run(app, Command("lang", "it"))
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, LoginScreen)
            assert screen.query_one("#login-box").border_title == "Accedi"
            assert screen.query_one("#username", Input).value == "operator"
            assert load_settings().language == "it"
            assert app.language_forced
    finally:
        i18n.set_language("en")
