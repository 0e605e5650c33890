"""Static checks of deploy/docker-compose.yml and deploy/.env.example: what is published, who holds what."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
# ${VAR}, ${VAR:?message}, ${VAR:-default}…: the variable's name and what follows it.
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}")
# Every value compose reads from deploy/.env that is a secret: each must be required (${VAR:?…}).
SECRETS = {
    "ACUSIGHT_SECRET_KEY",
    "ACUSIGHT_SERVICE_KEY",
    "POSTGRES_PASSWORD",
    "MINIO_ROOT_PASSWORD",
    "MINIO_API_SECRET_KEY",
    "MINIO_WORKER_SECRET_KEY",
    "PREFECT_AUTH_PASSWORD",
    "PREFECT_AUTH_PASSWORD_HASH",
    "LABEL_STUDIO_PASSWORD",
    "LABEL_STUDIO_TOKEN",
}
WORKERS = ("worker", "worker-gpu")


def _compose_text() -> str:
    """The file without its comment lines (compose interpolates values, not comments)."""
    lines = (DEPLOY / "docker-compose.yml").read_text().splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def _services() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load(_compose_text())["services"]
    return services


def _example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_only_caddy_publishes_ports() -> None:
    published = {
        name: service.get("ports", []) for name, service in _services().items() if service.get("ports")
    }
    assert set(published) == {"caddy"}
    for name in ("api", "prefect-server", "label-studio", "minio", "postgres"):
        assert "ports" not in _services()[name] and "network_mode" not in _services()[name]


def test_caddy_serves_devices_over_tls_on_8080() -> None:
    assert "8080:8080" in _services()["caddy"]["ports"]


@pytest.mark.parametrize("worker", WORKERS)
def test_workers_hold_only_what_flows_read(worker: str) -> None:
    environment = _services()[worker]["environment"]
    forbidden = {
        "ACUSIGHT_SECRET_KEY",
        "ACUSIGHT_DATABASE_URL",
        "ACUSIGHT_LABEL_STUDIO_TOKEN",
        "MINIO_ROOT_USER",
        "MINIO_ROOT_PASSWORD",
        "LABEL_STUDIO_TOKEN",
    }
    assert not forbidden & set(environment)
    values = " ".join(str(value) for value in environment.values())
    for variable in ("ACUSIGHT_SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT", "LABEL_STUDIO_TOKEN"):
        assert "${" + variable not in values
    # What the flows do read.
    for needed in ("ACUSIGHT_API_URL", "ACUSIGHT_SERVICE_KEY", "PREFECT_API_URL", "PREFECT_API_AUTH_STRING"):
        assert needed in environment
    assert environment["ACUSIGHT_DVC_REMOTE"].startswith("s3://acusight-dvc/")
    assert environment["AWS_ACCESS_KEY_ID"] == "acusight-worker"


def test_the_api_uses_its_own_minio_user_and_trusts_caddy() -> None:
    environment = _services()["api"]["environment"]
    assert environment["AWS_ACCESS_KEY_ID"] == "acusight-api"
    assert "MINIO_ROOT" not in str(environment["AWS_SECRET_ACCESS_KEY"])
    assert environment["ACUSIGHT_PROXY_HOPS"] == "1"
    root_holders = {
        name for name, s in _services().items() if "MINIO_ROOT_PASSWORD" in str(s.get("environment"))
    }
    assert root_holders == {"minio", "minio-init"}


def test_prefect_requires_its_auth_string_everywhere() -> None:
    services = _services()
    server = services["prefect-server"]["environment"]
    auth = "${PREFECT_AUTH_USER:?set PREFECT_AUTH_USER in deploy/.env}:"
    assert str(server["PREFECT_SERVER_API_AUTH_STRING"]).startswith(auth)
    assert server["PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"].startswith("https://${ACUSIGHT_HOST")
    for client in ("api", "migrate", *WORKERS):
        assert (
            services[client]["environment"]["PREFECT_API_AUTH_STRING"]
            == server["PREFECT_SERVER_API_AUTH_STRING"]
        )


def test_every_variable_is_in_the_example() -> None:
    used = {name for name, _ in VARIABLE.findall(_compose_text())}
    assert used <= set(_example()), sorted(used - set(_example()))


def test_every_secret_is_required_and_empty_in_the_example() -> None:
    example = _example()
    for name, rest in VARIABLE.findall(_compose_text()):
        if name in SECRETS:
            assert rest.startswith(":?"), f"${{{name}}} must be required: ${{{name}:?…}}"
    assert {name for name, _ in VARIABLE.findall(_compose_text())} >= SECRETS
    for name in SECRETS:
        assert example[name] == "", f"{name} must be empty in deploy/.env.example"


def test_minio_policies_limit_each_user_to_its_bucket() -> None:
    import json

    for user, bucket in (("acusight-api", "acusight-blobs"), ("acusight-worker", "acusight-dvc")):
        policy = json.loads((DEPLOY / "minio" / f"{user}.json").read_text())
        resources = {r for statement in policy["Statement"] for r in statement["Resource"]}
        assert resources == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"}
        assert all(statement["Effect"] == "Allow" for statement in policy["Statement"])
        assert not any("admin" in a or a == "s3:*" for s in policy["Statement"] for a in s["Action"])
