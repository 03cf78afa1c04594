"""Paths under platformdirs / SAV_HOME, settings file, server resolution."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

import platformdirs
import pytest

from client import profiles
from client.profiles import Profile, Settings, UnknownProfileError, resolve_server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SAV_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- paths


def test_sav_home_isolates_every_path(home: Path) -> None:
    assert profiles.data_dir() == home / "data"
    assert profiles.config_dir() == home / "config"
    assert profiles.runtime_dir() == home / "run"
    assert (home / "data").is_dir() and (home / "config").is_dir()
    assert profiles.default_database_url() == f"sqlite+aiosqlite:///{home / 'data' / 'sav.db'}"


def test_runtime_dir_is_private(home: Path) -> None:
    assert mode_of(profiles.runtime_dir()) == 0o700


def test_runtime_dir_is_made_private_if_it_already_exists(home: Path) -> None:
    (home / "run").mkdir(parents=True, mode=0o755)
    (home / "run").chmod(0o755)
    assert mode_of(profiles.runtime_dir()) == 0o700


def test_without_sav_home_platformdirs_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAV_HOME", raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "d"))
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda *a, **k: str(tmp_path / "c"))
    monkeypatch.setattr(platformdirs, "user_runtime_dir", lambda *a, **k: str(tmp_path / "r"))
    assert profiles.data_dir() == tmp_path / "d"
    assert profiles.config_dir() == tmp_path / "c"
    assert profiles.runtime_dir() == tmp_path / "r"
    assert mode_of(tmp_path / "r") == 0o700
    assert profiles.default_database_url().endswith(f"{tmp_path / 'd' / 'sav.db'}")


def test_empty_sav_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAV_HOME", "")
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "d"))
    assert profiles.data_dir() == tmp_path / "d"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_runtime_dir_falls_back_to_the_temp_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAV_HOME", raising=False)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    # Unusable even for root: a parent that is a regular file.
    monkeypatch.setattr(platformdirs, "user_runtime_dir", lambda *a, **k: str(blocker / "sav"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()

    path = profiles.runtime_dir()

    assert path == tmp_path / "tmp" / f"sav-{os.getuid()}"
    assert mode_of(path) == 0o700


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_runtime_dir_refuses_a_symlink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAV_HOME", raising=False)
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setattr(platformdirs, "user_runtime_dir", lambda *a, **k: str(link))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert profiles.runtime_dir() == tmp_path / "tmp" / f"sav-{os.getuid()}"


def test_runtime_dir_when_platformdirs_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAV_HOME", raising=False)

    def unavailable(*args: object, **kwargs: object) -> str:
        raise RuntimeError("no runtime dir")

    monkeypatch.setattr(platformdirs, "user_runtime_dir", unavailable)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = profiles.runtime_dir()
    assert path.parent == tmp_path / "tmp"
    assert mode_of(path) == 0o700


# --------------------------------------------------------------------------- settings


def test_missing_config_gives_defaults_without_warning(home: Path) -> None:
    settings = profiles.load_settings()
    assert settings.model_dump() == Settings().model_dump()
    assert settings.language is None
    assert settings.store_token_in_file is False
    assert settings.default_profile is None
    assert settings.profiles == {}
    assert settings.csv == "spreadsheet"  # exports for the user's spreadsheet
    assert settings.warnings == []


def test_settings_round_trip(home: Path) -> None:
    settings = Settings(
        language="fr",
        store_token_in_file=True,
        default_profile="prod",
        csv="machine",
        glyphs="ascii",
        mouse=True,
        cursor_blink=True,
        profiles={
            "prod": Profile(name="prod", url="https://sav.example.com"),
            "test": Profile(name="test", url="http://10.0.0.5:8000"),
        },
    )
    path = profiles.save_settings(settings)

    assert path == home / "config" / "config.json"
    loaded = profiles.load_settings()
    assert loaded == settings
    assert loaded.warnings == []
    assert json.loads(path.read_text())["profiles"]["prod"]["url"] == "https://sav.example.com"
    assert [p.name for p in path.parent.iterdir()] == ["config.json"]  # no temp file left


def test_glyphs_setting(home: Path) -> None:
    profiles.config_path().write_text('{"glyphs": "ascii"}')
    assert profiles.load_settings().glyphs == "ascii"
    profiles.config_path().write_text('{"glyphs": "auto"}')
    assert profiles.load_settings().glyphs is None


def test_mouse_and_cursor_blink_settings(home: Path) -> None:
    assert (profiles.load_settings().mouse, profiles.load_settings().cursor_blink) == (False, False)
    profiles.config_path().write_text('{"mouse": true, "cursor_blink": true}')
    settings = profiles.load_settings()
    assert (settings.mouse, settings.cursor_blink) == (True, True)
    profiles.config_path().write_text('{"mouse": "yes"}')
    broken = profiles.load_settings()
    assert broken.mouse is False
    assert "mouse: must be true or false" in broken.warnings[0]


def test_the_language_remembered_on_this_terminal(home: Path) -> None:
    for code in ("en", "fr", "it"):
        profiles.config_path().write_text(json.dumps({"language": code}))
        assert profiles.load_settings().language == code
    profiles.config_path().write_text("{}")
    assert profiles.load_settings().language is None


def test_save_replaces_the_previous_file(home: Path) -> None:
    profiles.save_settings(Settings(language="fr"))
    profiles.save_settings(Settings(language="en"))
    assert profiles.load_settings().language == "en"


def test_profile_name_can_come_from_its_key(home: Path) -> None:
    profiles.config_path().write_text(
        json.dumps({"profiles": {"prod": {"url": "https://sav.example.com"}}, "unknown": 1})
    )
    settings = profiles.load_settings()
    assert settings.warnings == []
    assert settings.profiles == {"prod": Profile(name="prod", url="https://sav.example.com")}


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2, 3]",
        "",
        '{"store_token_in_file": "perhaps"}',
        '{"language": 42}',
        '{"language": "de"}',
        '{"profiles": {"prod": {"url": "ftp://nope"}}}',
        '{"profiles": {"prod": {"name": "other", "url": "https://x.example"}}}',
        '{"profiles": []}',
        '{"csv": "excel"}',
        '{"glyphs": "braille"}',
    ],
    ids=[
        "syntax",
        "list",
        "empty",
        "bool",
        "language",
        "unknown-language",
        "url",
        "name-mismatch",
        "profiles-list",
        "csv",
        "glyphs",
    ],
)
def test_broken_config_gives_defaults_and_a_warning(home: Path, content: str) -> None:
    path = profiles.config_path()
    path.write_text(content)

    settings = profiles.load_settings()

    assert settings.model_dump() == Settings().model_dump()
    assert len(settings.warnings) == 1
    assert str(path) in settings.warnings[0]
    assert "using the defaults" in settings.warnings[0]


def test_unreadable_config_gives_defaults_and_a_warning(home: Path) -> None:
    profiles.config_path().mkdir()  # a directory where the file should be
    settings = profiles.load_settings()
    assert settings.model_dump() == Settings().model_dump()
    assert settings.warnings


def test_non_utf8_config_gives_defaults_and_a_warning(home: Path) -> None:
    profiles.config_path().write_bytes(b"\xff\xfe\x00garbage")
    settings = profiles.load_settings()
    assert settings.model_dump() == Settings().model_dump()
    assert settings.warnings


def test_profile_validation() -> None:
    with pytest.raises(ValueError):
        Profile(name="prod", url="sav.example.com")
    with pytest.raises(ValueError):
        Profile(name="has space", url="https://sav.example.com")
    with pytest.raises(ValueError):
        Profile(name="", url="https://sav.example.com")
    with pytest.raises(ValueError):
        Profile(name="p", url="https://")


# --------------------------------------------------------------------------- resolve_server


@pytest.fixture
def settings() -> Settings:
    return Settings(
        default_profile="prod",
        profiles={
            "prod": Profile(name="prod", url="https://sav.example.com"),
            "lab": Profile(name="lab", url="http://lab.local:8000"),
        },
    )


def test_resolve_server_by_profile_name(settings: Settings) -> None:
    assert resolve_server("lab", settings) == "http://lab.local:8000"


def test_resolve_server_url_is_returned_as_is(settings: Settings) -> None:
    assert resolve_server("https://other.example:8443/", settings) == "https://other.example:8443/"
    assert resolve_server("http://127.0.0.1:9000", Settings()) == "http://127.0.0.1:9000"


def test_resolve_server_none_gives_the_default_profile(settings: Settings) -> None:
    assert resolve_server(None, settings) == "https://sav.example.com"


def test_resolve_server_none_without_default_means_embedded(settings: Settings) -> None:
    assert resolve_server(None, Settings()) is None
    settings.default_profile = None
    assert resolve_server(None, settings) is None


def test_resolve_server_unknown_name_is_an_error(settings: Settings) -> None:
    with pytest.raises(UnknownProfileError, match="lab, prod"):
        resolve_server("staging", settings)
    with pytest.raises(UnknownProfileError, match="no profiles"):
        resolve_server("staging", Settings())


def test_resolve_server_dangling_default_is_an_error(settings: Settings) -> None:
    settings.default_profile = "gone"
    with pytest.raises(UnknownProfileError, match="gone"):
        resolve_server(None, settings)


def test_the_csv_setting_asks_for_machine_csv(home: Path) -> None:
    profiles.config_path().write_text('{"csv": "machine"}')
    settings = profiles.load_settings()
    assert settings.csv == "machine" and settings.warnings == []
