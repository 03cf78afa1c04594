"""Where sav keeps its files, and the user's settings (server profiles, language, ...).

Every path comes from :mod:`platformdirs` (application name ``sav``) unless the environment
variable ``SAV_HOME`` is set: then data, configuration and runtime files all live under it
(``$SAV_HOME/data``, ``$SAV_HOME/config``, ``$SAV_HOME/run``). Tests and benchmarks use it to
isolate themselves from the user's real files.

This module never imports Textual nor the server: it is part of ``client/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import stat
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

__all__ = [
    "APP_NAME",
    "CONFIG_FILE_NAME",
    "SAV_HOME_ENV",
    "Profile",
    "Settings",
    "UnknownProfileError",
    "config_dir",
    "config_path",
    "data_dir",
    "default_database_url",
    "is_server_url",
    "load_settings",
    "resolve_server",
    "runtime_dir",
    "save_settings",
]

APP_NAME = "sav"
SAV_HOME_ENV = "SAV_HOME"
CONFIG_FILE_NAME = "config.json"

_URL_SCHEMES = ("http://", "https://")
GLYPH_MODES = ("ascii", "unicode", "auto")


# --------------------------------------------------------------------------- paths


def _sav_home() -> Path | None:
    value = os.environ.get(SAV_HOME_ENV, "").strip()
    if not value:
        return None
    return Path(value).expanduser()


def _make_dir(path: Path, mode: int = 0o700) -> Path:
    path.mkdir(mode=mode, parents=True, exist_ok=True)
    return path


def _user_dir(under_home: str, platform_dir: Callable[..., str]) -> Path:
    home = _sav_home()
    if home is not None:
        return _make_dir(home / under_home)
    return _make_dir(Path(platform_dir(APP_NAME, appauthor=False)))


def data_dir() -> Path:
    """The user data directory (SQLite database of the embedded backend), created if needed."""
    return _user_dir("data", platformdirs.user_data_dir)


def config_dir() -> Path:
    """The user configuration directory (``config.json``, the opt-in token file), created."""
    return _user_dir("config", platformdirs.user_config_dir)


def config_path() -> Path:
    """The settings file: ``config_dir()/config.json``."""
    return config_dir() / CONFIG_FILE_NAME


def _current_uid() -> int | None:
    getuid = getattr(os, "getuid", None)
    return int(getuid()) if getuid is not None else None


def _ensure_private_dir(path: Path) -> Path:
    """Create ``path`` with mode 0700, or make an existing one 0700.

    Refuses (``OSError``) a symlink, a non-directory, or a directory owned by another user:
    the embedded backend's socket must not be reachable by anyone else.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = path.lstat()
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(f"{path} is not a plain directory")
    uid = _current_uid()
    if uid is not None and st.st_uid != uid:
        raise PermissionError(f"{path} belongs to another user")
    if os.name != "nt" and stat.S_IMODE(st.st_mode) != 0o700:
        path.chmod(0o700)
        if stat.S_IMODE(path.lstat().st_mode) != 0o700:
            raise PermissionError(f"cannot make {path} private (mode 0700)")
    if not os.access(path, os.W_OK | os.X_OK):
        raise PermissionError(f"{path} is not writable")
    return path


_fallback_runtime_dir: Path | None = None


def runtime_dir() -> Path:
    """A private directory (mode 0700) for the embedded backend's Unix socket.

    ``$SAV_HOME/run`` when ``SAV_HOME`` is set (an error there is raised, the user asked for
    that place); otherwise platformdirs' user runtime dir, falling back to
    ``<tempdir>/sav-<uid>``, and as a last resort a fresh ``mkdtemp`` directory kept for the
    life of the process.
    """
    global _fallback_runtime_dir
    home = _sav_home()
    if home is not None:
        return _ensure_private_dir(home / "run")

    candidates: list[Path] = []
    with contextlib.suppress(Exception):
        candidates.append(Path(platformdirs.user_runtime_dir(APP_NAME, appauthor=False)))
    uid = _current_uid()
    user_tag = str(uid) if uid is not None else _safe_user_name()
    candidates.append(Path(tempfile.gettempdir()) / f"{APP_NAME}-{user_tag}")
    for candidate in candidates:
        try:
            return _ensure_private_dir(candidate)
        except OSError:
            continue
    if _fallback_runtime_dir is not None and _fallback_runtime_dir.is_dir():
        return _fallback_runtime_dir
    _fallback_runtime_dir = Path(tempfile.mkdtemp(prefix=f"{APP_NAME}-{user_tag}-"))
    return _fallback_runtime_dir


def _safe_user_name() -> str:
    try:
        import getpass

        name = getpass.getuser()
    except Exception:
        return "user"
    return "".join(ch for ch in name if ch.isalnum() or ch in "-_") or "user"


def default_database_url() -> str:
    """The embedded backend's SQLite database, in the user data directory."""
    return f"sqlite+aiosqlite:///{data_dir() / 'sav.db'}"


# --------------------------------------------------------------------------- settings


def is_server_url(value: str) -> bool:
    """True for an ``http://`` or ``https://`` URL with a host."""
    lowered = value.strip().lower()
    return lowered.startswith(_URL_SCHEMES) and len(lowered.split("://", 1)[1].strip("/")) > 0


@dataclass(frozen=True)
class Profile:
    """A saved team server: ``sav --server NAME`` connects to ``url``.

    Plain dataclasses, not pydantic, on purpose: ``sav`` reads the settings before its
    first frame, and importing pydantic there would cost a visible fraction of a second.
    """

    name: str
    url: str

    def __post_init__(self) -> None:
        name, url = str(self.name).strip(), str(self.url).strip()
        if not name:
            raise ValueError("a profile name cannot be empty")
        if "://" in name or any(ch.isspace() for ch in name):
            raise ValueError("a profile name cannot contain spaces or '://'")
        if not is_server_url(url):
            raise ValueError("a server URL must start with http:// or https:// and name a host")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "url", url)


LANGUAGES = ("en", "fr", "it")
"""The interface's languages (``tui.i18n.LANGUAGES``, ``client.models.Language``)."""

CSV_FORMATS = ("spreadsheet", "machine")
"""The values of ``client.models.CsvFormat`` (not imported here: this module loads before
the first frame, the wire models after it)."""


@dataclass
class Settings:
    """The content of ``config.json``.

    ``warnings`` (not saved) holds human messages produced while loading, e.g. why a broken
    file was ignored.
    """

    language: str | None = None
    """The language the login screen shows first (the last one chosen on this terminal: F3
    there, or ``:lang``); after sign-in the user's profile's, unless chosen in the session."""
    store_token_in_file: bool = False
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    csv: str = "spreadsheet"
    """How exports are written (``client.models.CsvFormat``): ``spreadsheet`` in the
    interface's language, or ``machine`` (codes, ``,``, ISO 8601 UTC) for scripts."""
    glyphs: str | None = None
    """``"ascii"`` (what a Linux console's font has), ``"unicode"``, or ``None``/``"auto"``:
    ascii on a Linux console (``TERM=linux``), unicode elsewhere; ``SAV_GLYPHS`` wins."""
    mouse: bool = False
    """Whether the terminal reports the mouse to sav (``--mouse`` does the same): off, mouse
    moves over the window send nothing over the line."""
    cursor_blink: bool = False
    """Whether the cursor of a text field blinks (each blink repaints it: bytes while idle)."""
    print_command: str | None = None
    """The command a PDF produced by sav is sent to, the file's path appended (``lp -d
    PRINTER``; split as a shell would, run without a shell); none: PDFs are only saved."""
    warnings: list[str] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Validate a decoded ``config.json``; ``ValueError`` names what is wrong."""
        language = _optional_str(data, "language")
        if language is not None and language not in LANGUAGES:
            raise ValueError(f"language: one of {', '.join(LANGUAGES)}")
        default_profile = _optional_str(data, "default_profile")
        store = data.get("store_token_in_file", False)
        if not isinstance(store, bool):
            raise ValueError("store_token_in_file: must be true or false")
        raw_profiles = data.get("profiles", {})
        if not isinstance(raw_profiles, dict):
            raise ValueError("profiles: must be an object of name -> {url}")
        profiles: dict[str, Profile] = {}
        for key, value in raw_profiles.items():
            if not isinstance(value, dict):
                raise ValueError(f"profiles.{key}: must be an object with a url")
            try:
                profile = Profile(
                    name=str(value.get("name") or key), url=str(value.get("url") or "")
                )
            except ValueError as exc:
                raise ValueError(f"profiles.{key}: {exc}") from exc
            if profile.name != key:
                raise ValueError(f"profile {key!r} is saved under the name {profile.name!r}")
            profiles[key] = profile
        csv = data.get("csv", "spreadsheet")
        if csv not in CSV_FORMATS:
            raise ValueError('csv: must be "spreadsheet" or "machine"')
        glyphs = _optional_str(data, "glyphs")
        if glyphs is not None and glyphs not in GLYPH_MODES:
            raise ValueError(f"glyphs: one of {', '.join(GLYPH_MODES)}")
        glyphs = None if glyphs == "auto" else glyphs
        flags = {}
        for key in ("mouse", "cursor_blink"):
            flags[key] = data.get(key, False)
            if not isinstance(flags[key], bool):
                raise ValueError(f"{key}: must be true or false")
        print_command = _optional_str(data, "print_command")
        if print_command is not None:
            try:
                words = shlex.split(print_command)
            except ValueError as exc:
                raise ValueError(f"print_command: {exc}") from None
            print_command = print_command.strip() if words else None
        return cls(
            language,
            store,
            default_profile,
            profiles,
            csv,
            glyphs,
            print_command=print_command,
            **flags,
        )

    def model_dump(self) -> dict[str, Any]:
        """What is saved (everything but the warnings)."""
        data = asdict(self)
        data.pop("warnings")
        return data


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key}: must be a string")
    return value


def load_settings() -> Settings:
    """Read ``config_dir()/config.json``.

    A missing file gives the defaults. A broken one (unreadable, not JSON, invalid values)
    gives the defaults too, with a message in ``settings.warnings``; never an exception.
    """
    try:
        path = config_path()
    except OSError as exc:
        settings = Settings()
        settings.warnings.append(f"cannot open the configuration directory ({exc}); using defaults")
        return settings
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        return _broken(path, f"cannot read it ({type(exc).__name__}: {exc})")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        return _broken(path, f"it is not valid JSON ({exc})")
    if not isinstance(data, dict):
        return _broken(path, "it does not contain a JSON object")
    try:
        return Settings.from_dict(data)
    except ValueError as exc:
        return _broken(path, f"invalid settings ({exc})")


def _broken(path: Path, reason: str) -> Settings:
    settings = Settings()
    settings.warnings.append(f"ignoring the settings file {path}: {reason}; using the defaults")
    return settings


def write_private_file(path: Path, text: str) -> None:
    """Replace ``path`` atomically (temporary file, fsync, rename) with a 0600 file."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:  # mkstemp creates the file 0600, with O_EXCL: nobody else can have it open
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    os.chmod(path, 0o600)


def save_settings(settings: Settings) -> Path:
    """Write ``config.json`` atomically; returns its path."""
    path = config_path()
    write_private_file(path, json.dumps(settings.model_dump(), indent=2) + "\n")
    return path


# --------------------------------------------------------------------------- server choice


class UnknownProfileError(ValueError):
    """``--server`` names neither a saved profile nor an http(s) URL."""


def resolve_server(url_or_profile: str | None, settings: Settings) -> str | None:
    """The server URL to talk to, or ``None`` for the embedded backend.

    A saved profile name gives its URL; an ``http(s)://`` URL is returned as is; ``None``
    gives the default profile's URL, or ``None`` when there is no default profile.
    Raises :class:`UnknownProfileError` for anything else (or a dangling default profile).
    """
    if url_or_profile is None:
        name = settings.default_profile
        if not name:
            return None
        profile = settings.profiles.get(name)
        if profile is None:
            raise UnknownProfileError(
                f"the default profile {name!r} is not defined in {CONFIG_FILE_NAME}"
                + _known(settings)
            )
        return profile.url
    value = url_or_profile.strip()
    profile = settings.profiles.get(value)
    if profile is not None:
        return profile.url
    if is_server_url(value):
        return value
    raise UnknownProfileError(
        f"{url_or_profile!r} is neither a saved profile nor an http(s):// URL" + _known(settings)
    )


def _known(settings: Settings) -> str:
    if not settings.profiles:
        return " (no profiles are saved)"
    return " (saved profiles: " + ", ".join(sorted(settings.profiles)) + ")"
