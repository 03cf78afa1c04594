"""Fixtures for the SSH run: the real ``ssh`` client, an SSH server on loopback, ``sav``.

The database fixtures are the pty tests' own (a seeded SQLite copy per test). At the end
of the session a line says whether the SSH run ran, and how it ended, so CI's log shows
it even when pytest is quiet.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.pty.conftest import pty_database, pty_template, query  # noqa: F401 (fixtures)
from tests.pty.harness import ROOT, sav_argv, sav_env

if TYPE_CHECKING:
    from tests.ssh.server import LoopbackSshServer

SSH = shutil.which("ssh")


@dataclass
class SshSetup:
    """The server on loopback, and the ``ssh`` command line that reaches it."""

    server: LoopbackSshServer  # imported when needed: a missing asyncssh fails the fixture
    key: Path

    def client_argv(self, user: str = "technician") -> list[str]:
        assert SSH is not None
        return [
            SSH,
            "-tt",  # a pty on the server, even though ssh's own input is a pty already
            "-F",
            "/dev/null",  # none of the machine's or the user's ssh settings
            "-i",
            str(self.key),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",  # never a password prompt: the key or a clear failure
            "-o",
            "LogLevel=ERROR",  # no "Permanently added ... to known hosts" on the screen
            "-o",
            "ConnectTimeout=10",
            "-e",
            "none",  # no escape character: every key typed goes to sav
            "-p",
            str(self.server.port),
            f"{user}@127.0.0.1",
        ]


def ssh_version() -> str:
    if SSH is None:
        return "no ssh"
    done = subprocess.run([SSH, "-V"], capture_output=True, text=True, timeout=10)
    return (done.stderr or done.stdout).strip()


@pytest.fixture
def ssh_setup(pty_database: Path, tmp_path: Path) -> Iterator[SshSetup]:  # noqa: F811
    """An SSH server on 127.0.0.1 (a free port) whose sessions run ``sav`` on this test's
    database, and a throwaway key pair that it alone accepts."""
    if SSH is None:
        pytest.skip(
            "the SSH run was SKIPPED: no OpenSSH client (`ssh`) on this machine "
            "(apt-get install openssh-client; .ci/run installs it when it can)"
        )
    import asyncssh

    from tests.ssh.server import LoopbackSshServer

    key = asyncssh.generate_private_key("ssh-ed25519", comment="sav-ssh-test")
    key_path = tmp_path / "id_ed25519"
    key.write_private_key(str(key_path))
    key_path.chmod(0o600)  # ssh refuses a key that others can read
    home = tmp_path / "server-home"
    home.mkdir()
    server = LoopbackSshServer(
        sav_argv(f"sqlite+aiosqlite:///{pty_database}"),
        env=sav_env(home),
        cwd=ROOT,
        client_key=key,
    )
    server.start()
    try:
        yield SshSetup(server, key_path)
    finally:
        server.close()


# ---------------------------------------------------------------------- the CI line

_outcomes: dict[str, str] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "tests/ssh/" not in report.nodeid.replace("\\", "/"):
        return
    if report.when == "call" or report.outcome != "passed":
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            _outcomes[report.nodeid] = "skipped: " + reason.removeprefix("Skipped: ")
        else:
            _outcomes[report.nodeid] = f"{report.outcome} in {report.duration:.1f} s"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _outcomes:
        return
    write = terminalreporter.write_line
    if all(outcome.startswith("skipped") for outcome in _outcomes.values()):
        write(f"== SSH run SKIPPED ({len(_outcomes)} tests): {next(iter(_outcomes.values()))}")
        return
    write(f"== SSH run RAN: {ssh_version()} -> asyncssh server on 127.0.0.1 -> sav in a pty")
    for nodeid, outcome in _outcomes.items():
        write(f"==   {nodeid.rsplit('::', 1)[-1]}: {outcome}")
