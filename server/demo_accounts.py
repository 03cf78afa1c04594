"""The demo accounts, which ``/health`` lists in demo mode for the login screen.

Here rather than in ``server.demo`` (which re-exports them): importing that package loads the
demo data's builders, and ``/health`` is the embedded backend's first request, which the
user's sign-in waits for.
"""

from __future__ import annotations

from client.models.enums import Role

DEMO_PASSWORD = "demo"

DEMO_ACCOUNTS: list[tuple[str, str, str, str | None]] = [
    ("tech", DEMO_PASSWORD, Role.TECHNICIAN.value, "249050"),
    ("manager", DEMO_PASSWORD, Role.MANAGER.value, "249050"),
    ("operator", DEMO_PASSWORD, Role.OPERATOR.value, None),
    ("tech2", DEMO_PASSWORD, Role.TECHNICIAN.value, "249117"),
]
"""(username, password, role, service centre code) of the accounts one can sign in with."""
