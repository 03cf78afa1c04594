"""The TUI's memory over a day's work, as a user runs it: peak RSS of the TUI process.

Run ``python -m bench.memory [--database URL] [--runs 3] [--rounds 2] [--rows 100000]``.

Two processes, as users run sav against a team server: the backend (``sav serve --database
URL`` on a free port of 127.0.0.1) and the real TUI (``python -m tui.cli --lang en --server
URL``) in a pseudo-terminal of 80x24 driven by ``bench.pty_driver.PtyDriver``, which samples
the TUI process's RSS every 20 ms and reads its ``VmHWM`` at the end: the **peak** is the
larger of the two. Keys are written as a terminal writes them, one at a time with a short
pause, and each step waits for its marker on the rendered screen, then for the TUI to be
quiet; the RSS after each step is read then.

**A day's journey, in one process** (the technician ``tech``/``demo``; ``--lang en`` keeps
the interface in English whatever the profile says): sign in, the ticket search (``t``), a
search typed and cleared, three tickets opened (one with its history) and closed again, home,
the catalogue (``c``), a part (``:p``) added to the cart, a model with its tree (``:m``), the
cart (``:cart``), checkout (F10, ctrl+s: an order is placed in the database each round), the
orders (``:o``) and an order, then home again (``:home``: every screen but home left behind).
``--rounds`` repeats the journey in the same process: what the later rounds add is what the
screens left behind did not give back. Target (issue 15): peak ≤ 60 MiB.

**Paging through a large result** (another TUI process, the operator ``operator``/``demo``,
who sees every ticket): the ticket search's first page, the list focused; RSS then, PageDown
written in bursts until the cursor has passed ``--rows`` rows (or the end of the result), then
RSS again. The list keeps a bounded window of loaded rows (``TicketList.KEEP_BLOCKS``).
Target: it grows by ≤ 5 MiB.

**The anchors** (the same pty, the same reading of the peak): bare Textual
(``bench.hello_app``) and the design card's client stack (``bench.hello_stack``: that app with
textual, httpx, pydantic, keyring and platformdirs loaded as sav loads them, none of sav's
modules). What the journey's peak has above the stack is sav's own share.

The database (``--database``) is the 100,000-ticket demo that ``bench.tickets_tui`` and
``bench.search`` use (``bench/.data/search-100000.db``), created and loaded when missing
(``--build N`` for another size); nothing is dropped. Figures are printed with the machine's
1-minute load average; p50 and p95 over ``--runs`` processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.pty_driver import MarkerNotFound, PtyDriver
from bench.results import record
from bench.serving import isolated_environment, sav_serve

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
TARGET_PEAK_MIB = 60.0
TARGET_PAGING_MIB = 5.0
HOME = "What needs you today"
SETTLE = 0.4
"""Seconds without output that end a step."""

KEYS = {
    "Enter": "\r",
    "Tab": "\t",
    "Esc": "\x1b",
    "Down": "\x1b[B",
    "PgDn": "\x1b[6~",
    "F10": "\x1b[21~",
    "ctrl+s": "\x13",
    "ctrl+u": "\x15",
}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# ------------------------------------------------------------------ the processes


class Tui:
    """The TUI in a pty: keys, markers, and its RSS."""

    def __init__(self, base: str, home: Path, timeout: float) -> None:
        home.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "tui.cli", "--lang", "en", "--server", base]
        argv.append("--store-token-in-file")  # no keyring notice over the screen
        self.driver = PtyDriver(argv, env=isolated_environment(home), cwd=str(ROOT))
        self.process = psutil.Process(self.driver.pid)
        self.timeout = timeout

    def rss(self) -> float:
        """MiB now."""
        return self.process.memory_info().rss / MIB

    def peak(self) -> float:
        """MiB: the largest RSS sampled, or ``VmHWM`` (read now), whichever is larger."""
        self.driver.snapshot_memory()
        root = self.driver.memory_peaks()[0]
        return max(root.rss_sampled, root.vm_hwm) / MIB

    def screen(self) -> str:
        return self.driver.screen_text()

    def wait_for(self, text: str) -> None:
        """Until ``text`` is on the screen now (not whether it ever was)."""
        self.until(lambda screen: text in screen, repr(text))

    def wait_gone(self, text: str) -> None:
        self.until(lambda screen: text not in screen, f"{text!r} gone")

    def until(self, check: object, what: str) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if check(self.screen()):  # type: ignore[operator]
                return
            time.sleep(0.02)
        raise MarkerNotFound(f"{what} not on the screen after {self.timeout:.0f}s", self.screen())

    def settle(self, quiet: float = SETTLE) -> None:
        if not self.driver.wait_idle(quiet, self.timeout):
            raise MarkerNotFound("the TUI never went quiet", self.screen())

    def keys(self, *parts: str, after: str | None = None, pause: float = 0.1) -> None:
        """Named keys and text (typed a character at a time), then ``after`` and quiet."""
        for part in parts:
            for key in [KEYS[part]] if part in KEYS else list(part):
                self.driver.send(key)
                time.sleep(pause)
        if after is not None:
            self.wait_for(after)
        self.settle()

    def close(self) -> None:
        self.driver.terminate()


# ------------------------------------------------------------------ the journey


def _sign_in(tui: Tui, user: str) -> None:
    tui.wait_for("Sign in")
    tui.wait_for("Connected")
    tui.keys(user, "Tab", "demo", "Enter", after=HOME)


def _ticket(tui: Tui, moves: int, history: bool) -> None:
    tui.keys(*["Down"] * moves, "Enter", after="· ticket")
    if history:
        tui.keys("h", after="Author")
    tui.keys("Esc", after="Export CSV")


def _steps(tui: Tui) -> Iterator[str]:
    """The day's work after signing in, step by step: yields each step's name once done."""
    tui.keys("t", after="Export CSV")
    yield "ticket search"
    tui.keys("reggian", after="Reggiani")
    tui.keys("ctrl+u")
    tui.wait_gone("Reggiani")
    yield "a search, cleared"
    _ticket(tui, 1, history=True)
    _ticket(tui, 1, history=False)
    _ticket(tui, 1, history=False)
    yield "three tickets"
    tui.keys(":home", "Enter", after=HOME)
    tui.keys("c", after="Where used")
    yield "catalogue"
    tui.keys(":p 870650222", "Enter", after="BRÛLEUR AUX. MONOPIÈCE")
    tui.keys("a", after="Add to cart")
    tui.keys("Enter", after="In the cart")
    yield "a part, added to the cart"
    tui.keys(":m AP64-3", "Enter", after="AP64-3 SI")
    tui.keys("Down", "Down", "Down")
    yield "a model and its tree"
    tui.keys(":cart", "Enter", after="Cart ·")
    yield "cart"
    tui.keys("F10", after="Shipping address")
    tui.wait_gone("Loading…")
    tui.settle()
    tui.keys("ctrl+s", after="placed")
    yield "checkout"
    tui.keys(":o", "Enter", after="Number")
    tui.keys("Down", "Enter", after="Transport")
    yield "orders, an order"
    tui.keys(":home", "Enter", after=HOME)
    tui.wait_gone("Transport")
    yield "home again"


@dataclass
class Journey:
    steps: dict[str, list[float]] = field(default_factory=dict)
    """Step -> RSS (MiB) after it, one value per run (round 1)."""
    peaks: list[float] = field(default_factory=list)
    """Peak RSS (MiB) of each run, over all its rounds."""
    round_peaks: list[list[float]] = field(default_factory=list)
    """Per run: the peak after each round."""
    loads: list[float] = field(default_factory=list)


def _journey(base: str, home: Path, rounds: int, timeout: float, into: Journey) -> None:
    tui = Tui(base, home, timeout)
    try:
        tui.wait_for("Sign in")
        tui.settle()
        into.steps.setdefault("login painted", []).append(tui.rss())
        _sign_in(tui, "tech")
        into.steps.setdefault("signed in (home)", []).append(tui.rss())
        peaks = []
        for round_ in range(rounds):
            for name in _steps(tui):
                if round_ == 0:
                    into.steps.setdefault(name, []).append(tui.rss())
            peaks.append(tui.peak())
        into.round_peaks.append(peaks)
        into.loads.append(_load())
    finally:
        tui.close()
    into.peaks.append(max(tui.peak(), *peaks))


# ------------------------------------------------------------------ anchors

ANCHORS = {
    "bare Textual (bench.hello_app)": "bench.hello_app",
    "the client stack (bench.hello_stack)": "bench.hello_stack",
}


def _anchor(module: str, home: Path, timeout: float) -> float:
    """Peak RSS (MiB) of ``python -m module`` once its "Hello" is painted and it is quiet."""
    home.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", module]
    driver = PtyDriver(argv, env=isolated_environment(home), cwd=str(ROOT))
    try:
        driver.wait_for("Hello", timeout)
        driver.wait_idle(SETTLE, timeout)
        driver.snapshot_memory()
        root = driver.memory_peaks()[0]
        return max(root.rss_sampled, root.vm_hwm) / MIB
    finally:
        driver.terminate()


# ------------------------------------------------------------------ paging

POSITION = re.compile(r"^ ?([\d,]+) of ([\d,]+)(\+?) tickets?", re.M)


def _position(screen: str) -> tuple[int, int, bool] | None:
    """(cursor row, total, exact) from the count line ``1,501 of 10,000+ tickets``."""
    found = POSITION.search(screen)
    if found is None:
        return None
    return int(found[1].replace(",", "")), int(found[2].replace(",", "")), not found[3]


@dataclass
class Paging:
    before: float = 0.0
    after: float = 0.0
    peak: float = 0.0
    rows: int = 0
    total: str = ""
    seconds: float = 0.0
    load: float = 0.0


def _paging(base: str, home: Path, rows: int, burst: int, timeout: float) -> Paging:
    tui = Tui(base, home, timeout)
    result = Paging()
    try:
        _sign_in(tui, "operator")
        tui.keys("t", after="Export CSV")
        tui.keys("Down")
        tui.until(lambda s: _position(s) is not None, "the count line")
        tui.settle(1.0)
        result.before = tui.rss()
        started = time.perf_counter()
        stuck = 0
        last = 0
        while True:
            tui.driver.send(KEYS["PgDn"] * burst)
            tui.driver.wait_idle(0.3, timeout)  # rows may still be coming: go on regardless
            position = _position(tui.screen())
            if position is None:
                raise MarkerNotFound("the count line went away", tui.screen())
            row, total, exact = position
            result.total = f"{total:,}" + ("" if exact else "+")
            if row >= rows or (exact and row >= total):
                break
            stuck = stuck + 1 if row == last else 0
            if stuck >= 5:  # the end of what the server lets the list reach
                break
            last = row
        result.rows = row
        result.seconds = time.perf_counter() - started
        tui.settle(1.0)
        result.after = tui.rss()
        result.load = _load()
    finally:
        tui.close()
    result.peak = tui.peak()
    return result


# ------------------------------------------------------------------ main


def _database(url: str | None, build: int | None) -> str:
    from bench.search import DATA, _prepare

    if url is None:
        build = build or 100_000
        DATA.mkdir(exist_ok=True)
        url = f"sqlite+aiosqlite:///{DATA / f'search-{build}.db'}"
    print(f"database: {asyncio.run(_prepare(url, build, analyze=False))}", flush=True)
    return url


def _stats(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:6.1f}"
    return f"{statistics.median(values):6.1f} {_percentile(values, 0.95):6.1f}"


def _report_journey(journey: Journey, runs: int, rounds: int) -> None:
    for name, values in journey.steps.items():
        print(f"  {name:<28}{_stats(values)}")
    peak_p50 = statistics.median(journey.peaks)
    peak_p95 = _percentile(journey.peaks, 0.95)
    print(f"  {'peak, the whole day':<28}{_stats(journey.peaks)}   target ≤ {TARGET_PEAK_MIB:.0f}")
    growth = [p[-1] - p[0] for p in journey.round_peaks]
    if rounds > 1:
        print(f"  {f'peak growth, rounds 2-{rounds}':<28}{_stats(growth)}")
    load_now = statistics.median(journey.loads)
    record(
        "memory",
        "TUI peak RSS, a day's journey in one process",
        peak_p95,
        "MiB",
        target=f"≤ {TARGET_PEAK_MIB:.0f} MiB",
        passed=peak_p95 <= TARGET_PEAK_MIB,
        note=f"p50 {peak_p50:.1f}, {runs} runs × {rounds} rounds, load {load_now}",
    )
    if rounds > 1:
        record(
            "memory",
            f"TUI peak growth over journey rounds 2-{rounds}",
            statistics.median(growth),
            "MiB",
        )


def _report_anchors(anchors: dict[str, list[float]], journey: Journey) -> None:
    for name, values in anchors.items():
        print(f"  anchor: {name:<38}{_stats(values)}")
        record("memory", f"anchor peak RSS: {name}", statistics.median(values), "MiB")
    stack = anchors.get("the client stack (bench.hello_stack)")
    if stack and journey.peaks:
        share = statistics.median(journey.peaks) - statistics.median(stack)
        print(f"  {'sav above the stack (p50)':<28}{share:6.1f}")
        record("memory", "TUI peak above the client stack (sav's own share)", share, "MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.memory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database", metavar="URL", help="default: bench/.data/search-N.db")
    parser.add_argument("--build", type=int, metavar="N", help="tickets when it must be made")
    parser.add_argument("--runs", type=int, default=3, help="TUI processes for the journey")
    parser.add_argument("--rounds", type=int, default=2, help="journeys per process")
    parser.add_argument("--rows", type=int, default=100_000, help="rows to page through")
    parser.add_argument("--burst", type=int, default=60, help="PageDown keys per write")
    parser.add_argument("--no-paging", action="store_true")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per marker")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)

    url = _database(args.database, args.build)
    load_before = _load()
    journey = Journey()
    anchors: dict[str, list[float]] = {}
    paging: Paging | None = None
    with tempfile.TemporaryDirectory(prefix="sav-bench-memory-") as tmp:
        home = Path(tmp)
        with sav_serve(url, home / "server", args.timeout) as base:
            try:
                for run in range(args.runs):
                    _journey(base, home / f"tech-{run}", args.rounds, args.timeout, journey)
                    rounds = " -> ".join(f"{p:.1f}" for p in journey.round_peaks[-1])
                    print(
                        f"  journey {run + 1}/{args.runs}: peak {journey.peaks[-1]:.1f} MiB "
                        f"(after each round: {rounds}; load {_load()})",
                        flush=True,
                    )
                for name, module in ANCHORS.items():
                    for run in range(args.runs):
                        peak = _anchor(module, home / f"anchor-{run}", args.timeout)
                        anchors.setdefault(name, []).append(peak)
                if not args.no_paging:
                    paging = _paging(base, home / "operator", args.rows, args.burst, args.timeout)
            except MarkerNotFound as exc:
                print(f"FAILED: {exc}", flush=True)
                return 1

    print()
    print(
        f"TUI process RSS, MiB (sav --server, 80x24; nproc {os.cpu_count()}, "
        f"load {load_before} -> {_load()}; {args.runs} runs: p50 p95)"
    )
    if journey.peaks:
        _report_journey(journey, args.runs, args.rounds)
    _report_anchors(anchors, journey)
    if paging is not None:
        grew = paging.after - paging.before
        print(
            f"  paging {paging.rows:,} rows of {paging.total} ({paging.seconds:.0f} s, "
            f"load {paging.load}): {paging.before:.1f} -> {paging.after:.1f} "
            f"(+{grew:.1f}; peak {paging.peak:.1f})   target ≤ +{TARGET_PAGING_MIB:.0f}"
        )
        reached = paging.rows >= args.rows
        record(
            "memory",
            f"TUI RSS growth paging through {paging.rows:,} tickets",
            grew,
            "MiB",
            target=f"≤ {TARGET_PAGING_MIB:.0f} MiB",
            passed=grew <= TARGET_PAGING_MIB and reached,
            note=f"{paging.before:.1f} -> {paging.after:.1f} MiB"
            + ("" if reached else f"; only {paging.rows:,} of {args.rows:,} rows reached"),
        )
    if args.json:
        payload = {
            "database": url,
            "steps": journey.steps,
            "peaks": journey.peaks,
            "round_peaks": journey.round_peaks,
            "paging": None if paging is None else paging.__dict__,
        }
        args.json.write_text(json.dumps(payload, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
