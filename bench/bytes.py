"""Bytes on the wire: what the TUI writes to its terminal per step, over a real pty, at 80x24.

Run ``python -m bench.bytes [--database URL] [--runs N] [--json PATH]``.

The real ``sav`` (TUI and embedded backend, two processes) runs in a pseudo-terminal as in
``tests/pty/harness.py``; each figure is the number of bytes the TUI wrote for one step,
counted at the pty master until nothing more was written for a moment. Every figure is
taken twice: at ``TERM=xterm-256color`` with ``COLORTERM`` unset (256 colours) and with
``COLORTERM=truecolor``. Technicians run sav over SSH, often on a mobile link: these are
the bytes they wait for. See bench/README.md for the targets.

The database (``--database``, default ``bench/.data/bytes.db``) is created and loaded with
the demo data when missing; the workflow adds a log entry and an order to it each run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.pty_driver import MarkerNotFound
from tests.pty.harness import SavTerminal, keys

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "bench" / ".data" / "bytes.db"
HOME = "What needs you today"
KB = 1024

DEPTHS = {
    "256": {},
    "truecolor": {"COLORTERM": "truecolor"},
}
"""Colour depth -> environment added to ``TERM=xterm-256color`` (COLORTERM is unset)."""

TARGETS: dict[str, tuple[float, str]] = {
    # figure -> (bound, unit)
    "cursor move: tickets": (150, "B"),
    "cursor move: history": (150, "B"),
    "cursor move: model parts": (150, "B"),
    "cursor move: part's models": (150, "B"),
    "cursor move: cart": (150, "B"),
    "cursor move: orders": (150, "B"),
    "cursor move: order lines": (150, "B"),
    "search key, same results": (1 * KB, "B"),
    ": line open": (2 * KB, "B"),
    ": line close": (2 * KB, "B"),
    "idle, focused field": (0, "B/s"),
    "workflow (technician + operator)": (250 * KB, "B"),
}

SETTLE = 0.4  # seconds without output that end a step
MOVES = 5  # cursor moves measured per list (the median is reported)


@dataclass
class Figures:
    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        self.samples.setdefault(name, []).append(value)

    def median(self, name: str) -> float | None:
        values = self.samples.get(name)
        return statistics.median(values) if values else None


# --------------------------------------------------------------------- the database


def ensure_database(url: str) -> None:
    """Create the database and load the demo data when its file is missing (SQLite)."""
    if not url.startswith("sqlite"):
        return
    path = Path(url.split(":///", 1)[1])
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    sav = [sys.executable, "-m", "tui.cli"]
    print(f"creating {path} with the demo data...", flush=True)
    for command in (["db", "upgrade"], ["demo", "--tickets", "150"]):
        subprocess.run([*sav, *command, "--database", url], cwd=ROOT, check=True)


# --------------------------------------------------------------------- steps


def step(sav: SavTerminal, sequence: str, quiet: float = SETTLE, wait: str | None = None) -> int:
    """Bytes written for ``sequence`` (one write), until ``wait`` shows and all is quiet."""
    sav.settle(quiet)
    mark = sav.raw_mark()
    sav.type([sequence])
    if wait is not None:
        sav.wait_for(wait)
    sav.settle(quiet, timeout=5)
    return len(sav.raw_since(mark))


def moves(sav: SavTerminal, figures: Figures, name: str, count: int = MOVES) -> None:
    """``count`` cursor moves (Down) in the focused list, each measured alone."""
    for _ in range(count):
        figures.add(f"cursor move: {name}", step(sav, keys("Down")[0]))


def slowly(sav: SavTerminal, *parts: str, after: str | None = None) -> None:
    sav.slowly(*parts, after=after)
    sav.settle(SETTLE)


def start(database: str, home: Path, env: dict[str, str], args: list[str]) -> SavTerminal:
    home.mkdir(parents=True, exist_ok=True)
    return SavTerminal(database, home, extra_env=env, args=args)


# --------------------------------------------------------------------- the runs


def technician(sav: SavTerminal, figures: Figures | None) -> None:
    """Sign in, search, open a ticket, log, catalogue, cart, checkout, orders.

    With ``figures``, the measured steps (cursor moves, search keys, the ``:`` line, idle)
    are taken along the way; without, only the workflow's own keys are sent."""
    measure = figures is not None
    sav.sign_in()
    # the ticket list and its search line
    slowly(sav, "t", after="Export CSV")
    slowly(sav, "reggian", after="Reggiani")
    if figures is not None:
        for _ in range(3):  # "reggian" and "reggiani" find the same tickets
            figures.add("search key, same results", step(sav, "i", quiet=0.8))
            figures.add("search key, same results", step(sav, "\x7f", quiet=0.8))
        sav.settle(1.0)
        mark = sav.raw_mark()
        time.sleep(3.0)
        figures.add("idle, focused field", len(sav.raw_since(mark)) / 3.0)
    slowly(sav, "ctrl+u", after="tickets")
    slowly(sav, "Down")
    if figures is not None:
        moves(sav, figures, "tickets")
        for _ in range(3):  # from the list (a ':' typed in the search line is text)
            figures.add(": line open", step(sav, ":", wait="t 116496"))
            figures.add(": line close", step(sav, "\x1b"))
            sav.wait_gone("t 116496")
    slowly(sav, "Enter", after="· ticket")
    # the ticket's history, and a log entry
    slowly(sav, "h")
    if figures is not None:
        moves(sav, figures, "history", 3)
    slowly(sav, "l", after="add a log")
    slowly(sav, "Tab", "Bytes on the wire", "ctrl+s")
    sav.wait_gone("add a log")
    # the catalogue: a part, where it is used, a model's parts
    slowly(sav, ":home", "Enter", after=HOME)
    slowly(sav, "c", after="Where used")
    slowly(sav, ":p 870650222", "Enter", after="BRÛLEUR AUX. MONOPIÈCE")
    slowly(sav, "a", after="Add")
    slowly(sav, "Enter", after="In the cart")
    if measure:
        slowly(sav, "Tab")
        moves(sav, figures, "part's models", 1)
    slowly(sav, ":p INOX-SP", "Enter", after="INOX")
    slowly(sav, "a", after="Add")
    slowly(sav, "Enter", after="In the cart")
    slowly(sav, ":m AP64-3", "Enter", after="AP64-3")
    slowly(sav, "Down")
    if figures is not None:
        moves(sav, figures, "model parts")
    # the cart and the checkout
    slowly(sav, ":cart", "Enter", after="Cart ·")
    if figures is not None:
        moves(sav, figures, "cart", 1)
        slowly(sav, "Up")
    slowly(sav, "F10", after="Checkout")
    slowly(sav, "ctrl+s", after="placed")
    # the orders, and an order's lines
    slowly(sav, ":o", "Enter", after="Number")
    slowly(sav, "Down")
    if figures is not None:
        moves(sav, figures, "orders")
        slowly(sav, "Home")
    slowly(sav, "Enter", after="Order")
    if figures is not None:
        moves(sav, figures, "order lines", 1)


def operator(sav: SavTerminal) -> None:
    """Sign in as the operator, mark the newest order and validate it."""
    sav.sign_in("operator")
    slowly(sav, "o", after="Number")
    slowly(sav, "Down", "Space")
    slowly(sav, "v")
    slowly(sav, "y", after="Validated")


def run_depth(
    database: str, depth: str, env: dict[str, str], runs: int, args: list[str]
) -> Figures:
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="sav-bytes-") as tmp:
        for index in range(runs):
            base = Path(tmp) / f"{index}"
            # the whole workflow, its own keys only
            tech = start(database, base / "tech", env, args)
            try:
                technician(tech, None)
                tech.settle(SETTLE)
                total = tech.raw_mark()
            finally:
                tech.close()
            op = start(database, base / "operator", env, args)
            try:
                operator(op)
                op.settle(SETTLE)
                total += op.raw_mark()
            finally:
                op.close()
            figures.add("workflow (technician + operator)", total)
            # the same, measuring each step
            tech = start(database, base / "measure", env, args)
            try:
                technician(tech, figures)
            finally:
                tech.close()
            print(f"  {depth}: run {index + 1}/{runs} done", flush=True)
    return figures


# --------------------------------------------------------------------- the report


def show(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "B/s":
        return f"{value:,.0f} B/s"
    return f"{value:,.0f} B" if value < 10 * KB else f"{value / KB:,.1f} KB"


def report(results: dict[str, Figures]) -> str:
    depths = list(results)
    head = ["figure", *[f"{d}" for d in depths], "target", ""]
    rows = [head, ["---"] * len(head)]
    for name, (bound, unit) in TARGETS.items():
        values = [results[d].median(name) for d in depths]
        met = all(v is not None and v <= bound for v in values)
        rows.append(
            [
                name,
                *[show(v, unit) for v in values],
                f"≤ {show(bound, unit)}",
                "PASS" if met else "MISS",
            ]
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bytes", description=__doc__)
    parser.add_argument(
        "--database",
        metavar="URL",
        default=f"sqlite+aiosqlite:///{DEFAULT_DB}",
        help="the database sav runs on (an SQLite file is created with the demo data)",
    )
    parser.add_argument("--runs", type=int, default=1, help="runs per colour depth (default 1)")
    parser.add_argument("--json", type=Path, help="also write every sample to this JSON file")
    parser.add_argument(
        "--depth", choices=list(DEPTHS), action="append", help="only this colour depth"
    )
    parser.add_argument("sav_args", nargs="*", help="more arguments for sav (after --)")
    args = parser.parse_args(argv)
    ensure_database(args.database)
    results: dict[str, Figures] = {}
    load = os.getloadavg()[0]
    for depth in args.depth or list(DEPTHS):
        try:
            results[depth] = run_depth(
                args.database, depth, DEPTHS[depth], args.runs, args.sav_args
            )
        except MarkerNotFound as exc:
            print(f"{depth}: FAILED\n{exc}", file=sys.stderr)
            return 1
    print(f"\nbytes the TUI writes, 80x24, TERM=xterm-256color (load {load:.1f}):\n")
    print(report(results))
    if args.json:
        data = {d: f.samples for d, f in results.items()}
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
