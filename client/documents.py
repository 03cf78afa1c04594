"""Where a PDF from the server goes: saved under the data folder's ``exports`` and, when the
settings name a print command (config.json's ``print_command``, e.g. ``lp -d PRINTER``), sent
to it.

The print command is split as a shell would (:func:`shlex.split`) and run without a shell,
the file's path appended as its last argument; it runs as a child process awaited with a
timeout, so the caller's event loop never waits on the printer. A printer that fails is
reported (:class:`Printed`), never raised: the PDF is saved whatever the printer does.

This module imports neither Textual nor the server.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from client import profiles

PRINT_TIMEOUT = 30.0
"""Seconds a print command may take (``lp`` hands the file to the spooler at once)."""
_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def exports_dir() -> Path:
    """``data_dir()/exports``, created (the ticket CSV exports go there too)."""
    folder = profiles.data_dir() / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_name(kind: str, number: str | int) -> str:
    """``intervention-116496.pdf``, ``voucher-BP249050260001.pdf``: each run of what is not
    a letter, a digit or ``_`` becomes one ``-`` (no path can be smuggled in a number)."""
    safe = _UNSAFE.sub("-", f"{kind}-{number}").strip("-") or kind
    return f"{safe}.pdf"


def save(content: bytes, name: str, folder: Path | None = None) -> Path:
    """Write ``content`` as ``folder/name`` (the exports by default): whole or not at all
    (a temporary name, then renamed over any earlier copy). Its path."""
    target = (folder or exports_dir()) / name
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            out.write(content)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


@dataclass(frozen=True)
class Printed:
    """How the print command went: ``ok``, else ``error`` says why (its exit status and the
    last line it wrote on stderr, or that it could not be started or took too long)."""

    command: str
    ok: bool
    error: str = ""


async def print_file(command: str, path: Path, *, seconds: float = PRINT_TIMEOUT) -> Printed:
    """Run ``command`` with ``path`` appended; never raises for the command's failure."""
    try:
        argv = [*shlex.split(command), str(path)]
    except ValueError as exc:
        return Printed(command, False, str(exc))
    if len(argv) < 2:
        return Printed(command, False, "no command")
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        return Printed(command, False, f"{argv[0]}: {exc.strerror or exc}")
    try:
        async with asyncio.timeout(seconds):
            _out, err = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        return Printed(command, False, f"{argv[0]}: no answer after {seconds:g} s")
    if process.returncode != 0:
        lines = [line for line in err.decode(errors="replace").splitlines() if line.strip()]
        why = lines[-1].strip() if lines else ""
        status = f"{argv[0]}: exit status {process.returncode}"
        return Printed(command, False, f"{status}: {why}" if why else status)
    return Printed(command, True)


@dataclass(frozen=True)
class Delivered:
    """A PDF saved (``path``) and, when a print command is set, how printing it went."""

    path: Path
    printed: Printed | None = None


async def deliver(
    content: bytes, name: str, *, print_command: str | None, folder: Path | None = None
) -> Delivered:
    """Save the PDF (in a thread: the caller's loop keeps going), then print it when a
    command is set. An ``OSError`` while saving is the caller's to report."""
    path = await asyncio.to_thread(save, content, name, folder)
    if not print_command or not print_command.strip():
        return Delivered(path)
    return Delivered(path, await print_file(print_command, path))
