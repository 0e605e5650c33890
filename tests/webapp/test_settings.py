"""Settings from the environment, and the secret key kept in the data dir."""

import secrets
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from acusight.cli import main
from flows.config import FlowSettings
from webapp.settings import Settings, SettingsError


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


PLACEHOLDER_VALUES = ["change-me", "change-me-too", "CHANGEME", "replace_me", "ask_replace_me", "replace-me"]
HEX_EXAMPLE = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize("value", [*PLACEHOLDER_VALUES, HEX_EXAMPLE])
@pytest.mark.parametrize(
    ("variable", "template"),
    [
        ("ACUSIGHT_LABEL_STUDIO_TOKEN", "{}"),
        ("ACUSIGHT_OIDC_CLIENT_SECRET", "{}"),
        ("AWS_SECRET_ACCESS_KEY", "{}"),
        ("PREFECT_API_AUTH_STRING", "operator:{}"),
        ("ACUSIGHT_DATABASE_URL", "postgresql+psycopg://acusight:{}@postgres:5432/acusight"),
    ],
)
def test_placeholder_secrets_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, template: str, value: str
) -> None:
    monkeypatch.setenv("ACUSIGHT_SECRET_KEY", "s" * 48)
    monkeypatch.setenv(variable, template.format(value))
    with pytest.raises(ValueError, match=variable) as refused:
        Settings.from_env({"data_dir": tmp_path})
    # The message names the variable, never the value.
    assert value not in str(refused.value)


@pytest.mark.parametrize("value", [*PLACEHOLDER_VALUES, HEX_EXAMPLE])
def test_placeholder_secret_key_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("ACUSIGHT_SECRET_KEY", value + "x" * 40)
    with pytest.raises(ValueError, match="ACUSIGHT_SECRET_KEY"):
        Settings.from_env({"data_dir": tmp_path})


def test_real_secrets_are_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACUSIGHT_SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv(
        "ACUSIGHT_DATABASE_URL", f"postgresql+psycopg://acusight:{secrets.token_urlsafe(48)}@db/a"
    )
    monkeypatch.setenv("ACUSIGHT_LABEL_STUDIO_TOKEN", secrets.token_hex(20))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", f"operator:{secrets.token_urlsafe(48)}")
    assert Settings.from_env({"data_dir": tmp_path}).label_studio_token


def test_serve_reports_a_placeholder_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACUSIGHT_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "operator:change-me")
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert "Error: PREFECT_API_AUTH_STRING holds an example placeholder" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, ValueError)


@pytest.mark.parametrize("value", ["ask_replace_me", "change-me"])
def test_flows_refuse_a_placeholder_service_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACUSIGHT_SERVICE_KEY", value)
    with pytest.raises(ValueError, match="ACUSIGHT_SERVICE_KEY"):
        FlowSettings.from_env()
    monkeypatch.setenv("ACUSIGHT_SERVICE_KEY", "ask_" + secrets.token_urlsafe(32))
    assert FlowSettings.from_env().service_key.startswith("ask_")


def test_a_bad_value_names_its_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACUSIGHT_MAX_UPLOAD_MB", "twenty")
    monkeypatch.setenv("ACUSIGHT_UPLOAD_ENABLED", "maybe")
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"data_dir": tmp_path})
    message = str(refused.value)
    assert "ACUSIGHT_MAX_UPLOAD_MB: input should be a valid integer" in message and "'twenty'" in message
    assert "ACUSIGHT_UPLOAD_ENABLED: input should be a valid boolean" in message


def test_switches_and_numbers_may_carry_spaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACUSIGHT_SQL_ECHO", " On ")
    monkeypatch.setenv("ACUSIGHT_MAX_UPLOAD_MB", " 7 ")
    monkeypatch.setenv("ACUSIGHT_RATE_LIMIT", "")  # empty: unset, the default
    settings = Settings.from_env({"data_dir": tmp_path})
    assert settings.sql_echo is True and settings.max_upload_mb == 7 and settings.rate_limit == ""


def test_commands_report_a_bad_value_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACUSIGHT_WEB_THREADS", "many")
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert "Error: ACUSIGHT_WEB_THREADS: input should be a valid integer" in result.output
    assert "Traceback" not in result.output


def test_flows_read_their_own_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACUSIGHT_SERVICE_KEY", "ask_" + secrets.token_urlsafe(32))
    monkeypatch.setenv("ACUSIGHT_API_URL", "http://api.example:8080/api/")
    monkeypatch.delenv("ACUSIGHT_DVC_REPO", raising=False)
    monkeypatch.setenv("ACUSIGHT_WORKER_FLOWS", "train-model, export-model,")
    settings = FlowSettings.from_env()
    assert settings.api_url == "http://api.example:8080/api"
    assert settings.dvc_repo == tmp_path / "dvc" / "repo"
    assert settings.flows == {"train-model", "export-model"}
    monkeypatch.delenv("ACUSIGHT_LABEL_STUDIO_PULL_MINUTES", raising=False)
    monkeypatch.delenv("ACUSIGHT_LABEL_STUDIO_URL", raising=False)
    assert FlowSettings.load().label_studio_pull_interval() is None
    monkeypatch.setenv("ACUSIGHT_LABEL_STUDIO_URL", "http://ls.example")
    assert FlowSettings.load().label_studio_pull_interval() == timedelta(minutes=5)
    monkeypatch.setenv("ACUSIGHT_LABEL_STUDIO_PULL_MINUTES", "0")
    assert FlowSettings.load().label_studio_pull_interval() is None
    monkeypatch.setenv("ACUSIGHT_LABEL_STUDIO_PULL_MINUTES", "often")
    with pytest.raises(SettingsError, match="ACUSIGHT_LABEL_STUDIO_PULL_MINUTES"):
        FlowSettings.load()
