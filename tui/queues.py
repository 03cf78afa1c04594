"""Saved ticket searches ("queues"), per server and user, switched by number keys.

A queue is a name and a search line (``tui.ticket_filter``). They live in
``queues.json`` in the config folder, keyed by server and user name, so that two
people on one machine, or one person on two servers, each keep their own. A user who
has saved none gets the default set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from client.profiles import config_dir, write_private_file
from tui.i18n import N_

MAX_QUEUES = 9


@dataclass(frozen=True)
class Queue:
    name: str
    text: str


DEFAULT_QUEUES = (
    Queue(N_("All"), ""),
    Queue(N_("To contact"), "st:to_contact,unreachable"),
    Queue(N_("Overdue"), "is:overdue"),
    Queue(N_("Waiting for parts"), "is:parts"),
    Queue(N_("To verify"), "st:closed"),
)


def queues_path() -> Path:
    return config_dir() / "queues.json"


def _read(path: Path) -> dict[str, list[dict[str, str]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load(server: str, user: str) -> list[Queue] | None:
    """The queues saved for this server and user, or None when they never saved any."""
    entries = _read(queues_path()).get(f"{server}|{user}")
    if not isinstance(entries, list):
        return None
    out = []
    for entry in entries[:MAX_QUEUES]:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            out.append(Queue(entry["name"], str(entry.get("text", ""))))
    return out


def save(server: str, user: str, queues: list[Queue]) -> Path:
    path = queues_path()
    data = _read(path)
    data[f"{server}|{user}"] = [{"name": q.name, "text": q.text} for q in queues[:MAX_QUEUES]]
    write_private_file(path, json.dumps(data, indent=2, ensure_ascii=False))
    return path
