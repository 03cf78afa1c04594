"""One table for ``make bench``: every bench records its figures here.

A bench calls :func:`record` for each figure it has a target for (and for the ones it only
reports). When ``python -m bench.all`` runs the benches it sets ``SAV_BENCH_RESULTS`` to a
file; each call appends one JSON line to it, and ``bench.all`` prints the table at the end:
figure, measured, target, PASS/MISS, with the machine's load when it was taken. Run alone, a
bench prints its own report and this module does nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_ENV = "SAV_BENCH_RESULTS"


@dataclass(frozen=True)
class Figure:
    bench: str
    """The module that measured it (``startup``, ``search``, ...)."""
    name: str
    """What was measured, as a reader of the table needs it ("search p95, SQLite 100k, phone")."""
    value: float
    unit: str
    """``ms``, ``s``, ``MiB``, ``x`` (a ratio), ``rows/s``, ``req/s``."""
    target: str | None = None
    """The target as written in bench/README.md ("≤ 20 ms"); None: reported only."""
    passed: bool | None = None
    load: float | None = None
    """The 1-minute load average when the figure was taken."""
    note: str = ""


def load() -> float:
    return round(os.getloadavg()[0], 2)


def record(
    bench: str,
    name: str,
    value: float,
    unit: str,
    target: str | None = None,
    passed: bool | None = None,
    note: str = "",
) -> Figure:
    """Keep one figure for ``bench.all``'s table (a no-op when no table is being made)."""
    figure = Figure(bench, name, round(value, 3), unit, target, passed, load(), note)
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(figure), ensure_ascii=False) + "\n")
    return figure


def read(path: Path) -> list[Figure]:
    if not path.exists():
        return []
    return [
        Figure(**json.loads(line))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
