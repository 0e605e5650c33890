"""The platform's side of the Label Studio sync: what each flow call costs the API, per task.

Seeds a SQLite database with one linked classification project of ``--tasks`` images, then times,
in-process through the Flask test client (auth, validation, queries, commit; no HTTP server and
no Label Studio): the push's work lists (GET …/pending: 200 images with signed URLs) and recording
the task mapping (POST …/tasks), a first pull that creates every annotation (POST
…/sync, 200 tasks a call), and a pull that finds nothing changed (what the scheduled pull's overlap
costs). Prints tasks per second for each.

Run from the repository root:
    .venv/bin/python -m benchmarks.label_studio_sync [--tasks 2000]
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import insert

from webapp import create_app
from webapp.extensions import db
from webapp.migrate import upgrade
from webapp.models import Batch, Image, LabelStudioLink, Organization, Project, User
from webapp.services import service_accounts

# Images per push step and tasks per sync call, as flows/label_studio.py sends them.
CHUNK = 200


def seed(n: int) -> tuple[int, int, list[int]]:
    """One organization, a linked project and a batch of ``n`` images; returns (org, project, ids)."""
    session = db.session
    org = Organization(name="bench", slug="bench")
    session.add(org)
    session.flush()
    session.add(User(organization_id=org.id, email="ann@bench.test", role="annotator"))
    project = Project(organization_id=org.id, name="p", task_type="classification", labels=["cat", "dog"])
    session.add(project)
    session.flush()
    batch = Batch(organization_id=org.id, project_id=project.id, name="b", status="annotating", image_count=n)
    session.add(batch)
    session.flush()
    session.execute(
        insert(Image),
        [
            {
                "organization_id": org.id,
                "project_id": project.id,
                "batch_id": batch.id,
                "sha256": hashlib.sha256(str(i).encode()).hexdigest(),
                "byte_size": 1000,
                "width": 640,
                "height": 480,
                "format": "jpeg",
            }
            for i in range(n)
        ],
    )
    session.add(
        LabelStudioLink(organization_id=org.id, project_id=project.id, ls_project_id=1, label_config_hash="")
    )
    session.commit()
    ids = list(session.scalars(Image.__table__.select().with_only_columns(Image.id).order_by(Image.id)))
    return org.id, project.id, ids


def timed(label: str, n: int, steps: int, step: Any) -> None:
    start = time.perf_counter()
    for _ in range(steps):
        step()
    elapsed = time.perf_counter() - start
    print(f"{label:<52} {n:>6} tasks  {elapsed:7.2f} s  {n / elapsed:8.0f} tasks/s")


def check(resp: Any) -> Any:
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["data"]


def run(client: FlaskClient, headers: dict[str, str], project_id: int, batch_id: int, ids: list[int]) -> None:
    base = "/api/integrations/label-studio"

    def push_step() -> None:
        """What the push flow asks of the API per 200 images: the work list, then the mapping."""
        images = check(client.get(f"{base}/batches/{batch_id}/pending?limit={CHUNK}", headers=headers))[
            "images"
        ]
        tasks = [
            {"image_id": i["image_id"], "task_id": i["image_id"], "url_expires_at": i["url_expires_at"]}
            for i in images
        ]
        check(client.post(f"{base}/projects/{project_id}/tasks", json={"tasks": tasks}, headers=headers))

    steps = -(-len(ids) // CHUNK)
    timed("push: pending images + record their tasks", len(ids), steps, push_step)
    tasks = [
        {
            "id": i,
            "annotations": [
                {
                    "id": i,
                    "result": [{"type": "choices", "value": {"choices": ["cat" if i % 2 else "dog"]}}],
                    "completed_by_email": "ann@bench.test",
                }
            ],
        }
        for i in ids
    ]
    chunks = iter([])

    def sync_step() -> None:
        check(
            client.post(f"{base}/projects/{project_id}/sync", json={"tasks": next(chunks)}, headers=headers)
        )

    for label in ("first pull: create every annotation", "pull again: nothing changed"):
        chunks = iter([tasks[s : s + CHUNK] for s in range(0, len(tasks), CHUNK)])
        timed(label, len(ids), steps, sync_step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        app = create_app({"data_dir": Path(tmp) / "var", "database_url": url, "public_url": "http://bench"})
        with app.app_context():
            org_id, project_id, ids = seed(args.tasks)
            _, key = service_accounts.create(db.session, "bench")
            headers = {"Authorization": f"Bearer {key}", "X-Acusight-Organization": str(org_id)}
            batch_id = db.session.get(Image, ids[0]).batch_id
            print(f"SQLite, {args.tasks} images in one batch of a linked classification project")
            run(app.test_client(), headers, project_id, batch_id, ids)


if __name__ == "__main__":
    main()
