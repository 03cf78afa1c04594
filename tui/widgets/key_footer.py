"""The footer: the keys of where you are, the most important first, and F1 always.

Textual's footer lists every key shown and lets the terminal cut the line: at 80 columns
F1 Help, ``: Command`` or ``^q Quit`` ended as ``: Comma`` or ``^q Q``, and a form (a modal
screen, without a footer of its own) showed the keys of the screen under it.

Here the keys come in the order of the binding chain (the focused widget's, the screen's,
then the app's: Help, Command, Quit), one per action, and those that do not fit whole are
left out from the end, never F1 Help; every key is still listed by F1. A modal screen gets
its own footer, with F1 Help added (Textual leaves the app's keys out of a modal's chain;
sav's F1 is a priority key, so it works there too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

HELP_ID = "help"
"""The id of the binding that is never left out."""
KEY_PADDING = 3
"""Cells around a key and its description: `` F1 Help `` (Textual's FooterKey)."""


class Entry(NamedTuple):
    binding: Binding
    enabled: bool
    tooltip: str


def app_binding(screen: Screen[object], binding_id: str) -> Binding | None:
    """The app's binding ``binding_id`` as the user's keymap makes it."""
    bindings = screen.app._bindings.copy()
    if screen.app._keymap:
        bindings.apply_keymap(screen.app._keymap)
    for _key, binding in bindings:
        if binding.id == binding_id:
            return binding
    return None


def _declared(node: object, binding: Binding) -> int:
    """Where ``binding`` is declared in its node's class (the order of its footer)."""
    merged = getattr(type(node), "_merged_bindings", None)
    if merged is not None and binding.id:
        for index, (_key, declared) in enumerate(merged):
            if declared.id == binding.id:
                return index
    return 10_000


def footer_entries(screen: Screen[object]) -> list[Entry]:
    """The keys to show on ``screen``, most important first: one per action, in the order
    of the binding chain, F1 Help included even on a modal screen."""
    entries: dict[str, Entry] = {}
    place: dict[str, tuple[int, int]] = {}
    nodes: list[object] = []
    for node, binding, enabled, tooltip in screen.active_bindings.values():
        if binding.show and binding.action not in entries:
            entries[binding.action] = Entry(binding, enabled, tooltip)
            if node not in nodes:
                nodes.append(node)
            place[binding.action] = (nodes.index(node), _declared(node, binding))
    # a key rebound by the user's keymap keeps the place of the binding it replaces
    entries = {a: entries[a] for a in sorted(entries, key=place.__getitem__)}
    if not any(e.binding.id == HELP_ID for e in entries.values()):
        help_binding = app_binding(screen, HELP_ID)
        if help_binding is not None:
            entries["app.help"] = Entry(help_binding, True, help_binding.tooltip)
    return list(entries.values())


def fit(entries: list[Entry], width: int, display: Callable[[Binding], str]) -> list[Entry]:
    """The entries that fit whole in ``width`` cells: the last ones are left out first,
    except Help."""

    def size(entry: Entry) -> int:
        return (
            cell_len(display(entry.binding)) + cell_len(entry.binding.description) + (KEY_PADDING)
        )

    kept = list(entries)
    while kept and sum(size(e) for e in kept) > width:
        for index in range(len(kept) - 1, -1, -1):
            if kept[index].binding.id != HELP_ID:
                del kept[index]
                break
        else:
            break  # Help alone is wider than the terminal
    return kept


class KeyFooter(Footer):
    """A footer that never cuts a key and always shows F1 Help (see the module's text)."""

    def __init__(self) -> None:
        super().__init__(show_command_palette=False)
        self._width = 0

    def _entries(self) -> list[Entry]:
        self._width = self.size.width or self.app.size.width
        return fit(footer_entries(self.screen), self._width, self.app.get_key_display)

    def _key(self, entry: Entry) -> FooterKey:
        binding = entry.binding
        key = FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            disabled=not entry.enabled,
            tooltip=entry.tooltip,
        )
        # Not data_bind(compact=...) as Textual's Footer does: that binding stays in this
        # footer's watchers after a recompose removes the key, and with it the key and its
        # styles (every binding change recomposes: dozens an hour).
        key.set_reactive(FooterKey.compact, self.compact)
        key.set_class(self.compact, "-compact", update=False)
        return key

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        for entry in self._entries():
            yield self._key(entry)

    async def recompose(self) -> None:
        """The keys again, after a change of focus or of what a key does: the keys there
        take the new texts in place, and only the ones missing are mounted (or the ones in
        excess removed). Textual removes and mounts every key, each styled anew: a search
        line's first character (``: Command`` leaves the footer) cost a keystroke 40 ms."""
        if not self.is_attached or self._pruning or not self._bindings_ready:
            await super().recompose()
            return
        entries = self._entries()
        keys = list(self.query_children(FooterKey))
        if any(not k.display for k in keys):  # hidden by bindings_changed: gone for good
            await self.remove_children([k for k in keys if not k.display])
            keys = [k for k in keys if k.display]
        async with self.batch():
            for widget, entry in zip(keys, entries, strict=False):
                self._update(widget, entry)
            if len(keys) > len(entries):
                await self.remove_children(keys[len(entries) :])
            elif len(entries) > len(keys):
                await self.mount_all([self._key(e) for e in entries[len(keys) :]])

    def bindings_changed(self, screen: Screen[object]) -> None:
        """The keys changed: when no key has to be added, they change at once, in the frame
        that shows what changed them (a search line's first character), not a frame or two
        later; Textual's recompose after the next refresh still follows (and finds nothing
        left to do)."""
        if (
            self._bindings_ready
            and screen.app.app_focus
            and self.is_attached
            and screen is self.screen
            and not self._pruning
        ):
            entries = self._entries()
            keys = [k for k in self.query_children(FooterKey) if k.display]
            if len(entries) <= len(keys):
                for widget, entry in zip(keys, entries, strict=False):
                    self._update(widget, entry)
                for widget in keys[len(entries) :]:
                    widget.display = False  # at once; removed by the recompose
        super().bindings_changed(screen)

    def _update(self, widget: FooterKey, entry: Entry) -> None:
        binding = entry.binding
        display = self.app.get_key_display(binding)
        disabled = not entry.enabled
        tooltip = entry.tooltip or None
        if (
            widget.key == binding.key
            and widget.key_display == display
            and widget.description == binding.description
            and widget.action == binding.action
            and widget._disabled == disabled
            and widget.tooltip == tooltip
        ):
            return
        resized = (widget.key_display, widget.description) != (display, binding.description)
        widget.key = binding.key
        widget.key_display = display
        widget.description = binding.description
        widget.action = binding.action
        widget._disabled = disabled
        widget.set_class(disabled, "-disabled")
        widget.tooltip = tooltip
        widget.refresh(layout=resized)

    def on_resize(self) -> None:
        if self._bindings_ready and self.size.width != self._width:
            self.call_after_refresh(self.recompose)


__all__ = ["Entry", "KeyFooter", "app_binding", "fit", "footer_entries"]
