"""Settings from the environment, and the secret key kept in the data dir."""

import stat
from pathlib import Path

import pytest

from webapp.settings import Settings


def test_defaults_use_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACUSIGHT_DATABASE_URL", raising=False)
    monkeypatch.delenv("ACUSIGHT_SECRET_KEY", raising=False)
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path / "state"))
    settings = Settings.from_env()
    assert settings.data_dir == tmp_path / "state"
    assert settings.database_url == f"sqlite:///{tmp_path / 'state' / 'acusight.db'}"


def test_secret_generated_once_and_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACUSIGHT_SECRET_KEY", raising=False)
    first = Settings.from_env({"data_dir": tmp_path}).secret_key
    second = Settings.from_env({"data_dir": tmp_path}).secret_key
    assert first == second and len(first) >= 48
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    other = Settings.from_env({"data_dir": tmp_path / "elsewhere"}).secret_key
    assert other != first


def test_environment_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACUSIGHT_SECRET_KEY", "from-env-" + "k" * 32)
    monkeypatch.setenv("ACUSIGHT_MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("ACUSIGHT_SQL_ECHO", "true")
    settings = Settings.from_env({"data_dir": tmp_path})
    assert settings.secret_key == "from-env-" + "k" * 32
    assert settings.max_upload_mb == 7 and settings.sql_echo is True
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    "key", ["short", "x" * 31, "change-me-to-64-random-characters", "CHANGE-ME" + "y" * 40]
)
def test_guessable_secret_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    monkeypatch.setenv("ACUSIGHT_SECRET_KEY", key)
    with pytest.raises(ValueError, match="ACUSIGHT_SECRET_KEY"):
        Settings.from_env({"data_dir": tmp_path})
    assert not (tmp_path / "secret_key").exists()


def test_generated_secret_is_random_per_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACUSIGHT_SECRET_KEY", raising=False)
    keys = {Settings.from_env({"data_dir": tmp_path / str(i)}).secret_key for i in range(5)}
    assert len(keys) == 5 and all(len(k) >= 48 for k in keys)
