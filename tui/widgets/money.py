"""Amounts and rates as people of the interface's language read them ("9,45" in French,
"€9.45" in English): ``tui.formats`` (Babel). The server computes every amount; these
only format what it sent."""

from __future__ import annotations

from tui.formats import money, money_eur, percent

__all__ = ["money", "money_eur", "percent"]
