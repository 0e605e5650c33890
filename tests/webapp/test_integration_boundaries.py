"""The core knows no integration, and an integration that refuses undoes the core's change with it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.helpers import assert_error
from webapp.errors import Conflict
from webapp.extensions import db
from webapp.models import Batch, User
from webapp.services import events

SERVICES = Path(__file__).resolve().parents[2] / "webapp" / "services"


def _imported(path: Path) -> Iterator[str]:
    """Every module a file imports, by its full dotted name (``from a import b`` gives ``a`` and ``a.b``)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_core_services_do_not_import_label_studio() -> None:
    core = sorted(SERVICES.rglob("*.py"))
    assert any(path.name == "batches.py" for path in core)
    offending = {
        f"{path.relative_to(SERVICES)}: {name}"
        for path in core
        for name in _imported(path)
        if "label_studio" in name or name.startswith("webapp.integrations")
    }
    assert not offending, offending


def test_a_refusing_subscriber_rolls_back_the_batch_change(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any
) -> None:
    project = make_project(admin_headers)
    batch = Batch(organization_id=admin.organization_id, name="b", project_id=project["id"])
    db.session.add(batch)
    db.session.commit()
    seen: list[str] = []

    def refuse(session: Session, *, batch: Batch, previous: str) -> None:
        seen.append(f"{previous}->{batch.status}")
        raise Conflict("Refused by a subscriber")

    with events.batch_status_changed.connected_to(refuse):
        resp = client.patch(
            f"/api/data/batches/{batch.id}",
            json={"status": "ready", "name": "renamed"},
            headers=admin_headers,
        )
    assert_error(resp, 409, "CONFLICT")
    assert seen == ["open->ready"]
    got = client.get(f"/api/data/batches/{batch.id}", headers=admin_headers).get_json()["data"]
    assert (got["status"], got["name"]) == ("open", "b")
    # Without the refusal the same change goes through.
    resp = client.patch(f"/api/data/batches/{batch.id}", json={"status": "ready"}, headers=admin_headers)
    assert resp.status_code == 200 and resp.get_json()["data"]["status"] == "ready"


def test_a_refusing_subscriber_rolls_back_the_label_change(
    client: FlaskClient, admin_headers: dict[str, str], make_project: Any
) -> None:
    project = make_project(admin_headers, labels=["cat", "dog"])

    def refuse(session: Session, *, project: Any) -> None:
        raise Conflict("Refused by a subscriber")

    url = f"/api/data/projects/{project['id']}"
    with events.project_labels_changed.connected_to(refuse):
        resp = client.patch(url, json={"labels": ["cat", "dog", "bird"]}, headers=admin_headers)
    assert_error(resp, 409, "CONFLICT")
    assert client.get(url, headers=admin_headers).get_json()["data"]["labels"] == ["cat", "dog"]
