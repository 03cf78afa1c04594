"""Cold start: sav against a bare Textual app, in a real pseudo-terminal.

Run ``python -m bench.startup [--runs N] [--rounds R] [--json PATH] [--only-reference]``.
The reference (``bench.hello_app``) and sav are measured alternately, N times each, in R
rounds (3 by default). Each sav run starts cold, as ``make run`` does: no server, the TUI
starts its own backend as a child process. The moment the login is on the screen the user
types ``tech``, Tab, ``demo``, Enter in one burst (no waiting on the screen between keys:
the backend gets no more time than a quick typist gives it), and the figure is the time
from that Enter to the home screen painted; then to its figures loaded.
See bench/README.md for what is measured and how to read it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import psutil

from bench.pty_driver import (
    KEY_ENTER,
    KEY_TAB,
    MarkerNotFound,
    PtyDriver,
)
from bench.results import record

ROOT = Path(__file__).resolve().parent.parent

# The reference app.
REF_ARGV = [sys.executable, "-m", "bench.hello_app"]
REF_MARKER = "Hello"

# The app's contract with this harness (see bench/README.md).
SAV_ARGV = [sys.executable, "-m", "tui.cli", "--lang", "en"]
SAV_LOGIN_MARKER = "Sign in"
SAV_HOME_MARKER = "What needs you today"
SAV_HOME_LOADED_MARKER = "open tickets in all"  # the dashboard's figures have arrived
SAV_USER = "tech"
SAV_PASSWORD = "demo"

MiB = 1024 * 1024

# Targets (issue 15), each recorded for ``make bench``'s table (bench.results).
TARGET_LOGIN_PAINT_RATIO = 1.5
"""sav's login painted / bare Textual's "Hello" painted, ratio of the medians, in every round."""
TARGET_HOME_SECONDS = 1.0
"""Enter -> home painted, median of every run."""


@dataclass
class RunResult:
    app: str  # "reference" or "sav"
    index: int
    round: int = 0
    ok: bool = False
    error: str | None = None
    screen: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    processes: list[dict[str, object]] = field(default_factory=list)
    quit_cleanly: bool | None = None


# --------------------------------------------------------------------- helpers
def child_env(base_tmp: Path, sav_home: Path | None = None) -> dict[str, str]:
    """The environment for both apps: isolated config/data dirs, no real keyring, and
    bytecode written (``PYTHONDONTWRITEBYTECODE`` left out): the warm-up runs leave it for the
    measured ones, as an installed sav has it. With it set, every start of sav compiled its
    own modules again (~0.1 s of CPU before the login, ~5,700 lines), bare Textual almost none."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEXTUAL")
        and k not in {"NO_COLOR", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE"}
    }
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        path = base_tmp / "xdg" / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(path)
    env["COLORTERM"] = "truecolor"
    # Never touch the user's keyring, and never let a stored session skip the login.
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    if sav_home is not None:
        env["SAV_HOME"] = str(sav_home)
    return env


def sleep_until(driver: PtyDriver, seconds_since_start: float) -> None:
    delay = seconds_since_start - driver.elapsed()
    if delay > 0:
        time.sleep(delay)


def record_memory(driver: PtyDriver, result: RunResult) -> None:
    peaks = driver.memory_peaks()
    result.processes = [p.as_dict() for p in peaks]
    roots = [p for p in peaks if p.is_root]
    children = [p for p in peaks if not p.is_root]
    if roots and roots[0].peak:
        result.metrics["rss_mib"] = roots[0].peak / MiB
    if children:
        result.metrics["child_rss_mib"] = sum(p.peak for p in children) / MiB
        result.metrics["child_procs"] = len(children)


def run_app(
    app: str,
    index: int,
    argv: list[str],
    env: dict[str, str],
    size: tuple[int, int],
    scenario: Callable[[PtyDriver, RunResult], None],
    round_: int = 0,
) -> RunResult:
    """Spawn ``argv``, play ``scenario`` and always quit/kill the process tree."""
    result = RunResult(app=app, index=index, round=round_)
    driver = None
    try:
        driver = PtyDriver(argv, env=env, cwd=str(ROOT), cols=size[0], rows=size[1])
        scenario(driver, result)
        result.ok = True
    except MarkerNotFound as exc:
        result.error = str(exc).split("\n", 1)[0]
        result.screen = exc.screen
    except Exception as exc:  # report, never crash the whole benchmark
        result.error = f"{type(exc).__name__}: {exc}"
        if driver is not None:
            result.screen = driver.screen_text()
    finally:
        if driver is not None:
            clean = driver.terminate()
            if result.ok:  # a run that died early says nothing about memory or quitting
                result.quit_cleanly = clean
                record_memory(driver, result)
    return result


# ------------------------------------------------------------------ scenarios
def reference_scenario(timeout: float) -> Callable[[PtyDriver, RunResult], None]:
    def scenario(d: PtyDriver, r: RunResult) -> None:
        r.metrics["paint_s"] = d.wait_for(REF_MARKER, timeout)
        r.metrics["rss_login_mib"] = rss_mib(d.pid)
        r.metrics["cpu_paint_s"] = cpu_s(d.pid)

    return scenario


def cpu_s(pid: int) -> float:
    """CPU seconds the process has used (its own, not its children's): what the machine's
    load does not inflate as much as the wall clock."""
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return float("nan")
    return float(times.user + times.system)


def rss_mib(pid: int) -> float:
    try:
        return psutil.Process(pid).memory_info().rss / MiB
    except psutil.Error:
        return float("nan")


def sav_scenario(timeout: float) -> Callable[[PtyDriver, RunResult], None]:
    def scenario(d: PtyDriver, r: RunResult) -> None:
        d.watch(SAV_HOME_MARKER, SAV_HOME_LOADED_MARKER)
        paint = d.wait_for(SAV_LOGIN_MARKER, timeout)
        r.metrics["paint_s"] = paint
        # What a user who knows their password does: types it all at once, the moment
        # the form shows, without looking whether the backend is there yet.
        d.send(SAV_USER + KEY_TAB + SAV_PASSWORD)
        enter = d.elapsed()
        d.send(KEY_ENTER)
        r.metrics["rss_login_mib"] = rss_mib(d.pid)  # the TUI's, read as the login shows
        r.metrics["cpu_paint_s"] = cpu_s(d.pid)
        r.metrics["enter_after_paint_s"] = enter - paint
        home = d.wait_for(SAV_HOME_MARKER, timeout)
        r.metrics["home_s"] = home - enter
        loaded = d.wait_for(SAV_HOME_LOADED_MARKER, timeout)
        r.metrics["home_loaded_s"] = loaded - enter

    return scenario


# ------------------------------------------------------------------- reporting
def machine_info() -> dict[str, object]:
    info: dict[str, object] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as fh:
            info["mem_total_mib"] = round(int(fh.readline().split()[1]) / 1024)
    except (OSError, ValueError, IndexError):
        pass
    for dist in ("textual", "pyte", "psutil"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return info


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def summarize(results: list[RunResult], app: str) -> dict[str, dict[str, float]]:
    """Per metric: median, min, max and n over the runs (of ``app``) that measured it."""
    values: dict[str, list[float]] = {}
    for r in results:
        if r.app == app:
            for name, value in r.metrics.items():
                values.setdefault(name, []).append(value)
    return {
        name: {
            "median": statistics.median(vals),
            "p95": p95(vals),
            "min": min(vals),
            "max": max(vals),
            "n": len(vals),
        }
        for name, vals in values.items()
    }


def p95(values: list[float]) -> float:
    """The 95th percentile, interpolated between the closest ranks (the maximum below
    20 runs is only a little under it: read it with the number of runs)."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


ROWS = [
    ("paint_s", "paint: spawn -> marker (s)", "{:.3f}"),
    ("cpu_paint_s", "CPU of the app at the paint (s)", "{:.3f}"),
    ("enter_after_paint_s", "Enter sent, after the paint (s)", "{:.3f}"),
    ("home_s", "Enter -> home painted (s)", "{:.3f}"),
    ("home_loaded_s", "Enter -> home's figures (s)", "{:.3f}"),
    ("rss_login_mib", "RSS at the login, app (MiB)", "{:.1f}"),
    ("rss_mib", "peak RSS, app process (MiB)", "{:.1f}"),
    ("child_rss_mib", "peak RSS, child processes (MiB)", "{:.1f}"),
]


def fmt_cell(stats: dict[str, float] | None, fmt: str, total: int) -> str:
    """``median [min-max]``, and the p95 for the times."""
    if stats is None:
        return "-"
    text = fmt.format(stats["median"])
    if stats["n"] > 1:
        text += f" [{fmt.format(stats['min'])}-{fmt.format(stats['max'])}]"
    if stats["n"] < total:
        text += f" (n={stats['n']:.0f})"
    return text


def ratio(a: dict[str, float] | None, b: dict[str, float] | None) -> float | None:
    if a is None or b is None or not b["median"]:
        return None
    return a["median"] / b["median"]


def round_ratios(results: list[RunResult]) -> list[float | None]:
    """Per round: sav's median login paint / the reference's median paint, that round."""
    rounds = sorted({r.round for r in results})
    out = []
    for k in rounds:
        mine = [r for r in results if r.round == k]
        out.append(
            ratio(
                summarize(mine, "sav").get("paint_s"), summarize(mine, "reference").get("paint_s")
            )
        )
    return out


def _target(text: str, value: float | None, unit: str, ok: bool) -> dict[str, object]:
    shown = "n/a" if value is None else unit.format(value)
    return {"target": text, "value": value, "shown": shown, "pass": value is not None and ok}


def evaluate_targets(
    results: list[RunResult], sav: dict[str, dict[str, float]]
) -> list[dict[str, object]]:
    """The two cold-start targets of issue 15, as bench/README.md states them: the login
    paint ratio in every round (the worst round is the figure), and the median Enter -> home.
    """
    ratios = round_ratios(results)
    worst = None if not ratios or None in ratios else max(r for r in ratios if r is not None)
    home = sav.get("home_s", {}).get("median")
    shown_rounds = " / ".join("n/a" if r is None else f"{r:.2f}x" for r in ratios)
    return [
        _target(
            f"login painted within {TARGET_LOGIN_PAINT_RATIO}x of bare Textual, p50, in each of "
            f"{len(ratios)} rounds ({shown_rounds})",
            worst,
            "{:.2f}x",
            worst is not None and worst <= TARGET_LOGIN_PAINT_RATIO,
        ),
        _target(
            f"home painted within {TARGET_HOME_SECONDS} s of Enter typed as the login shows, p50",
            home,
            "{:.3f} s",
            home is not None and home <= TARGET_HOME_SECONDS,
        ),
    ]


def record_figures(
    results: list[RunResult], sav: dict[str, dict[str, float]], targets: list[dict[str, object]]
) -> None:
    """The figures of ``make bench``'s table (bench.results; a no-op run alone)."""
    ratio_target, home_target = targets
    n = sav.get("home_s", {}).get("n", 0)
    if isinstance(ratio_target["value"], float):
        ratios = round_ratios(results)
        record(
            "startup",
            f"login painted / bare Textual, p50, worst of {len(ratios)} rounds",
            ratio_target["value"],
            "x",
            target=f"≤ {TARGET_LOGIN_PAINT_RATIO}×",
            passed=bool(ratio_target["pass"]),
            note="rounds: " + ", ".join(f"{r:.2f}" for r in ratios if r is not None),
        )
    home = sav.get("home_s")
    if home is not None:
        record(
            "startup",
            "home painted after Enter at the login's paint, cold backend, p50",
            home["median"],
            "s",
            target=f"≤ {TARGET_HOME_SECONDS:.1f} s",
            passed=bool(home_target["pass"]),
            note=f"{n:.0f} runs",
        )
        record(
            "startup",
            "home painted after Enter, cold backend, p95",
            home["p95"],
            "s",
            note=f"{n:.0f} runs",
        )
    loaded = sav.get("home_loaded_s")
    if loaded is not None:
        record("startup", "home's figures after Enter, cold backend, p50", loaded["median"], "s")
    rss = sav.get("rss_login_mib")
    if rss is not None:
        record(
            "startup",
            "TUI RSS at the login's paint",
            rss["median"],
            "MiB",
            note="memory's target: bench/memory.py",
        )


def print_report(
    results: list[RunResult],
    runs: int,
    only_reference: bool,
    machine: dict[str, object],
) -> tuple[dict[str, object], list[dict[str, object]]]:
    ref = summarize(results, "reference")
    sav = summarize(results, "sav")
    apps = ["reference"] if only_reference else ["reference", "sav"]

    print()
    how = "the reference only" if only_reference else "per app, alternated"
    print(f"Cold start: median [min-max] and p95 of {runs} run(s), {how}.")
    print(
        f"machine: nproc={machine.get('nproc')} usable={machine.get('cpus_usable')} "
        f"cpu={machine.get('cpu', '?')!s} mem={machine.get('mem_total_mib', '?')} MiB"
    )
    print(
        f"load average (1/5/15 min): before {machine.get('load_before')} "
        f"after {machine.get('load_after')}  |  Python {machine.get('python')}, "
        f"Textual {machine.get('textual')}"
    )
    print("Shared, noisy machine: read medians and ratios, not single numbers.")
    print()

    header = f"{'metric':34} {'reference':24}"
    if not only_reference:
        header += f" {'sav':24} {'sav p95':>8} {'sav/ref':>7}"
    print(header)
    print("-" * len(header))
    for key, label, fmt in ROWS:
        if key not in ref and key not in sav:
            continue
        line = f"{label:34} {fmt_cell(ref.get(key), fmt, runs):24}"
        if not only_reference:
            r = ratio(sav.get(key), ref.get(key))
            mine = sav.get(key)
            line += f" {fmt_cell(mine, fmt, runs):24} "
            line += f"{'' if mine is None else fmt.format(mine['p95']):>8} "
            line += f"{'' if r is None else f'{r:.2f}x':>7}"
        print(line)
    for app in apps:
        mine = [r for r in results if r.app == app]
        ok = sum(r.ok for r in mine)
        clean = sum(bool(r.quit_cleanly) for r in mine)
        print(
            f"{app}: {ok}/{len(mine)} runs completed; of those, {clean}/{ok} quit "
            "cleanly on ctrl+q (nothing left to kill)"
        )

    targets: list[dict[str, object]] = []
    if not only_reference:
        targets = evaluate_targets(results, sav)
        record_figures(results, sav, targets)
        print()
        print("Targets (sav):")
        for t in targets:
            print(f"  {'PASS' if t['pass'] else 'MISS'}  {t['target']}: {t['shown']}")
        procs = next((r.processes for r in reversed(results) if r.app == "sav"), [])
        if procs:
            print("Processes of the last sav run (peak RSS):")
            for p in procs:
                peak = p["peak"]
                mib = peak / MiB if isinstance(peak, int) else 0.0
                role = "app" if p["is_root"] else "child"
                print(f"  {role:5} pid {p['pid']}: {mib:6.1f} MiB  {str(p['cmdline'])[:80]}")

    failed = [r for r in results if not r.ok]
    if failed:
        print()
        print("Failed runs (see the screens printed above):")
        for r in failed:
            print(f"  {r.app} run {r.index}: {r.error}")
    return {"reference": ref, "sav": sav}, targets


def print_progress(result: RunResult, shown_screens: dict[str, str]) -> None:
    label = f"round {result.round + 1} run" if result.index > 0 else "preparation run"
    parts = []
    for key, value in result.metrics.items():
        if key.endswith("_s"):
            parts.append(f"{key}={value:.3f}")
        elif key.endswith("_mib"):
            parts.append(f"{key}={value:.1f}")
        else:
            parts.append(f"{key}={value:,.0f}")
    status = "ok" if result.ok else "FAILED"
    print(f"[{result.app} {label} {result.index}] {status} {' '.join(parts)}", flush=True)
    if not result.ok:
        print(f"  error: {result.error}")
        screen = (result.screen or "").rstrip("\n")
        if screen in shown_screens:
            print(f"  (same last screen as {shown_screens[screen]})")
        else:
            shown_screens[screen] = f"{result.app} run {result.index}"
            print("  --- last rendered screen ---")
            for line in screen.splitlines():
                print(f"  |{line}")
            print("  ---", flush=True)


# ------------------------------------------------------------------------ main
def parse_size(text: str) -> tuple[int, int]:
    cols, _, rows = text.lower().partition("x")
    return int(cols), int(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument(
        "--runs",
        type=int,
        default=12,
        help="measured runs per app, in all rounds (default 12: the p95 of Enter -> home)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="the runs are split in this many rounds, the login paint ratio taken in each (3)",
    )
    parser.add_argument("--json", type=Path, help="also write all results to this JSON file")
    parser.add_argument(
        "--only-reference", action="store_true", help="measure the reference app only"
    )
    parser.add_argument(
        "--size", type=parse_size, default=(80, 24), help="terminal size COLSxROWS (80x24)"
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for each marker (30)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not 1 <= args.rounds <= args.runs:
        parser.error("--rounds must be between 1 and --runs")

    machine = machine_info()
    machine["load_before"] = loadavg()
    tmp = Path(tempfile.mkdtemp(prefix="sav-bench-"))
    results: list[RunResult] = []
    shown: dict[str, str] = {}
    try:
        env = child_env(tmp)
        ref_scenario = reference_scenario(args.timeout)
        # Unmeasured warm-up (bytecode caches, page cache), as sav gets its preparation run.
        print_progress(run_app("reference", 0, REF_ARGV, env, args.size, ref_scenario), shown)

        sav_env: dict[str, str] = {}
        if not args.only_reference:
            # One SAV_HOME for all runs: the first start seeds the demo data, which is
            # not what the login paint measures.  Each run still starts its own backend.
            sav_home = tmp / "sav-home"
            sav_home.mkdir()
            sav_env = child_env(tmp, sav_home)
            prep = run_app(
                "sav",
                0,
                SAV_ARGV,
                sav_env,
                args.size,
                sav_scenario(max(args.timeout, 60.0)),
            )
            print_progress(prep, shown)

        for i in range(1, args.runs + 1):
            round_ = (i - 1) * args.rounds // args.runs
            order = ["reference", "sav"] if i % 2 else ["sav", "reference"]
            for app in order:
                if app == "reference":
                    result = run_app(app, i, REF_ARGV, env, args.size, ref_scenario, round_)
                elif args.only_reference:
                    continue
                else:
                    result = run_app(
                        app, i, SAV_ARGV, sav_env, args.size, sav_scenario(args.timeout), round_
                    )
                results.append(result)
                print_progress(result, shown)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    machine["load_after"] = loadavg()
    summary, targets = print_report(results, args.runs, args.only_reference, machine)
    if args.json:
        payload = {
            "config": {
                "runs": args.runs,
                "rounds": args.rounds,
                "size": list(args.size),
                "timeout": args.timeout,
                "reference_argv": REF_ARGV,
                "sav_argv": None if args.only_reference else SAV_ARGV,
            },
            "machine": machine,
            "summary": summary,
            "targets": targets,
            "runs": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
