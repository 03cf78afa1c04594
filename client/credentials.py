"""Where the bearer token lives between sessions. Never the password.

Load order: the environment variable ``SAV_TOKEN`` (user name from ``SAV_USER``), then the
system keyring, then the opt-in 0600 file, then the process memory.
Save order: the keyring when it has a usable backend, else the 0600 file when the user asked
for it (``allow_file``), else memory for this session only. The environment is never written.

Every keyring call runs in a daemon thread bounded by ``keyring_timeout``: a keyring that
hangs or raises gives a human warning (in ``CredentialStore.warnings``) and the next store is
used, never a traceback nor a longer wait. A keyring that timed out is not asked again by the
same ``CredentialStore``.

The API is synchronous and thread-safe enough to be called from a Textual worker thread.
This module never imports Textual nor the server: it is part of ``client/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from client import profiles
from client.words import N_, tr

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = [
    "KEYRING_ACCOUNT",
    "STORE_ENVIRONMENT",
    "STORE_FILE",
    "STORE_KEYRING",
    "STORE_MEMORY",
    "TOKEN_ENV",
    "TOKEN_FILE_NAME",
    "USER_ENV",
    "CredentialStore",
    "StoredToken",
    "token_file_path",
]

TOKEN_ENV: Final = "SAV_TOKEN"
USER_ENV: Final = "SAV_USER"
TOKEN_FILE_NAME: Final = "tokens.json"
#: The keyring "user name" under which the JSON {username, token} is stored.
KEYRING_ACCOUNT: Final = "bearer-token"

STORE_ENVIRONMENT: Final = "environment"
STORE_KEYRING: Final = "keyring"
STORE_FILE: Final = "file"
STORE_MEMORY: Final = "memory"

_FILE_OPT_IN_HINT: Final = N_("use --store-token-in-file to keep it (0600 file)")
_MEMORY_ONLY: Final = N_("the token is kept in memory for this session only")

T = TypeVar("T")


@dataclass(frozen=True)
class StoredToken:
    """A token found in one of the stores. ``repr`` never shows the token."""

    username: str
    token: str = field(repr=False)
    store: str


# Tokens kept for the life of the process, keyed by server URL.
_MEMORY: dict[str, tuple[str, str]] = {}
_MEMORY_LOCK = threading.Lock()
# Serialises read-modify-write of the token file inside this process.
_FILE_LOCK = threading.RLock()


def token_file_path() -> Path:
    """The opt-in token file: ``config_dir()/tokens.json``."""
    return profiles.config_dir() / TOKEN_FILE_NAME


# --------------------------------------------------------------------------- keyring plumbing


class _NoBackend(Exception):
    """The keyring has no usable backend here (not an error: a normal situation)."""


class _KeyringFailed(Exception):
    """The keyring raised or did not answer in time; the message is for humans."""


@dataclass
class _KeyringAnswer(Generic[T]):
    value: T
    backend_name: str


def _backend_name(backend: KeyringBackend) -> str:
    try:
        return str(backend.name)
    except Exception:
        return type(backend).__name__


def _unusable_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` cannot keep a secret, or ``None`` when it can."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, chainer.ChainerBackend):
        # A chainer's priority is -1 with a single backend: judge it by its backends.
        return None if list(backend.backends) else "an empty chainer backend"
    try:
        priority = float(backend.priority)
    except Exception as exc:
        return f"{_backend_name(backend)} is not viable ({type(exc).__name__})"
    if priority <= 0:
        return f"{_backend_name(backend)} has priority {priority:g}"
    return None


def _describe_error(exc: BaseException, *secret_values: str) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    for value in secret_values:
        if value:
            text = text.replace(value, "***")
    text = text[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _parse_entry(value: Any) -> tuple[str, str] | None:
    """``(username, token)`` from a stored mapping, or ``None`` if it is not one."""
    if not isinstance(value, dict):
        return None
    username, token = value.get("username"), value.get("token")
    if not isinstance(username, str) or not isinstance(token, str) or not token:
        return None
    return username, token


def _entry(username: str, token: str) -> dict[str, str]:
    """What every store keeps: the user name and the token, nothing else."""
    return {"username": username, "token": token}


# --------------------------------------------------------------------------- the store


class CredentialStore:
    """The bearer token for one server, in the best store available here.

    ``warnings`` collects human messages (keyring trouble, plain-file storage, ...) for the
    caller to show; nothing here raises because of a broken keyring or a bad token file.
    """

    def __init__(
        self,
        server_url: str,
        *,
        allow_file: bool = False,
        keyring_timeout: float = 2.0,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if keyring_timeout <= 0:
            raise ValueError("keyring_timeout must be positive")
        self.server_url = server_url
        self.allow_file = allow_file
        self.keyring_timeout = keyring_timeout
        self._env: Mapping[str, str] = env if env is not None else os.environ
        self.warnings: list[str] = []
        # Set once the keyring timed out: it is not asked again by this store.
        self._keyring_off: str | None = None

    # ------------------------------------------------------------------ public API

    @property
    def service(self) -> str:
        """The keyring service name."""
        return f"sav:{self.server_url}"

    @property
    def file_path(self) -> Path:
        return token_file_path()

    def load(self) -> StoredToken | None:
        """The token to use: environment, keyring, file (if allowed), memory; else ``None``."""
        return self._locate()[0]

    def where(self) -> str:
        """Human text naming the store that holds the token now (what ``load`` would use)."""
        return self._locate()[1]

    def save(self, username: str, token: str) -> str:
        """Keep ``token`` for ``username``; returns the name of the store that took it."""
        if not token:
            raise ValueError("cannot store an empty token")
        payload = json.dumps(_entry(username, token))
        no_backend = False
        try:
            self._keyring(
                lambda backend: backend.set_password(self.service, KEYRING_ACCOUNT, payload),
                payload,
                token,
            )
        except _NoBackend:
            no_backend = True
        except _KeyringFailed as exc:
            self._warn(str(exc))
        else:
            self._forget_elsewhere(STORE_KEYRING)
            return STORE_KEYRING

        if self.allow_file:
            try:
                self._write_file_entry(username, token)
            except OSError as exc:
                self._warn(
                    f"cannot write the token file {self._file_label()} "
                    f"({_describe_error(exc, token)})"
                )
            else:
                self._warn(
                    tr("the token is stored in a plain file {path} with mode 0600").format(
                        path=self.file_path
                    )
                )
                self._forget_elsewhere(STORE_FILE)
                return STORE_FILE
            self._warn(tr(_MEMORY_ONLY))
        elif no_backend:
            self._warn(
                tr("keyring has no usable backend here: {memory}; {hint}").format(
                    memory=tr(_MEMORY_ONLY), hint=tr(_FILE_OPT_IN_HINT)
                )
            )
        else:
            self._warn(f"{tr(_MEMORY_ONLY)}; {tr(_FILE_OPT_IN_HINT)}")
        with _MEMORY_LOCK:
            _MEMORY[self.server_url] = (username, token)
        self._forget_elsewhere(STORE_MEMORY)
        return STORE_MEMORY

    def clear(self) -> list[str]:
        """Remove the token from every store we can write; returns the stores that held one.

        The environment cannot be changed from here: if ``SAV_TOKEN`` is set, a warning says
        so (and it is not in the returned list).
        """
        held: list[str] = []

        def delete(backend: KeyringBackend) -> bool:
            if backend.get_password(self.service, KEYRING_ACCOUNT) is None:
                return False
            from keyring.errors import PasswordDeleteError

            with contextlib.suppress(PasswordDeleteError):
                backend.delete_password(self.service, KEYRING_ACCOUNT)
            return True

        try:
            if self._keyring(delete).value:
                held.append(STORE_KEYRING)
        except _NoBackend:
            pass
        except _KeyringFailed as exc:
            self._warn(f"{exc}; the token may still be in the keyring")

        try:
            if self._remove_file_entry():
                held.append(STORE_FILE)
        except OSError as exc:
            self._warn(
                f"cannot update the token file {self._file_label()} ({_describe_error(exc)})"
            )

        with _MEMORY_LOCK:
            if _MEMORY.pop(self.server_url, None) is not None:
                held.append(STORE_MEMORY)

        if self._env.get(TOKEN_ENV):
            self._warn(
                tr("the environment variable {name} is set: unset it to log out").format(
                    name=TOKEN_ENV
                )
            )
        return held

    # ------------------------------------------------------------------ lookup

    def _locate(self) -> tuple[StoredToken | None, str]:
        env_token = self._env.get(TOKEN_ENV, "").strip()
        if env_token:
            username = self._env.get(USER_ENV, "")
            return (
                StoredToken(username, env_token, STORE_ENVIRONMENT),
                f"environment variable {TOKEN_ENV}",
            )

        try:
            answer = self._keyring(
                lambda backend: backend.get_password(self.service, KEYRING_ACCOUNT)
            )
        except _NoBackend:
            pass
        except _KeyringFailed as exc:
            self._warn(str(exc))
        else:
            if answer.value is not None:
                parsed = self._parse_keyring_value(answer.value)
                if parsed is not None:
                    return (
                        StoredToken(parsed[0], parsed[1], STORE_KEYRING),
                        f"keyring ({answer.backend_name})",
                    )

        if self.allow_file:
            entry = self._read_file(check_mode=True).get(self.server_url)
            if entry is not None:
                return (
                    StoredToken(entry[0], entry[1], STORE_FILE),
                    f"file {self.file_path} (0600)",
                )

        with _MEMORY_LOCK:
            memory = _MEMORY.get(self.server_url)
        if memory is not None:
            return StoredToken(memory[0], memory[1], STORE_MEMORY), "memory (this session only)"
        return None, "none"

    def _parse_keyring_value(self, value: str) -> tuple[str, str] | None:
        try:
            parsed = _parse_entry(json.loads(value))
        except ValueError:
            parsed = None
        if parsed is None:
            self._warn(f"ignoring an unreadable keyring entry for {self.service}")
        return parsed

    # ------------------------------------------------------------------ keyring

    def _keyring(
        self, operation: Callable[[KeyringBackend], T], *secret_values: str
    ) -> _KeyringAnswer[T]:
        """Run ``operation`` on the current keyring backend in a thread, within the timeout.

        Raises ``_NoBackend`` when no usable backend exists, ``_KeyringFailed`` when the
        backend raised or did not answer in time.
        """
        if self._keyring_off is not None:
            raise _KeyringFailed(self._keyring_off)
        outcome: list[tuple[str, Any, str]] = []

        def run() -> None:
            try:
                import keyring

                backend = keyring.get_keyring()
                reason = _unusable_reason(backend)
                if reason is not None:
                    outcome.append(("nobackend", reason, ""))
                    return
                name = _backend_name(backend)
                outcome.append(("ok", operation(backend), name))
            except BaseException as exc:  # a broken backend may raise anything
                outcome.append(("error", exc, ""))

        worker = threading.Thread(target=run, name="sav-keyring", daemon=True)
        worker.start()
        worker.join(self.keyring_timeout)
        if worker.is_alive() or not outcome:
            self._keyring_off = (
                f"keyring did not answer within {self.keyring_timeout:g} s; "
                "it is not used again in this session"
            )
            raise _KeyringFailed(self._keyring_off)
        kind, value, name = outcome[0]
        if kind == "nobackend":
            raise _NoBackend(str(value))
        if kind == "error":
            raise _KeyringFailed(f"keyring failed ({_describe_error(value, *secret_values)})")
        return _KeyringAnswer(value, name)

    # ------------------------------------------------------------------ file

    def _read_file(self, *, check_mode: bool) -> dict[str, tuple[str, str]]:
        """The valid entries of the token file; ``{}`` (plus a warning) when it cannot be used.

        With ``check_mode``, a file readable or writable by others (mode broader than 0600),
        owned by someone else, or not a regular file is refused.
        """
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        try:
            path = self.file_path
        except OSError as exc:
            self._warn(f"cannot reach the token file ({_describe_error(exc)})")
            return {}
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self._warn(f"ignoring the token file {path} ({_describe_error(exc)})")
            return {}
        with os.fdopen(fd, "r", encoding="utf-8") as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode):
                self._warn(f"ignoring the token file {path}: not a regular file")
                return {}
            if check_mode and os.name != "nt":
                mode = stat.S_IMODE(st.st_mode)
                if mode & 0o077:
                    self._warn(
                        f"refusing the token file {path}: its mode is {mode:04o}, broader "
                        f"than 0600 (run: chmod 600 {path})"
                    )
                    return {}
                uid = getattr(os, "getuid", None)
                if uid is not None and st.st_uid != uid():
                    self._warn(f"refusing the token file {path}: it belongs to another user")
                    return {}
            try:
                data = json.loads(handle.read())
            except (OSError, ValueError) as exc:
                self._warn(f"ignoring the token file {path}: unreadable ({type(exc).__name__})")
                return {}
        if not isinstance(data, dict):
            self._warn(f"ignoring the token file {path}: not a JSON object")
            return {}
        entries: dict[str, tuple[str, str]] = {}
        for url, value in data.items():
            parsed = _parse_entry(value)
            if isinstance(url, str) and parsed is not None:
                entries[url] = parsed
        return entries

    def _write_file(self, entries: dict[str, tuple[str, str]]) -> None:
        """Replace the token file atomically with a 0600 file holding ``entries``."""
        path = self.file_path
        if not entries:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return
        payload = json.dumps(
            {url: _entry(username, token) for url, (username, token) in entries.items()},
            indent=2,
        )
        profiles.write_private_file(path, payload + "\n")

    def _write_file_entry(self, username: str, token: str) -> None:
        with _FILE_LOCK:
            entries = self._read_file(check_mode=True)
            entries[self.server_url] = (username, token)
            self._write_file(entries)

    def _remove_file_entry(self) -> bool:
        """Drop this server's entry from the token file (whatever its mode); True if present."""
        with _FILE_LOCK:
            if not self.file_path.exists():
                return False
            entries = self._read_file(check_mode=False)
            if self.server_url not in entries:
                return False
            del entries[self.server_url]
            self._write_file(entries)
            return True

    # ------------------------------------------------------------------ helpers

    def _forget_elsewhere(self, kept_in: str) -> None:
        """After a save, drop stale copies in the file and memory stores (never the keyring)."""
        if kept_in != STORE_MEMORY:
            with _MEMORY_LOCK:
                _MEMORY.pop(self.server_url, None)
        if kept_in != STORE_FILE:
            try:
                self._remove_file_entry()
            except OSError as exc:
                self._warn(
                    f"cannot remove the old token from {self._file_label()} "
                    f"({_describe_error(exc)})"
                )

    def _file_label(self) -> str:
        try:
            return str(self.file_path)
        except OSError:
            return TOKEN_FILE_NAME

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
