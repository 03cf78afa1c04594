"""The garbage collector around sav's start-up: off from the start (``pause``, in
``tui.cli.run_tui``), on again once the home screen is painted after the sign-in or at most
``RESUME_AT_MOST`` seconds after the start (``resume``, from ``SavApp``).

The start-up (Textual, the login screen, the HTTP client) makes ~60,000 objects and next to
no garbage: the collector's passes over them were ~10 % of the CPU before the first frame.
When it comes back, what the start-up left is collected once and what lives then (Textual,
the modules, the app) is frozen: the full passes while working (a ticket screen closed leaves
~24,000 objects in cycles) skip it. Opening a ticket of 200 entries, bench.tickets_tui
--open-only, 28 openings each, same minutes, load 2.5-3.6: p50 186 -> 169 ms, p95 319 -> 280
ms."""

from __future__ import annotations

import gc

RESUME_AT_MOST = 5.0
"""Seconds after the start when the collector is on again whatever happened."""


def pause() -> None:
    gc.disable()


def resume() -> None:
    """On again (once: later calls do nothing), after one collection and a freeze."""
    if gc.isenabled():
        return
    gc.collect()  # what the start-up left (the login screen), once, before the freeze
    gc.freeze()  # what exists now lives as long as the app: later passes skip it
    gc.enable()
