"""A choice among a few values (a ``Select``) that never swallows typed text.

A closed choice takes only the keys that choose: Enter, Space, Up and Down open its list.
Textual's ``Select`` leaves a typed letter to nobody, and a space opens the list, where the
rest of the text is taken as a search: a note typed as soon as a form opens on its first
field (a choice) was lost. Here a character typed on a closed choice goes on, with the
rest of the text, to the next field that takes text, as if Tab had been pressed first.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Select, TextArea


class Choice(Select[str]):
    def _next_text_field(self) -> Input | TextArea | None:
        chain = self.screen.focus_chain
        if self not in chain:
            return None
        after = chain[chain.index(self) + 1 :]
        return next((w for w in after if isinstance(w, Input | TextArea)), None)

    def _flows_on(self, key: str, character: str | None) -> bool:
        return (
            not self.expanded
            and character is not None
            and character.isprintable()
            and key != "space"
            and self._next_text_field() is not None
        )

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return self._flows_on(key, character) or super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if not self._flows_on(event.key, event.character):
            return
        event.stop()
        event.prevent_default()
        target = self._next_text_field()
        assert target is not None
        self.screen.set_focus(target)
        target._forward_event(events.Key(event.key, event.character))
