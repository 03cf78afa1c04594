"""Check every catalogue against the source: ``make i18n`` runs it, and so does the test suite
(tests/tui/test_i18n.py), so that CI fails on a catalogue that is not complete.

For both domains (the TUI's ``sav``, the server's ``sav_server``) and every language
(:data:`LANGUAGES`), a problem is:

- a message of the source (``_()``, ``N_()``, ``ngettext``, ``pgettext``) missing from the
  catalogue, or a catalogue entry the source no longer has (run ``make i18n``);
- a ``_("...")`` that extraction does not see (inside an f-string: ``f"{_('ORDER')}"``), so
  that it would stay English in every language;
- an empty translation (any plural form) or a fuzzy one;
- a placeholder in a translation that its message does not have (``{nmae}``);
- a compiled ``.mo`` that is missing or says something else than its ``.po`` (run ``make i18n``).

    python tui/locale/check_catalogues.py        # prints a line per catalogue; exit 1 on a problem
"""

from __future__ import annotations

import ast
import gettext
import re
import string
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "fr", "it")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "ngettext": (1, 2)}


@dataclass(frozen=True)
class Domain:
    name: str
    package: str
    """The folder of the catalogues (``<package>/locale``) and of messages (babel.cfg)."""
    also: tuple[str, ...] = ()
    """Other folders whose messages it holds (the client's, shown by the TUI)."""
    locale_dir: Path | None = None
    """Where its catalogues are (``<package>/locale`` unless given: the tests check a copy)."""

    @property
    def locale(self) -> Path:
        return self.locale_dir or ROOT / self.package / "locale"


DOMAINS = (Domain("sav", "tui", ("client",)), Domain("sav_server", "server"))

Key = tuple[str, str | None]
"""A message: its id (the singular of a plural) and its context."""


@dataclass
class Report:
    domain: str
    language: str
    messages: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """In the source, not in the catalogue."""
    stale: list[str] = field(default_factory=list)
    """In the catalogue, no longer in the source."""
    placeholders: list[str] = field(default_factory=list)
    compiled: list[str] = field(default_factory=list)
    unseen: list[str] = field(default_factory=list)
    """Calls with a literal that extraction misses (inside an f-string)."""

    @property
    def problems(self) -> list[str]:
        where = f"{self.domain} {self.language}"
        return [
            *(f"{where}: untranslated: {m!r}" for m in self.untranslated),
            *(f"{where}: fuzzy: {m!r}" for m in self.fuzzy),
            *(f"{where}: not in the catalogue (run make i18n): {m!r}" for m in self.missing),
            *(f"{where}: no longer in the source (run make i18n): {m!r}" for m in self.stale),
            *(f"{where}: unknown placeholder: {m}" for m in self.placeholders),
            *(f"{where}: compiled catalogue differs (run make i18n): {m}" for m in self.compiled),
            *(f"{where}: not extracted (a _() inside an f-string?): {m}" for m in self.unseen),
        ]

    def summary(self) -> str:
        return (
            f"{self.domain:<10} {self.language}: {self.messages} messages, "
            f"{len(self.untranslated)} untranslated, {len(self.fuzzy)} fuzzy, "
            f"{len(self.missing) + len(self.stale)} out of sync, "
            f"{len(self.placeholders) + len(self.compiled) + len(self.unseen)} other problems"
        )


def source_messages(domain: Domain) -> set[Key]:
    found: set[Key] = set()
    for folder in (domain.package, *domain.also):
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / folder), method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


IN_FSTRING = re.compile(r"""(?<![\w.])N?_\(\s*('[^'\\]*'|"[^"\\]*")\s*\)""")
"""``_('text')`` inside an f-string's text (how Python 3.11 tokenizes an f-string)."""


def literal_calls(domain: Domain) -> dict[str, str]:
    """Every ``_()``/``N_()`` of one literal in the code, f-strings included (extraction
    does not see those): the message -> where it is."""
    found: dict[str, str] = {}
    paths = [p for f in (domain.package, *domain.also) for p in (ROOT / f).rglob("*.py")]
    for path in sorted(paths):
        with path.open("rb") as handle:
            tokens = [
                t
                for t in tokenize.tokenize(handle.readline)
                if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
            ]
        for token in tokens:
            prefix = token.string[: token.string.find(token.string.lstrip("rRbBfFuU")[:1])]
            if token.type == tokenize.STRING and "f" in prefix.lower():
                for match in IN_FSTRING.finditer(token.string):
                    where = f"{_shown(path)}:{token.start[0]}"
                    found.setdefault(ast.literal_eval(match.group(1)), where)
        for i in range(len(tokens) - 3):
            name, paren, literal, close = tokens[i : i + 4]
            if (
                name.type == tokenize.NAME
                and name.string in ("_", "N_")
                and (i == 0 or tokens[i - 1].string != ".")
                and paren.string == "("
                and literal.type == tokenize.STRING
                and close.string == ")"
            ):
                where = f"{_shown(path)}:{name.start[0]}"
                found.setdefault(ast.literal_eval(literal.string), where)
    return found


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _names(text: str) -> set[str]:
    try:
        return {name for _t, name, _s, _c in string.Formatter().parse(text) if name is not None}
    except ValueError:  # a lone brace: not a format string
        return set()


def check(domain: Domain, language: str) -> Report:
    report = Report(domain.name, language)
    po = domain.locale / language / "LC_MESSAGES" / f"{domain.name}.po"
    if not po.exists():
        report.missing.append(f"{po} does not exist")
        return report
    with po.open("rb") as handle:
        catalog = read_po(handle)
    try:
        compiled = gettext.translation(domain.name, domain.locale, languages=[language])
    except OSError:
        compiled = None
        report.compiled.append(f"no {domain.name}.mo")
    seen: set[Key] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        key = (ids[0], message.context)
        seen.add(key)
        report.messages += 1
        if not all(strings):
            report.untranslated.append(ids[0])
        if message.fuzzy:
            report.fuzzy.append(ids[0])
        allowed = set().union(*(_names(i) for i in ids))
        for text in strings:
            unknown = _names(text) - allowed
            if unknown:
                report.placeholders.append(f"{ids[0]!r}: {sorted(unknown)}")
        if compiled is not None and all(strings) and not message.fuzzy:
            for got, expected in _compiled_forms(compiled, message, ids, strings):
                if got != expected:
                    report.compiled.append(repr(ids[0]))
                    break
    source = source_messages(domain)
    report.missing.extend(sorted(k[0] for k in source - seen))
    report.stale.extend(sorted(k[0] for k in seen - source))
    extracted = {k[0] for k in source}
    report.unseen.extend(
        f"{message!r} ({where})"
        for message, where in literal_calls(domain).items()
        if message not in extracted
    )
    return report


def _compiled_forms(
    compiled: gettext.NullTranslations,
    message: object,
    ids: tuple[str, ...],
    strings: tuple[str, ...],
) -> Iterator[tuple[str, str]]:
    context = getattr(message, "context", None)
    if len(ids) > 1:
        for n, form in ((1, 0), (2, len(strings) - 1)):
            if context:
                yield compiled.npgettext(context, ids[0], ids[1], n), strings[form]
            else:
                yield compiled.ngettext(ids[0], ids[1], n), strings[form]
    elif context:
        yield compiled.pgettext(context, ids[0]), strings[0]
    else:
        yield compiled.gettext(ids[0]), strings[0]


def check_all() -> list[Report]:
    return [check(domain, language) for domain in DOMAINS for language in LANGUAGES]


def main() -> int:
    reports = check_all()
    problems = [p for r in reports for p in r.problems]
    for problem in problems[:50]:
        print(problem)
    if len(problems) > 50:
        print(f"… and {len(problems) - 50} more")
    for report in reports:
        print(report.summary())
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
