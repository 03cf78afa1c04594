"""The : command parser."""

from __future__ import annotations

import pytest

from tui import i18n
from tui.command_line import Command, CommandError, parse


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("t 116496", Command("ticket", "116496")),
        (":ticket 116496", Command("ticket", "116496")),
        ("p 870650444", Command("part", "870650444")),
        ("m AP64-3", Command("model", "AP64-3")),
        ("cart", Command("cart")),
        ("o", Command("orders")),
        ("lang fr", Command("lang", "fr")),
        ("  Q ", Command("quit")),
    ],
)
def test_parse(text: str, command: Command) -> None:
    assert parse(text) == command


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Type a command"),
        ("zz 1", "Unknown command: zz"),
        ("t", "needs one ticket number"),
        ("t 12a", "digits only"),
        ("cart 3", "takes no argument"),
        ("lang de", "Unknown language"),
    ],
)
def test_bad_commands_say_why(text: str, reason: str) -> None:
    with pytest.raises(CommandError, match=reason):
        parse(text)


@pytest.mark.parametrize(
    ("language", "text", "command"),
    [
        ("fr", "panier", Command("cart")),
        ("fr", "Modèle AP64-3", Command("model", "AP64-3")),
        ("fr", "cart", Command("cart")),  # English works in every language
        ("it", "carrello", Command("cart")),
        ("it", "intervento 116496", Command("ticket", "116496")),
        ("it", "fatturazione", Command("invoicing")),
    ],
)
def test_commands_in_the_interface_language(language: str, text: str, command: Command) -> None:
    i18n.set_language(language)
    assert parse(text) == command


def test_another_language_s_names_are_not_commands() -> None:
    i18n.set_language("it")
    with pytest.raises(CommandError):
        parse("panier")
