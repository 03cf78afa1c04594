"""``make bench``: run every bench, then print one table: figure, measured, target, PASS/MISS.

``python -m bench.all [--only NAME ...] [--markdown] [--json PATH]``

Each bench runs as its own process (as it would alone), with ``SAV_BENCH_RESULTS`` pointing at
a file where it records its figures (``bench.results.record``). Its own report is printed as it
goes; the table comes at the end. The exit status is 1 when a bench failed to measure (not when
a figure misses its target: a MISS is a lead, not a broken build).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench.results import RESULTS_ENV, Figure, load, read

# (name, module, arguments): in the order they run. The quick ones come first.
BENCHES: list[tuple[str, str, list[str]]] = [
    ("startup", "bench.startup", []),
    ("search", "bench.search", []),
    ("keys", "bench.tickets_tui", []),
    ("catalogue", "bench.catalogue", []),
    ("memory", "bench.memory", []),
    ("server_cost", "bench.server_cost", []),
]


def _value(f: Figure) -> str:
    if f.unit == "x":
        return f"{f.value:.2f}×"
    if f.unit in ("rows/s", "req/s"):
        return f"{f.value:,.0f} {f.unit}"
    return f"{f.value:.1f} {f.unit}" if f.value < 100 else f"{f.value:,.0f} {f.unit}"


def _verdict(f: Figure) -> str:
    if f.passed is None:
        return ""
    return "PASS" if f.passed else "MISS"


def table(figures: list[Figure], markdown: bool = False) -> str:
    rows = [
        (f.name, _value(f), f.target or "–", _verdict(f), "" if f.load is None else f"{f.load:.2f}")
        for f in figures
    ]
    head = ("figure", "measured", "target", "", "load")
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    out = []
    for r in [head, *rows]:
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        out.append("  ".join(cells))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.all", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=[b[0] for b in BENCHES],
        help="run only this bench (repeatable)",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the table as Markdown (for the README)"
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--args",
        action="append",
        default=[],
        metavar="NAME=ARGS",
        help='more arguments for one bench, e.g. --args "keys=--runs 5" (repeatable)',
    )
    args = parser.parse_args(argv)
    more: dict[str, list[str]] = {}
    for given in args.args:
        name, _, rest = given.partition("=")
        if name not in {b[0] for b in BENCHES}:
            parser.error(f"--args {given!r}: no bench named {name!r}")
        more.setdefault(name, []).extend(shlex.split(rest))

    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sav-bench-") as tmp:
        results = Path(tmp) / "figures.jsonl"
        env = {**os.environ, RESULTS_ENV: str(results)}
        load_before = load()
        started = time.perf_counter()
        for name, module, default in BENCHES:
            if args.only and name not in args.only:
                continue
            extra = [*default, *more.get(name, [])]
            print(
                f"\n===== {name} (python -m {module} {' '.join(extra)}) load {load()}", flush=True
            )
            code = subprocess.call([sys.executable, "-m", module, *extra], env=env)
            if code != 0:
                failed.append(f"{name} (exit {code})")
        figures = read(results)
    minutes = (time.perf_counter() - started) / 60
    print(
        f"\n===== make bench: {len(figures)} figures in {minutes:.1f} min "
        f"(nproc {os.cpu_count()}, load {load_before} -> {load()}; targets hold on a quiet "
        f"machine, load < 1.5)\n"
    )
    print(table(figures, args.markdown))
    missed = [f for f in figures if f.passed is False]
    print(f"\n{sum(f.passed is True for f in figures)} pass, {len(missed)} miss", end="")
    print(f"; failed to measure: {', '.join(failed)}" if failed else "")
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in figures], indent=1, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
