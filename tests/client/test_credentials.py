# mypy: disable-error-code="no-untyped-call"
"""Token storage: environment, keyring (bounded by a timeout), opt-in 0600 file, memory."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from client import credentials
from client.credentials import CredentialStore, StoredToken

# Resolve the machine's real backend before the fake backends below exist (they are also
# marked non-viable so keyring's auto-detection can never pick them).
REAL_BACKEND = keyring.get_keyring()

URL = "https://sav.example.test"
OTHER_URL = "https://other.example.test"
TOKEN = "tok-0123456789abcdef"
PASSWORD = "hunter2-correct-horse"
SERVICE = f"sav:{URL}"


class FakeKeyring(KeyringBackend):
    """An in-memory keyring with a usable priority."""

    priority = 1
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.storage: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.storage.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.storage[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.storage.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class HangingKeyring(KeyringBackend):
    """A keyring whose every call blocks (like a locked desktop keyring waiting for a prompt)."""

    priority = 1
    viable = False
    release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(10)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(10)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(10)


class RaisingKeyring(KeyringBackend):
    """A broken backend: every call raises, and the message echoes what it was given."""

    priority = 1
    viable = False

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("dbus exploded")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("dbus exploded")


class EmptyChainer(chainer.ChainerBackend):
    backends = []
    viable = False


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SAV_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SAV_TOKEN", raising=False)
    monkeypatch.delenv("SAV_USER", raising=False)
    credentials._MEMORY.clear()
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)
    credentials._MEMORY.clear()


@pytest.fixture
def fake() -> FakeKeyring:
    backend = FakeKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def no_backend() -> None:
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def hanging() -> Iterator[None]:
    HangingKeyring.release.clear()
    keyring.set_keyring(HangingKeyring())
    yield
    HangingKeyring.release.set()  # let the abandoned worker threads finish


def token_file() -> Path:
    return credentials.token_file_path()


def write_token_file(entries: dict[str, dict[str, str]], mode: int = 0o600) -> Path:
    path = token_file()
    path.write_text(json.dumps(entries))
    path.chmod(mode)
    return path


def file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- environment


def test_environment_wins_over_every_other_store(fake: FakeKeyring) -> None:
    fake.storage[(SERVICE, credentials.KEYRING_ACCOUNT)] = json.dumps(
        {"username": "kr", "token": "from-keyring"}
    )
    write_token_file({URL: {"username": "fi", "token": "from-file"}})
    credentials._MEMORY[URL] = ("me", "from-memory")
    env = {"SAV_TOKEN": "from-env", "SAV_USER": "envuser"}

    store = CredentialStore(URL, allow_file=True, env=env)

    assert store.load() == StoredToken("envuser", "from-env", "environment")
    assert store.where() == "environment variable SAV_TOKEN"


def test_environment_from_os_environ_and_default_username(
    no_backend: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAV_TOKEN", "from-env")
    loaded = CredentialStore(URL).load()
    assert loaded == StoredToken("", "from-env", "environment")


def test_save_never_writes_the_environment(fake: FakeKeyring) -> None:
    env: dict[str, str] = {}
    store = CredentialStore(URL, env=env)
    assert store.save("alice", TOKEN) == "keyring"
    assert env == {}
    assert "SAV_TOKEN" not in os.environ


# --------------------------------------------------------------------------- no backend


@pytest.mark.parametrize(
    "backend", [fail.Keyring(), null.Keyring(), EmptyChainer()], ids=["fail", "null", "chainer"]
)
def test_no_usable_backend_keeps_the_token_in_memory_with_a_warning(
    backend: KeyringBackend,
) -> None:
    keyring.set_keyring(backend)
    store = CredentialStore(URL)

    assert store.save("alice", TOKEN) == "memory"

    assert store.warnings == [
        "keyring has no usable backend here: the token is kept in memory for this session "
        "only; use --store-token-in-file to keep it (0600 file)"
    ]
    assert not token_file().exists()
    # The memory store lives for the process: a new store for the same server finds it.
    assert CredentialStore(URL).load() == StoredToken("alice", TOKEN, "memory")
    assert CredentialStore(URL).where() == "memory (this session only)"
    assert CredentialStore(OTHER_URL).load() is None
    assert CredentialStore(OTHER_URL).where() == "none"


@pytest.mark.skipif(
    credentials._unusable_reason(REAL_BACKEND) is None,
    reason="this machine has a real keyring backend",
)
def test_machine_without_keyring_backend_falls_back_quietly_on_load() -> None:
    keyring.set_keyring(REAL_BACKEND)
    store = CredentialStore(URL)
    started = time.monotonic()
    assert store.load() is None
    assert store.warnings == []  # having no keyring is normal, not an error
    assert store.save("alice", TOKEN) == "memory"
    assert "keyring has no usable backend here" in store.warnings[0]
    assert store.load() == StoredToken("alice", TOKEN, "memory")
    assert time.monotonic() - started < 2.0


def test_no_backend_uses_the_file_only_when_allowed(no_backend: None) -> None:
    assert CredentialStore(URL).save("alice", TOKEN) == "memory"
    assert not token_file().exists()

    store = CredentialStore(URL, allow_file=True)
    assert store.save("alice", TOKEN) == "file"

    path = token_file()
    assert path.exists()
    assert file_mode(path) == 0o600
    assert store.warnings == [f"the token is stored in a plain file {path} with mode 0600"]
    assert CredentialStore(URL, allow_file=True).load() == StoredToken("alice", TOKEN, "file")
    assert CredentialStore(URL, allow_file=True).where() == f"file {path} (0600)"
    # The memory copy was superseded by the file; without the opt-in the file is not read.
    assert CredentialStore(URL).load() is None


def test_file_is_0600_even_with_a_permissive_umask(no_backend: None) -> None:
    old = os.umask(0)
    try:
        CredentialStore(URL, allow_file=True).save("alice", TOKEN)
    finally:
        os.umask(old)
    assert file_mode(token_file()) == 0o600


def test_file_keeps_other_servers_and_holds_only_username_and_token(no_backend: None) -> None:
    CredentialStore(OTHER_URL, allow_file=True).save("bob", "other-token")
    CredentialStore(URL, allow_file=True).save("alice", TOKEN)

    raw = token_file().read_text()
    assert PASSWORD not in raw
    data = json.loads(raw)
    assert data == {
        OTHER_URL: {"username": "bob", "token": "other-token"},
        URL: {"username": "alice", "token": TOKEN},
    }
    assert list(token_file().parent.glob("*.tmp")) == []


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_token_file_broader_than_0600_is_refused(no_backend: None, mode: int) -> None:
    write_token_file({URL: {"username": "alice", "token": TOKEN}}, mode=mode)
    store = CredentialStore(URL, allow_file=True)

    assert store.load() is None
    assert len(store.warnings) == 1
    assert f"{mode:04o}" in store.warnings[0]
    assert "broader than 0600" in store.warnings[0]


def test_broken_token_file_gives_a_warning_not_a_traceback(no_backend: None) -> None:
    path = token_file()
    path.write_text("{not json")
    path.chmod(0o600)
    store = CredentialStore(URL, allow_file=True)
    assert store.load() is None
    assert store.warnings and "ignoring the token file" in store.warnings[0]
    # Saving replaces the broken file with a good one.
    assert store.save("alice", TOKEN) == "file"
    assert CredentialStore(URL, allow_file=True).load() == StoredToken("alice", TOKEN, "file")


def test_symlinked_token_file_is_refused(no_backend: None, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps({URL: {"username": "mallory", "token": "planted"}}))
    target.chmod(0o600)
    token_file().symlink_to(target)
    store = CredentialStore(URL, allow_file=True)
    assert store.load() is None
    assert store.warnings


def test_unusable_config_dir_never_raises(
    no_backend: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SAV_HOME", str(blocker / "home"))  # cannot be created
    store = CredentialStore(URL, allow_file=True)

    assert store.load() is None
    assert store.save("alice", TOKEN) == "memory"
    assert store.load() == StoredToken("alice", TOKEN, "memory")
    assert store.clear() == ["memory"]
    assert any("token file" in warning for warning in store.warnings)
    assert all(TOKEN not in warning for warning in store.warnings)


# --------------------------------------------------------------------------- keyring


def test_usable_keyring_takes_the_token(fake: FakeKeyring) -> None:
    store = CredentialStore(URL, allow_file=True)

    assert store.save("alice", TOKEN) == "keyring"

    assert store.warnings == []
    assert list(fake.storage) == [(SERVICE, credentials.KEYRING_ACCOUNT)]
    value = fake.storage[(SERVICE, credentials.KEYRING_ACCOUNT)]
    assert json.loads(value) == {"username": "alice", "token": TOKEN}
    assert not token_file().exists()
    assert URL not in credentials._MEMORY
    assert CredentialStore(URL).load() == StoredToken("alice", TOKEN, "keyring")
    assert CredentialStore(URL).where() == f"keyring ({FakeKeyring.name})"


def test_password_is_never_stored(fake: FakeKeyring) -> None:
    """The API takes no password; check every store holds only username and token."""
    CredentialStore(URL).save("alice", TOKEN)
    keyring.set_keyring(fail.Keyring())
    CredentialStore(OTHER_URL, allow_file=True).save("alice", TOKEN)
    CredentialStore("https://third.example.test").save("alice", TOKEN)

    for value in fake.storage.values():
        assert PASSWORD not in value
        assert set(json.loads(value)) == {"username", "token"}
    raw = token_file().read_text()
    assert PASSWORD not in raw
    assert all(set(entry) == {"username", "token"} for entry in json.loads(raw).values())
    assert all(PASSWORD not in part for entry in credentials._MEMORY.values() for part in entry)


def test_saving_to_the_keyring_removes_stale_file_and_memory_copies(fake: FakeKeyring) -> None:
    write_token_file(
        {
            URL: {"username": "old", "token": "old-file"},
            OTHER_URL: {"username": "bob", "token": "keep-me"},
        }
    )
    credentials._MEMORY[URL] = ("old", "old-memory")

    assert CredentialStore(URL, allow_file=True).save("alice", TOKEN) == "keyring"

    assert URL not in credentials._MEMORY
    assert json.loads(token_file().read_text()) == {
        OTHER_URL: {"username": "bob", "token": "keep-me"}
    }


def test_unreadable_keyring_entry_is_skipped_with_a_warning(fake: FakeKeyring) -> None:
    fake.storage[(SERVICE, credentials.KEYRING_ACCOUNT)] = "not json at all"
    credentials._MEMORY[URL] = ("alice", TOKEN)
    store = CredentialStore(URL)
    assert store.load() == StoredToken("alice", TOKEN, "memory")
    assert store.warnings == [f"ignoring an unreadable keyring entry for {SERVICE}"]


def test_hanging_keyring_is_bounded_by_the_timeout(hanging: None) -> None:
    store = CredentialStore(URL, keyring_timeout=0.3)

    started = time.monotonic()
    assert store.load() is None
    assert time.monotonic() - started < 0.8
    assert store.warnings == [
        "keyring did not answer within 0.3 s; it is not used again in this session"
    ]

    # Not asked again: saving falls back at once.
    started = time.monotonic()
    assert store.save("alice", TOKEN) == "memory"
    assert time.monotonic() - started < 0.2
    assert any("kept in memory for this session only" in w for w in store.warnings)
    assert store.load() == StoredToken("alice", TOKEN, "memory")


def test_hanging_keyring_on_save_falls_back_to_the_allowed_file(hanging: None) -> None:
    store = CredentialStore(URL, allow_file=True, keyring_timeout=0.3)
    started = time.monotonic()
    assert store.save("alice", TOKEN) == "file"
    assert time.monotonic() - started < 0.8
    assert file_mode(token_file()) == 0o600
    assert "did not answer within 0.3 s" in store.warnings[0]


def test_hanging_keyring_on_clear_is_bounded(hanging: None) -> None:
    credentials._MEMORY[URL] = ("alice", TOKEN)
    store = CredentialStore(URL, keyring_timeout=0.3)
    started = time.monotonic()
    assert store.clear() == ["memory"]
    assert time.monotonic() - started < 0.8
    assert "the token may still be in the keyring" in store.warnings[0]


def test_raising_keyring_gives_warnings_and_falls_back() -> None:
    keyring.set_keyring(RaisingKeyring())
    store = CredentialStore(URL)

    assert store.load() is None
    assert store.warnings == ["keyring failed (RuntimeError: dbus exploded)"]

    assert store.save("alice", TOKEN) == "memory"
    assert store.load() == StoredToken("alice", TOKEN, "memory")
    # The backend's error message echoed the stored value: it must be redacted.
    assert all(TOKEN not in warning for warning in store.warnings)
    assert "keyring failed (RuntimeError: cannot store ***)" in store.warnings
    assert store.clear() == ["memory"]


# --------------------------------------------------------------------------- clear


def test_clear_removes_the_token_from_every_store(fake: FakeKeyring) -> None:
    fake.storage[(SERVICE, credentials.KEYRING_ACCOUNT)] = json.dumps(
        {"username": "alice", "token": TOKEN}
    )
    write_token_file(
        {
            URL: {"username": "alice", "token": TOKEN},
            OTHER_URL: {"username": "bob", "token": "keep-me"},
        }
    )
    credentials._MEMORY[URL] = ("alice", TOKEN)
    credentials._MEMORY[OTHER_URL] = ("bob", "keep-me")

    store = CredentialStore(URL)  # clearing does not need the file opt-in
    assert store.clear() == ["keyring", "file", "memory"]

    assert fake.storage == {}
    assert json.loads(token_file().read_text()) == {
        OTHER_URL: {"username": "bob", "token": "keep-me"}
    }
    assert credentials._MEMORY == {OTHER_URL: ("bob", "keep-me")}
    assert CredentialStore(URL, allow_file=True).load() is None
    assert CredentialStore(URL, allow_file=True).where() == "none"
    assert store.clear() == []


def test_clear_removes_the_last_entry_and_the_file(no_backend: None) -> None:
    CredentialStore(URL, allow_file=True).save("alice", TOKEN)
    assert CredentialStore(URL).clear() == ["file"]
    assert not token_file().exists()


def test_clear_also_scrubs_an_insecure_file(no_backend: None) -> None:
    write_token_file({URL: {"username": "alice", "token": TOKEN}}, mode=0o644)
    assert CredentialStore(URL).clear() == ["file"]
    assert not token_file().exists()


def test_clear_warns_that_the_environment_cannot_be_cleared(fake: FakeKeyring) -> None:
    store = CredentialStore(URL, env={"SAV_TOKEN": "from-env"})
    store.save("alice", TOKEN)
    assert store.clear() == ["keyring"]
    assert store.warnings == ["the environment variable SAV_TOKEN is set: unset it to log out"]
    assert store.load() == StoredToken("", "from-env", "environment")


# --------------------------------------------------------------------------- misc


def test_stored_token_repr_hides_the_token() -> None:
    assert TOKEN not in repr(StoredToken("alice", TOKEN, "memory"))


def test_empty_token_and_bad_timeout_are_rejected() -> None:
    with pytest.raises(ValueError):
        CredentialStore(URL).save("alice", "")
    with pytest.raises(ValueError):
        CredentialStore(URL, keyring_timeout=0)
