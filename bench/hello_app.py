"""The reference for the startup benchmark: the smallest useful Textual app.

A "Hello" label (the paint marker) and a focused list of 20 options (for the
cursor-move measurement).  ctrl+q quits (Textual's default binding).
Run with ``python -m bench.hello_app``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import OptionList, Static


class HelloApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello")
        yield OptionList(*(f"Item {n}" for n in range(1, 21)))


def main() -> None:
    HelloApp().run()


if __name__ == "__main__":
    main()
