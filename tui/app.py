"""SavApp: global keys, the session (backend, client, user), and the wiring between screens.

Screens live in ``tui/screens`` (one a file), reusable widgets in ``tui/widgets``; the
methods that open them by name (``open_ticket`` and the like) in ``tui.navigation``.
Every backend call runs in a worker that posts a message from ``tui.messages``;
the handlers here own the state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import Notify
from textual.worker import Worker, WorkerState

from tui import appearance, collector, glyphs, i18n, textual_fixes
from tui.appearance import Appearance
from tui.backend import Backend, BackendUnavailable
from tui.commands import SavCommands
from tui.i18n import N_, _, localized, ngettext
from tui.message_line import MessageLine
from tui.messages import CartCountChanged, Connected, ConnectionFailed, SignedIn, SignInFailed
from tui.navigation import Navigation
from tui.screens.login import LoginScreen
from tui.type_ahead import TypeAheadApp
from tui.wire import WireApp, set_cursor_blink

textual_fixes.release_styles_caches()


def _import_soon(name: str) -> None:
    """Import a module in a thread, now: a screen that comes next (the home screen after the
    sign-in) finds it loaded. An error is left for the import where the module is used."""
    import importlib
    import threading

    def run() -> None:
        try:
            importlib.import_module(name)
        except Exception:  # said where the module is used, as without this thread
            pass

    threading.Thread(target=run, name=f"import-{name}", daemon=True).start()


if TYPE_CHECKING:
    from textual.notifications import Notification

    from client.api import SavClient
    from client.credentials import CredentialStore
    from client.models import Health, User
    from tui.command_line import Command
    from tui.keymap import UserKeymap


@localized
class SavApp(TypeAheadApp, WireApp, Navigation):
    """The sav terminal client.

    Keys go through ``tui.type_ahead``: typed ahead of the screen, they still reach, in
    order, the screen and field that would have had them. Output goes through
    ``tui.wire``: only the cells that changed are written. Screens opened by name come
    from ``tui.navigation``."""

    CSS_PATH = "app.tcss"
    # Notifications go to the message line (tui.message_line), not over the screen's content.
    DEFAULT_CSS = "Toast { display: none; }"
    TITLE = "sav"
    COMMANDS = App.COMMANDS | {SavCommands}
    BINDINGS = [
        # priority: F1 works on every screen, forms and dialogs included (Textual leaves
        # the app's other keys out of a modal screen's chain)
        Binding("f1", "help", N_("Help"), id="help", priority=True,
                tooltip=N_("Keys and commands for this screen")),
        Binding("question_mark", "help", N_("Help"), show=False, id="help-alt"),
        Binding("colon", "command_line", N_("Command"), id="command-line",
                tooltip=N_("Type a short command, e.g. :t 116496")),
        Binding("escape", "back", N_("Back"), show=False, id="back"),
        # Declared here (Textual adds it in App.__init__ otherwise), so that it
        # survives the re-translation of bindings when the language changes.
        Binding("ctrl+p", "command_palette", N_("Palette"), show=False, priority=True,
                id="palette", tooltip=N_("Open the command palette")),
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True),
    ]  # fmt: skip

    def __init__(
        self,
        backend: Backend,
        *,
        language: str | None = None,
        language_forced: bool = False,
        store_token_in_file: bool = False,
        remember_default: bool = True,
        csv_format: str = "spreadsheet",
        colours: appearance.Colours | None = None,
        glyph_mode: glyphs.Mode | None = None,
        glyph_setting: str | None = None,
        keymap: UserKeymap | None = None,
        cursor_blink: bool = False,
        print_command: str | None = None,
    ) -> None:
        """``colours`` and ``glyph_mode`` force what is otherwise found from the terminal
        (``NO_COLOR``, ``TERM``, ``SAV_GLYPHS``) and ``glyph_setting`` (config.json).
        ``keymap``: the user's keys (``tui.keymap``; its ids are checked once the first
        frame is painted). ``cursor_blink``: whether text fields' cursors blink (config.json's
        ``cursor_blink``; off, an idle screen sends nothing). ``print_command``: where F7's
        PDFs are sent once saved (config.json's ``print_command``; none: only saved)."""
        super().__init__()
        set_cursor_blink(cursor_blink)
        found = appearance.detect(self.console.color_system, glyph_setting)
        self.look = Appearance(colours or found.colours, glyph_mode or found.glyphs)
        appearance.install(self, self.look)
        self.stylesheet.set_variables(self.get_css_variables())
        self.backend = backend
        self.language_forced = language_forced
        self.store_token_in_file = store_token_in_file
        self.csv_format = csv_format
        """How F6 exports tickets: ``spreadsheet`` or ``machine`` (config.json's ``csv``)."""
        self.print_command = print_command
        """The command F7's PDFs are sent to, their path appended (``lp -d PRINTER``)."""
        self.remember_default = remember_default
        self.client: SavClient | None = None
        self.health: Health | None = None
        self.user: User | None = None
        self.token_store_name: str | None = None
        self.cart_count = 0
        self._store: CredentialStore | None = None
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
        """The time screens count from (an SLA clock); tests pin it with the server's."""
        self.message_line = MessageLine(self)
        self._key_notice: Notification | None = None
        self.user_keymap = keymap
        if keymap is not None and keymap.keys:
            self.set_keymap(keymap.keys)
        i18n.set_language(language or "en")
        i18n.refresh_node_bindings(self)

    look = Appearance()
    """Colours and glyphs of this terminal (``tui.appearance``)."""

    def get_css_variables(self) -> dict[str, str]:
        return appearance.css_variables(super().get_css_variables(), self.look)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as the keyboard writes them (F1 and Esc, not f1 and esc), in glyphs this
        terminal has."""
        display = super().get_key_display(binding)
        if display[:1] == "f" and display[1:].isdigit():
            display = display.upper()
        elif display == "esc":
            display = "Esc"
        return glyphs.text(display)

    # ------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        self.wire_start()
        self.push_screen(LoginScreen())
        self.set_timer(collector.RESUME_AT_MOST, collector.resume)
        # Connecting imports the HTTP client, which would compete with the first frame
        # for the interpreter: paint first, then connect.
        self.call_after_refresh(self.connect)
        if self.user_keymap is not None and self.user_keymap.path is not None:
            self.call_after_refresh(self.check_keymap)

    def check_keymap(self) -> None:
        """The user's keys against every screen's bindings: what is wrong is said (the
        rest applies), in a message and in F1."""
        from tui import keymap

        user = self.user_keymap
        if user is None:
            return
        keymap.check(user)
        self.set_keymap(user.keys)
        if user.problems:
            count = len(user.problems)
            self.notify(
                ngettext(
                    "{n} problem in your keys, the others apply (F1, sav keys): {first}",
                    "{n} problems in your keys, the others apply (F1, sav keys): {first}",
                    count,
                ).format(n=count, first=user.problems[0].text(user.path)),
                severity="warning",
                timeout=15,
                markup=False,
            )

    @work(exclusive=True, group="background-connect", exit_on_error=False)
    async def connect(self) -> None:
        """Reach the backend (after the first frame: this imports the HTTP client)."""
        try:
            client, health = await self.backend.connect()
        except BackendUnavailable as exc:
            self.post_message(ConnectionFailed(exc))
            return
        self.post_message(Connected(client, health))

    @on(Connected)
    def _connected(self, message: Connected) -> None:
        self.client, self.health = message.client, message.health
        self.client.language = i18n.language()  # the server answers in the interface's language
        self.client.time_zone = i18n.system_time_zone()  # and gives moments in ours
        if isinstance(self.screen, LoginScreen):
            self.screen.show_connected(message.health)
        self.resume_session()
        _import_soon("tui.screens.home")  # while the sign-in is on its way

    @on(ConnectionFailed)
    def _connection_failed(self, message: ConnectionFailed) -> None:
        if isinstance(self.screen, LoginScreen):
            self.screen.show_unreachable(message.error)

    def retry_connect(self) -> None:
        if self.client is None:
            self.connect()

    # ------------------------------------------------------------------ credentials

    def credential_store(self) -> CredentialStore:
        if self._store is None:
            from client.credentials import CredentialStore

            self._store = CredentialStore(
                self.backend.credential_key, allow_file=self.store_token_in_file
            )
        return self._store

    @work(exclusive=True, group="background-resume", exit_on_error=False)
    async def resume_session(self) -> None:
        """Sign in silently with a remembered token, if there is one that still works."""
        import asyncio

        from client.api import AuthError, SavError

        assert self.client is not None
        store = self.credential_store()
        stored = await asyncio.to_thread(store.load)
        if stored is None:
            return
        self.client.token = stored.token
        try:
            user = await self.client.me()
        except AuthError:
            self.client.token = None
            await asyncio.to_thread(store.clear)
            return
        except SavError:
            self.client.token = None
            return
        self.post_message(SignedIn(user, remembered_in=stored.store))

    @work(exclusive=True, group="session", exit_on_error=False)
    async def sign_in(self, username: str, password: str, remember: bool) -> None:
        import asyncio

        from client.api import SavError, ThrottledError, ValidationFailed

        if self.client is None:
            self.post_message(SignInFailed(_("Not connected to the server yet.")))
            return
        try:
            answer = await self.client.login(username, password)
        except ThrottledError as exc:
            wait = exc.retry_after or 60
            self.post_message(
                SignInFailed(_("Too many failed attempts: try again in {s} s.").format(s=wait))
            )
            return
        except ValidationFailed as exc:
            self.post_message(SignInFailed(exc.message, tuple(exc.fields)))
            return
        except SavError as exc:
            if exc.status == 401:
                text = _("Wrong user name or password.")
                self.post_message(SignInFailed(text, ("username", "password")))
            else:
                self.post_message(SignInFailed(exc.message))
            return
        if not self.language_forced:  # what follows (where the token went) in their language
            self.set_language(answer.user.language.value)
        stored_in = None
        store = self.credential_store()
        if remember:
            stored_in = await asyncio.to_thread(
                store.save, answer.user.username, answer.access_token
            )
        else:  # not remembered: forget whatever an earlier session kept
            await asyncio.to_thread(store.clear)
        if stored_in == "memory":  # the usual case over SSH: say it in the user's language
            self.notify(
                _(
                    "No usable keyring here: the token is kept for this session only. "
                    "sav --store-token-in-file keeps it in a 0600 file."
                ),
                severity="warning",
                timeout=8,
            )
        elif store.warnings:
            self.notify("\n".join(store.warnings), severity="warning", timeout=8)
        store.warnings.clear()
        self.post_message(SignedIn(answer.user, remembered_in=stored_in))

    @on(SignedIn)
    def _signed_in(self, message: SignedIn) -> None:
        from tui.screens.home import HomeScreen

        if self.user is not None:  # a remembered token and a typed sign-in both answered
            return
        self.user = message.user
        self.token_store_name = message.remembered_in
        if not self.language_forced:
            self.set_language(message.user.language.value)
        self.switch_screen(HomeScreen())
        self.call_after_refresh(collector.resume)
        self.load_cart_count()

    @on(SignInFailed)
    def _sign_in_failed(self, message: SignInFailed) -> None:
        if isinstance(self.screen, LoginScreen):
            self.screen.show_error(message.message, message.fields)

    def choose_language(self, code: str) -> None:
        """A language the user chose (F3 on the login screen, ``:lang``): it wins over their
        profile's for the rest of this session (as ``--lang`` does), and this terminal
        remembers it (config.json's ``language``): the login screen shows it first next time."""
        self.language_forced = True
        self.set_language(code)
        self.remember_language(i18n.language())

    def relabel_login(self) -> None:
        """The login screen again, in the interface's language (what was typed kept)."""
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.call_later(screen.relabel)

    def remember_language(self, code: str) -> None:
        from client import profiles

        settings = profiles.load_settings()
        if settings.warnings:  # a broken file: say so, and keep it for its owner to mend
            self.notify(settings.warnings[0], severity="warning", markup=False)
            return
        if settings.language == code:
            return
        settings.language = code
        try:
            profiles.save_settings(settings)
        except OSError as exc:
            self.notify(
                _("Could not remember the language: {e}").format(e=exc.strerror or exc),
                severity="warning",
                markup=False,
            )

    def set_language(self, code: str) -> None:
        i18n.set_language(code)
        if self.client is not None:
            self.client.language = i18n.language()
        i18n.refresh_node_bindings(self)
        for screen in self.screen_stack:
            i18n.refresh_node_bindings(screen)
        self.refresh_bindings()

    @work(exclusive=True, group="session", exit_on_error=False)
    async def sign_out(self) -> None:
        import asyncio

        from client.api import SavError

        if self.client is not None:
            try:
                await self.client.logout()
            except SavError as exc:
                self.notify(exc.message, severity="warning")
        await asyncio.to_thread(self.credential_store().clear)
        self.user = None
        self.switch_screen(LoginScreen())
        self.notify(_("Signed out."))

    # ------------------------------------------------------------------ actions

    def action_help(self) -> None:
        """F1: help for where you are; F1 again closes it."""
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.screen, self.focused, self.backend.label))

    def action_command_line(self) -> None:
        from tui.screens.command_line import CommandLineScreen

        if not isinstance(self.screen, CommandLineScreen):
            self.push_screen(CommandLineScreen(), self.run_command)

    def action_back(self) -> None:
        """Esc: back one level; never quits."""
        if len(self.screen_stack) > 2:
            self.pop_screen()

    def action_sign_out(self) -> None:
        if self.user is not None:
            self.sign_out()

    # ------------------------------------------------------------------ cart count, commands

    @work(exclusive=True, group="background-cart-count", exit_on_error=False)
    async def load_cart_count(self) -> None:
        from client.api import SavError

        if self.client is None or self.user is None or self.user.is_operator:
            return
        try:
            self.post_message(CartCountChanged(await self.client.cart_count()))
        except SavError:
            return  # the header simply shows no count

    @on(CartCountChanged)
    def _cart_count(self, message: CartCountChanged) -> None:
        from tui.widgets.session_bar import SessionBar

        self.cart_count = message.count
        for screen in self.screen_stack:
            for bar in screen.query(SessionBar):
                bar.show_cart(message.count)

    def not_built(self, area: str) -> None:
        self.notify(
            _("{area}: not built yet; it comes in a later version.").format(area=area),
            title=area,
        )

    def run_command(self, command: Command | None) -> None:
        """Carry out a command from the ``:`` line or the palette."""
        if command is None:
            return
        from tui.command_line import run

        run(self, command)

    # ------------------------------------------------------------------ keys

    def key_not_taken(self, event: events.Key) -> None:
        """A key nothing took: the bell and a short notice on the message line, saying
        whether the key does nothing here or its action is not possible now."""
        self.bell()
        if event.is_printable:
            name = event.character or event.key
        else:
            name = self.get_key_display(Binding(event.key, ""))
        bound = next(
            (
                binding
                for _node, bindings in self.screen._modal_binding_chain
                for binding in bindings.key_to_bindings.get(event.key, ())
                if binding.description
            ),
            None,
        )
        if bound is not None:
            text = _("{key} ({action}): not possible now.").format(
                key=name, action=_(bound.description)
            )
        else:
            text = _("{key}: nothing to do with it here (F1 lists the keys).").format(key=name)
        from textual.notifications import Notification

        if self._key_notice is not None and self._key_notice in self._notifications:
            self._unnotify(self._key_notice)  # one at a time
        self._key_notice = Notification(text, "", "warning", 3, markup=False)
        self.post_message(Notify(self._key_notice))

    # ------------------------------------------------------------------ messages

    def on_notify(self, event: Notify) -> None:
        """Every notification goes to the message line (Textual's toast is hidden)."""
        self.message_line.say(event.notification)

    def clear_notifications(self) -> None:
        super().clear_notifications()
        self.message_line.clear()

    def keys_waiting(self, count: int) -> None:
        from tui.widgets.session_bar import SessionBar

        for bar in self.screen.query(SessionBar):
            bar.show_waiting(count)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Safety net: a worker that raised becomes a notification, never a traceback."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            text = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
            self.notify(str(text), title=_("Something went wrong"), severity="error", timeout=10)

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        await self.backend.close()
