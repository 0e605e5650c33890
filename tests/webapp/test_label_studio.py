"""Label Studio integration, the platform's side: links, signed URLs, the webhook, and syncing annotations.

Label Studio itself is not needed here: a link row stands in for one (``linked``), and tasks come as
Label Studio shows them. tests/flows/test_label_studio.py runs the whole loop against a real server.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import socket
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import bearer, png_bytes
from tests.helpers import assert_error, service_headers
from webapp import orchestration
from webapp.errors import ServiceUnavailable
from webapp.extensions import db
from webapp.integrations.label_studio import client as ls_client
from webapp.integrations.label_studio import instances as label_studio_instances
from webapp.integrations.label_studio import label_config, pull, signing, webhooks
from webapp.models import (
    Annotation,
    Batch,
    Image,
    LabelStudioLink,
    LabelStudioPullRequest,
    LabelStudioTask,
    User,
)
from webapp.services import service_accounts
from webapp.settings import get_settings

WEBHOOK = "/api/integrations/label-studio/webhook"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def app_config() -> dict[str, Any]:
    # A Label Studio that is configured but not running: whatever tries to reach it gets a 503.
    return {
        "label_studio_url": f"http://127.0.0.1:{_closed_port()}",
        "label_studio_token": "0" * 40,
        "public_url": "http://acusight.test",
    }


@pytest.fixture
def flow_headers(admin: User) -> dict[str, str]:
    _, key = service_accounts.rotate(db.session, "test-flows")
    db.session.commit()  # services only flush: the test commits, as the command would
    return service_headers(key, admin.organization_id)


@pytest.fixture
def linked(admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any) -> Any:
    """linked(task_type, labels, n) -> (project, images): a project with a batch of n images, linked.

    The one place these tests make a link without Label Studio: the row stands in for what
    POST /data/projects/<id>/label-studio records after Label Studio made the project; its webhook
    secret is _hook(project id).
    """
    serial = iter(range(1000, 10_000))

    def _make(task_type: str = "classification", labels: tuple[str, ...] = ("cat", "dog"), n: int = 2) -> Any:
        project = make_project(admin_headers, task_type=task_type, labels=list(labels))
        images = make_images(admin, n, project_id=project["id"])
        _add_link(admin.organization_id, project["id"], next(serial))
        return project, images

    return _make


def _secret(project_id: int) -> str:
    return f"webhook-secret-of-project-{project_id}"


def _hook(project_id: int) -> dict[str, str]:
    """The webhook headers Label Studio sends for a project linked by _add_link."""
    return {webhooks.WEBHOOK_HEADER: _secret(project_id)}


def _add_link(org_id: int, project_id: int, ls_project_id: int, url: str | None = None) -> LabelStudioLink:
    link = LabelStudioLink(
        organization_id=org_id,
        project_id=project_id,
        ls_project_id=ls_project_id,
        label_studio_url=url,
        label_config_hash="0" * 64,
        webhook_secret_hash=hashlib.sha256(_secret(project_id).encode()).hexdigest(),
    )
    db.session.add(link)
    db.session.commit()
    return link


@pytest.fixture
def fake_label_studio(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Label Studio as the API's client sees it, recording each instance it is made for and each call."""
    made: list[Any] = []
    ids = iter(range(500, 10_000))

    def client(instance: label_studio_instances.Instance) -> Any:
        def create(**kwargs: Any) -> Any:
            made.append({"instance": instance, **kwargs})
            return SimpleNamespace(id=next(ids))

        def delete(**kwargs: Any) -> None:
            made.append({"instance": instance, "deleted": kwargs["id"]})

        return SimpleNamespace(
            projects=SimpleNamespace(create=create, delete=delete, update=create),
            webhooks=SimpleNamespace(create=create, delete=delete),
        )

    monkeypatch.setattr(ls_client, "for_instance", client)
    return made


def _record(client: FlaskClient, headers: dict[str, str], project_id: int, images: list[Image]) -> None:
    """Record task ids 10 x image id, as the push flow reports them."""
    expires = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    tasks = [{"image_id": i.id, "task_id": 10 * i.id, "url_expires_at": expires} for i in images]
    resp = client.post(
        f"/api/integrations/label-studio/projects/{project_id}/tasks", json={"tasks": tasks}, headers=headers
    )
    assert resp.status_code == 200, resp.get_json()


def _choice(label: str) -> list[dict[str, Any]]:
    return [{"from_name": "label", "to_name": "image", "type": "choices", "value": {"choices": [label]}}]


def _rect(label: str, x: float, y: float, w: float, h: float, rotation: float = 0) -> dict[str, Any]:
    value = {"x": x, "y": y, "width": w, "height": h, "rotation": rotation, "rectanglelabels": [label]}
    return {"from_name": "label", "to_name": "image", "type": "rectanglelabels", "value": value}


def _sync(client: FlaskClient, headers: dict[str, str], project_id: int, tasks: list[Any]) -> dict[str, Any]:
    resp = client.post(
        f"/api/integrations/label-studio/projects/{project_id}/sync", json={"tasks": tasks}, headers=headers
    )
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["data"]


def _ls_annotations(image_id: int) -> list[Annotation]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Annotation)
            .where(Annotation.image_id == image_id, Annotation.source == "label_studio")
            .order_by(Annotation.id)
        )
    )


# --- Linking -----------------------------------------------------------------------------------------


def test_label_configs_follow_task_type_and_labels(make_project: Any, admin_headers: dict[str, str]) -> None:
    from webapp.models import Project

    cls = db.session.get(Project, make_project(admin_headers, labels=["cat", 'a "b" <c>'])["id"])
    config = label_config.label_config(cls)
    assert "<Choices" in config and '<Choice value="cat"/>' in config
    assert "<Choice value='a \"b\" &lt;c&gt;'/>" in config
    det = db.session.get(Project, make_project(admin_headers, task_type="detection", labels=["car"])["id"])
    config = label_config.label_config(det)
    assert '<RectangleLabels name="label" toName="image"' in config and '<Label value="car"/>' in config


def test_link_needs_a_reachable_label_studio_and_stores_nothing_otherwise(
    client: FlaskClient, admin_headers: dict[str, str], make_project: Any, app: Any
) -> None:
    project = make_project(admin_headers)
    url = f"/api/data/projects/{project['id']}/label-studio"
    error = assert_error(client.post(url, json={}, headers=admin_headers), 503, "SERVICE_UNAVAILABLE")
    assert "unreachable" in error["message"]
    get_settings(app).label_studio_url = ""
    error = assert_error(client.post(url, json={}, headers=admin_headers), 503, "SERVICE_UNAVAILABLE")
    assert "not configured" in error["message"]
    assert db.session.scalar(select(func.count()).select_from(LabelStudioLink)) == 0
    assert_error(client.get(url, headers=admin_headers), 404, "NOT_FOUND")


def test_link_refusals(
    client: FlaskClient, admin_headers: dict[str, str], make_project: Any, make_user: Any, linked: Any
) -> None:
    unlabeled = make_project(admin_headers, labels=[])
    error = assert_error(
        client.post(f"/api/data/projects/{unlabeled['id']}/label-studio", json={}, headers=admin_headers),
        409,
        "CONFLICT",
    )
    assert "no labels" in error["message"]
    project, _ = linked()
    url = f"/api/data/projects/{project['id']}/label-studio"
    assert_error(client.post(url, json={}, headers=admin_headers), 409, "CONFLICT")
    assert_error(client.post(url, json={"title": "ab"}, headers=admin_headers), 400, "VALIDATION_ERROR")
    annotator = bearer(make_user("annotator"))
    assert_error(client.post(url, json={}, headers=annotator), 403, "FORBIDDEN")
    assert client.get(url, headers=annotator).status_code == 200
    other_org = bearer(make_user("admin", org="Other"))
    assert_error(client.get(url, headers=other_org), 404, "NOT_FOUND")
    assert_error(client.delete(url, headers=other_org), 404, "NOT_FOUND")
    assert client.delete(url, headers=admin_headers).status_code == 204
    assert_error(client.get(url, headers=admin_headers), 404, "NOT_FOUND")


def test_linking_needs_a_public_url_never_the_host_header(
    client: FlaskClient,
    app: Any,
    admin_headers: dict[str, str],
    flow_headers: dict[str, str],
    make_project: Any,
    linked: Any,
    fake_label_studio: list[Any],
) -> None:
    """Label Studio is told where to send webhooks (with their secret) and where images are: from the
    setting only. A Host header chosen by the caller must never become that address."""
    get_settings(app).public_url = ""
    project = make_project(admin_headers)
    evil = {**admin_headers, "Host": "attacker.example"}
    url = f"/api/data/projects/{project['id']}/label-studio"
    error = assert_error(client.post(url, json={}, headers=evil), 503, "SERVICE_UNAVAILABLE")
    assert "ACUSIGHT_PUBLIC_URL" in error["message"] + error["details"]
    assert fake_label_studio == []  # Label Studio was not even called
    assert db.session.scalar(select(func.count()).select_from(LabelStudioLink)) == 0
    # The flows' signed URLs neither.
    _, images = linked(n=1)
    pending = f"/api/integrations/label-studio/batches/{images[0].batch_id}/pending"
    resp = client.get(pending, headers={**flow_headers, "Host": "attacker.example"})
    assert_error(resp, 503, "SERVICE_UNAVAILABLE")
    # With it set, the Host header changes nothing.
    get_settings(app).public_url = "https://acusight.example.com/"
    assert client.post(url, json={}, headers=evil).status_code == 201
    [_, hook] = fake_label_studio
    assert hook["url"] == "https://acusight.example.com" + webhooks.WEBHOOK_PATH
    plan = client.get(pending, headers={**flow_headers, "Host": "attacker.example"}).get_json()["data"]
    assert plan["images"][0]["url"].startswith("https://acusight.example.com/api/data/images/")


def test_each_link_has_its_own_webhook_secret(
    client: FlaskClient,
    admin_headers: dict[str, str],
    make_project: Any,
    fake_label_studio: list[Any],
    started: list[Any],
) -> None:
    first, second = make_project(admin_headers), make_project(admin_headers)
    for project in (first, second):
        resp = client.post(f"/api/data/projects/{project['id']}/label-studio", json={}, headers=admin_headers)
        assert resp.status_code == 201, resp.get_json()
    hooks = [call for call in fake_label_studio if "headers" in call]
    secrets_sent = [hook["headers"][webhooks.WEBHOOK_HEADER] for hook in hooks]
    assert len(set(secrets_sent)) == 2 and all(len(secret) >= 40 for secret in secrets_sent)
    links = db.session.scalars(select(LabelStudioLink).order_by(LabelStudioLink.id)).all()
    # Kept hashed: the database does not hold what opens the webhook.
    assert [link.webhook_secret_hash for link in links] == [
        hashlib.sha256(secret.encode()).hexdigest() for secret in secrets_sent
    ]
    assert secrets_sent[0] not in str([(link.webhook_secret_hash, link.url_key) for link in links])
    body = {"action": "ANNOTATION_CREATED", "annotation": {"id": 1, "task": 2}}
    for link, secret in zip(links, secrets_sent, strict=True):
        mine = {**body, "project": {"id": link.ls_project_id}}
        assert client.post(WEBHOOK, json=mine, headers={webhooks.WEBHOOK_HEADER: secret}).status_code == 202
    crossed = {**body, "project": {"id": links[1].ls_project_id}}
    resp = client.post(WEBHOOK, json=crossed, headers={webhooks.WEBHOOK_HEADER: secrets_sent[0]})
    assert_error(resp, 401, "UNAUTHORIZED")


def test_the_shared_label_studio_serves_one_organization(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    make_user: Any,
    make_project: Any,
    fake_label_studio: list[Any],
) -> None:
    """In Label Studio's community edition every member sees every project: the instance of
    ACUSIGHT_LABEL_STUDIO_URL serves the first organization to link there, and no other."""
    mine = make_project(admin_headers)
    resp = client.post(f"/api/data/projects/{mine['id']}/label-studio", json={}, headers=admin_headers)
    assert resp.status_code == 201, resp.get_json()
    other = bearer(make_user("admin", org="Other"))
    theirs = make_project(other)
    url = f"/api/data/projects/{theirs['id']}/label-studio"
    error = assert_error(client.post(url, json={}, headers=other), 409, "CONFLICT")
    assert "shared Label Studio serves another organization" in error["message"]
    assert "acusight orgs label-studio set" in error["details"]
    assert admin.organization.name not in error["details"]  # nothing of the other tenant is told
    assert len(fake_label_studio) == 2  # only the first organization's project and webhook were made
    # The first organization goes on linking there.
    again = make_project(admin_headers)
    resp = client.post(f"/api/data/projects/{again['id']}/label-studio", json={}, headers=admin_headers)
    assert resp.status_code == 201


def test_an_organization_links_in_its_own_label_studio(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    make_user: Any,
    make_project: Any,
    fake_label_studio: list[Any],
) -> None:
    shared = make_project(admin_headers)
    client.post(f"/api/data/projects/{shared['id']}/label-studio", json={}, headers=admin_headers)
    other_admin = make_user("admin", org="Other")
    label_studio_instances.configure(
        db.session, other_admin.organization_id, "https://ls.other.test/", "other-token"
    )
    db.session.commit()
    theirs = make_project(bearer(other_admin))
    resp = client.post(
        f"/api/data/projects/{theirs['id']}/label-studio", json={}, headers=bearer(other_admin)
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["data"]["label_studio_project_url"].startswith("https://ls.other.test/projects/")
    instances = [call["instance"] for call in fake_label_studio]
    assert instances[-1] == label_studio_instances.Instance(
        "https://ls.other.test", "other-token", shared=False
    )
    assert instances[0].shared and instances[0].token == "0" * 40
    link = db.session.scalar(select(LabelStudioLink).where(LabelStudioLink.project_id == theirs["id"]))
    assert link.label_studio_url == "https://ls.other.test"


def test_flows_get_the_links_label_studio_and_people_never_see_a_token(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    flow_headers: dict[str, str],
    make_user: Any,
    make_project: Any,
    linked: Any,
) -> None:
    project, _ = linked()
    url = f"/api/integrations/label-studio/projects/{project['id']}/connection"
    got = client.get(url, headers=flow_headers).get_json()["data"]
    settings = get_settings(client.application)
    assert got["url"] == settings.label_studio_url and got["token"] == settings.label_studio_token
    assert got["label_studio_project_id"] == db.session.scalar(select(LabelStudioLink.ls_project_id))
    assert_error(client.get(url, headers=admin_headers), 403, "FORBIDDEN")
    assert (
        "token"
        not in client.get(
            f"/api/data/projects/{project['id']}/label-studio", headers=admin_headers
        ).get_json()["data"]
    )
    # Another organization's link on the shared instance (made before it served one organization only):
    # its flows get nothing.
    other_admin = make_user("admin", org="Other")
    theirs = make_project(bearer(other_admin))
    _add_link(other_admin.organization_id, theirs["id"], 999)
    _, key = service_accounts.rotate(db.session, "other-flows")
    db.session.commit()
    other_flows = service_headers(key, other_admin.organization_id)
    their_url = f"/api/integrations/label-studio/projects/{theirs['id']}/connection"
    error = assert_error(client.get(their_url, headers=other_flows), 409, "CONFLICT")
    assert "acusight orgs label-studio set" in error["details"]
    # Given its own Label Studio, its new links get that one's URL and token...
    label_studio_instances.configure(
        db.session, other_admin.organization_id, "https://ls.other.test", "tok-1"
    )
    db.session.commit()
    own = make_project(bearer(other_admin))
    _add_link(other_admin.organization_id, own["id"], 1, url="https://ls.other.test")
    own_url = f"/api/integrations/label-studio/projects/{own['id']}/connection"
    got = client.get(own_url, headers=other_flows).get_json()["data"]
    assert (got["url"], got["token"], got["label_studio_project_id"]) == ("https://ls.other.test", "tok-1", 1)
    # ...a new token at once; another URL is another instance, where the project is not.
    label_studio_instances.configure(
        db.session, other_admin.organization_id, "https://ls.other.test", "tok-2"
    )
    db.session.commit()
    assert client.get(own_url, headers=other_flows).get_json()["data"]["token"] == "tok-2"
    label_studio_instances.configure(
        db.session, other_admin.organization_id, "https://ls2.other.test", "tok-3"
    )
    db.session.commit()
    error = assert_error(client.get(own_url, headers=other_flows), 409, "CONFLICT")
    assert "unlink and link the project again" in error["details"]
    # The first organization's own flows are unaffected.
    assert client.get(url, headers=flow_headers).status_code == 200
    accounts = {a["organization_id"]: a for a in label_studio_instances.accounts(db.session)}
    assert accounts[admin.organization_id]["shared"] is True
    assert accounts[other_admin.organization_id] == {
        "organization_id": other_admin.organization_id,
        "url": "https://ls2.other.test",
        "has_token": True,
        "shared": False,
        "links": 2,
    }


def test_links_made_before_secrets_were_per_link_get_one(
    client: FlaskClient, admin: User, make_project: Any, admin_headers: dict[str, str], started: list[Any]
) -> None:
    """Such links (0006 leaves them without a secret) accept no webhook until renew-webhooks gives
    them one; that also rotates a secret, the old one then opening nothing."""
    project = make_project(admin_headers)
    legacy = LabelStudioLink(
        organization_id=admin.organization_id,
        project_id=project["id"],
        ls_project_id=31,
        ls_webhook_id=8,
        label_config_hash="0" * 64,
    )
    db.session.add(legacy)
    db.session.commit()
    body = {"action": "ANNOTATION_CREATED", "project": {"id": 31}, "annotation": {"id": 1, "task": 2}}
    assert_error(client.post(WEBHOOK, json=body, headers={webhooks.WEBHOOK_HEADER: ""}), 401, "UNAUTHORIZED")
    calls: list[Any] = []

    def fake(instance: label_studio_instances.Instance) -> Any:
        def create(**kwargs: Any) -> Any:
            calls.append(kwargs)
            return SimpleNamespace(id=100 + len(calls))

        return SimpleNamespace(
            webhooks=SimpleNamespace(create=create, delete=lambda **kw: calls.append({"deleted": kw["id"]}))
        )

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ls_client, "for_instance", fake)
        assert webhooks.renew_webhooks(db.session, admin.organization_id, public_url="https://a.test") == [
            project["id"]
        ]
        first = calls[0]["headers"][webhooks.WEBHOOK_HEADER]
        assert calls[0]["url"] == "https://a.test" + webhooks.WEBHOOK_PATH and calls[0]["project"] == 31
        assert calls[1] == {"deleted": 8}
        assert client.post(WEBHOOK, json=body, headers={webhooks.WEBHOOK_HEADER: first}).status_code == 202
        webhooks.renew_webhooks(db.session, admin.organization_id, public_url="https://a.test")
    second = calls[2]["headers"][webhooks.WEBHOOK_HEADER]
    assert calls[3] == {"deleted": 101} and second != first
    assert_error(
        client.post(WEBHOOK, json=body, headers={webhooks.WEBHOOK_HEADER: first}), 401, "UNAUTHORIZED"
    )
    assert client.post(WEBHOOK, json=body, headers={webhooks.WEBHOOK_HEADER: second}).status_code == 202


def test_status_counts_tasks_and_reports(
    client: FlaskClient, admin_headers: dict[str, str], flow_headers: dict[str, str], linked: Any
) -> None:
    project, images = linked(n=3)
    _record(client, flow_headers, project["id"], images)
    _sync(
        client,
        flow_headers,
        project["id"],
        [
            {
                "id": 10 * images[0].id,
                "annotations": [{"id": 1, "result": _choice("cat"), "completed_by_email": "ann@acme.test"}],
            }
        ],
    )
    report = f"/api/integrations/label-studio/projects/{project['id']}/report"
    resp = client.post(
        report, json={"stage": "pull", "state": "failed", "error": "boom"}, headers=flow_headers
    )
    assert resp.status_code == 200 and resp.get_json()["data"]["sync_status"] == "failed"
    assert_error(
        client.post(report, json={"stage": "pull", "state": "done"}, headers=flow_headers),
        400,
        "VALIDATION_ERROR",
    )
    assert_error(
        client.post(report, json={"stage": "pull", "state": "running"}, headers=admin_headers),
        403,
        "FORBIDDEN",
    )
    cursor = "2026-11-26T02:24:36.217951+00:00"
    client.post(
        report, json={"stage": "pull", "state": "succeeded", "pull_cursor": cursor}, headers=flow_headers
    )
    status = client.get(f"/api/data/projects/{project['id']}/label-studio", headers=admin_headers).get_json()
    data = status["data"]
    assert data["tasks_pushed"] == 3 and data["tasks_annotated"] == 1
    assert data["sync_status"] == "synced" and data["last_pull_at"] and data["last_push_at"] is None
    assert data["last_error"] == "pull failed: boom" and data["last_error_at"]
    assert data["pull_cursor"].startswith("2026-11-26T02:24:36")
    assert data["label_config_in_sync"] is False and "<Choices" in data["label_config"]
    assert data["label_studio_project_url"].endswith(f"/projects/{data['label_studio_project_id']}")


def test_label_change_on_unreachable_label_studio_is_recorded_not_refused(
    client: FlaskClient, admin_headers: dict[str, str], linked: Any
) -> None:
    project, _ = linked()
    resp = client.patch(
        f"/api/data/projects/{project['id']}", json={"labels": ["cat", "dog", "bird"]}, headers=admin_headers
    )
    assert resp.status_code == 200 and resp.get_json()["data"]["labels"] == ["cat", "dog", "bird"]
    data = client.get(f"/api/data/projects/{project['id']}/label-studio", headers=admin_headers).get_json()[
        "data"
    ]
    assert "labeling config not updated" in data["last_error"] and data["label_config_in_sync"] is False
    assert '<Choice value="bird"/>' in data["label_config"]


# --- Pushing -----------------------------------------------------------------------------------------


def test_push_starts_the_flow_and_annotating_pushes(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    linked: Any,
    make_images: Any,
    started: list[Any],
) -> None:
    project, images = linked()
    batch_id = images[0].batch_id
    resp = client.post(f"/api/data/batches/{batch_id}/label-studio/push", headers=admin_headers)
    assert resp.status_code == 202, resp.get_json()
    expected = {"kind": "label_studio_push", "organization_id": admin.organization_id}
    assert started == [{**expected, "project_id": project["id"], "batch_id": batch_id}]
    client.patch(f"/api/data/batches/{batch_id}", json={"status": "ready"}, headers=admin_headers)
    resp = client.patch(f"/api/data/batches/{batch_id}", json={"status": "annotating"}, headers=admin_headers)
    assert resp.status_code == 200 and len(started) == 2
    # Batches of projects that are not linked move without a push.
    unlinked = make_images(admin, 1)[0]
    assert_error(
        client.post(f"/api/data/batches/{unlinked.batch_id}/label-studio/push", headers=admin_headers),
        409,
        "CONFLICT",
    )
    client.patch(f"/api/data/batches/{unlinked.batch_id}", json={"status": "ready"}, headers=admin_headers)
    client.patch(
        f"/api/data/batches/{unlinked.batch_id}", json={"status": "annotating"}, headers=admin_headers
    )
    assert len(started) == 2


def test_annotating_a_linked_batch_without_prefect_is_503_and_the_batch_stays(
    client: FlaskClient, admin_headers: dict[str, str], linked: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, images = linked()
    batch_id = images[0].batch_id
    client.patch(f"/api/data/batches/{batch_id}", json={"status": "ready"}, headers=admin_headers)

    def unreachable(kind: str, parameters: dict[str, Any]) -> str:
        raise ServiceUnavailable("The orchestrator (Prefect) is unreachable")

    # What orchestration.start raises when Prefect is down (tests/webapp/test_datasets.py shows it).
    monkeypatch.setattr(orchestration, "start", unreachable)
    resp = client.patch(f"/api/data/batches/{batch_id}", json={"status": "annotating"}, headers=admin_headers)
    assert_error(resp, 503, "SERVICE_UNAVAILABLE")
    db.session.expire_all()
    assert db.session.get(Batch, batch_id).status == "ready"


def test_pending_images_are_signed_and_skip_tasks_already_made(
    client: FlaskClient, flow_headers: dict[str, str], linked: Any, admin_headers: dict[str, str]
) -> None:
    project, images = linked(n=3)
    batch_id = images[0].batch_id
    db.session.get(Image, images[2].id).status = "rejected"
    db.session.commit()
    url = f"/api/integrations/label-studio/batches/{batch_id}/pending"
    plan = client.get(url, headers=flow_headers).get_json()["data"]
    assert [i["image_id"] for i in plan["images"]] == [images[0].id, images[1].id]
    first = plan["images"][0]
    assert first["url"].startswith(f"http://acusight.test/api/data/images/{images[0].id}/signed?exp=")
    _record(client, flow_headers, project["id"], images[:1])
    plan = client.get(url + "?limit=5", headers=flow_headers).get_json()["data"]
    assert [i["image_id"] for i in plan["images"]] == [images[1].id]
    assert_error(client.get(url, headers=admin_headers), 403, "FORBIDDEN")
    # The same image can't be claimed by another task; another project's image can't be recorded at all.
    expires = datetime.now(UTC).isoformat()
    tasks = f"/api/integrations/label-studio/projects/{project['id']}/tasks"
    clash = {"tasks": [{"image_id": images[0].id, "task_id": 1, "url_expires_at": expires}]}
    assert_error(client.post(tasks, json=clash, headers=flow_headers), 409, "CONFLICT")
    stray = {"tasks": [{"image_id": 999_999, "task_id": 2, "url_expires_at": expires}]}
    assert_error(client.post(tasks, json=stray, headers=flow_headers), 400, "VALIDATION_ERROR")


def test_stale_tasks_get_fresh_urls(
    client: FlaskClient, admin_headers: dict[str, str], flow_headers: dict[str, str], linked: Any, app: Any
) -> None:
    project, images = linked(n=2)
    _record(client, flow_headers, project["id"], images)
    url = f"/api/integrations/label-studio/projects/{project['id']}/stale-tasks"
    assert client.get(url, headers=flow_headers).get_json()["data"] == []
    row = db.session.scalar(select(LabelStudioTask).where(LabelStudioTask.image_id == images[1].id))
    row.url_expires_at = datetime.now(UTC) + timedelta(hours=1)
    db.session.commit()
    stale = client.get(url, headers=flow_headers).get_json()["data"]
    assert [(s["image_id"], s["task_id"]) for s in stale] == [(images[1].id, 10 * images[1].id)]
    ttl = get_settings(app).label_studio_url_ttl_hours
    assert datetime.fromisoformat(stale[0]["url_expires_at"]) > datetime.now(UTC) + timedelta(hours=ttl - 1)
    # Nobody annotates archived batches: their URLs are left to expire.
    resp = client.patch(
        f"/api/data/batches/{images[1].batch_id}", json={"status": "archived"}, headers=admin_headers
    )
    assert resp.status_code == 200
    assert client.get(url, headers=flow_headers).get_json()["data"] == []


# --- Signed image URLs -------------------------------------------------------------------------------


def test_signed_urls_serve_bytes_until_they_expire(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], provision: Any, make_project: Any
) -> None:
    project = make_project(admin_headers)
    link = _add_link(admin.organization_id, project["id"], 77)
    key = provision(admin_headers, "ls-cam", project_id=project["id"])["api_key"]
    data = png_bytes(7)
    image = client.post(
        "/api/device/images/upload",
        data={"file": (io.BytesIO(data), "a.png")},
        headers={"X-Device-Key": key},
        content_type="multipart/form-data",
    ).get_json()["data"]
    later = datetime.now(UTC) + timedelta(hours=1)
    url = signing.signed_image_url("", link, image["id"], later)
    resp = client.get(url)  # no credentials at all
    assert resp.status_code == 200 and resp.data == data and resp.mimetype == "image/png"
    assert resp.headers["Content-Disposition"].startswith("inline")
    assert 0 < resp.cache_control.max_age <= 3600
    exp, sig = url.split("exp=")[1].split("&sig=")
    assert_error(
        client.get(f"/api/data/images/{image['id']}/signed?exp={int(exp) + 1}&sig={sig}"), 401, "UNAUTHORIZED"
    )
    assert_error(
        client.get(f"/api/data/images/{image['id'] + 1}/signed?exp={exp}&sig={sig}"), 401, "UNAUTHORIZED"
    )
    assert_error(client.get(f"/api/data/images/{image['id']}/signed?exp={exp}"), 400, "VALIDATION_ERROR")
    expired = signing.signed_image_url("", link, image["id"], datetime.now(UTC) - timedelta(seconds=1))
    error = assert_error(client.get(expired), 401, "UNAUTHORIZED")
    assert "expired" in error["details"]
    # An image that does not exist is refused as a forged URL would be: nothing is told.
    gone = signing.signed_image_url("", link, 999_999, later)
    assert_error(client.get(gone), 401, "UNAUTHORIZED")


def test_signed_urls_die_with_their_link(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], provision: Any, make_project: Any
) -> None:
    """Unlinking, or unlinking and linking again, revokes every URL the link's tasks held."""
    project = make_project(admin_headers)
    _add_link(admin.organization_id, project["id"], 76)
    key = provision(admin_headers, "ls-cam", project_id=project["id"])["api_key"]
    uploaded = client.post(
        "/api/device/images/upload",
        data={"file": (io.BytesIO(png_bytes(8)), "a.png")},
        headers={"X-Device-Key": key},
        content_type="multipart/form-data",
    ).get_json()["data"]
    images = [db.session.get(Image, uploaded["id"])]
    link = db.session.scalar(select(LabelStudioLink).where(LabelStudioLink.project_id == project["id"]))
    url = signing.signed_image_url("", link, images[0].id, datetime.now(UTC) + timedelta(hours=1))
    assert client.get(url).status_code == 200
    # A link of another project signs URLs of its own images only.
    other = make_project(admin_headers)
    other_link = _add_link(admin.organization_id, other["id"], 78)
    forged = signing.signed_image_url("", other_link, images[0].id, datetime.now(UTC) + timedelta(hours=1))
    assert_error(client.get(forged), 401, "UNAUTHORIZED")
    assert (
        client.delete(f"/api/data/projects/{project['id']}/label-studio", headers=admin_headers).status_code
        == 204
    )
    assert_error(client.get(url), 401, "UNAUTHORIZED")
    # Linked again (a new link, as POST makes): the old URL stays dead.
    relinked = _add_link(admin.organization_id, project["id"], 79)
    assert_error(client.get(url), 401, "UNAUTHORIZED")
    fresh = signing.signed_image_url("", relinked, images[0].id, datetime.now(UTC) + timedelta(hours=1))
    assert client.get(fresh).status_code == 200


# --- The webhook -------------------------------------------------------------------------------------


def test_webhook_needs_the_links_own_secret(
    client: FlaskClient, app: Any, linked: Any, make_user: Any, make_project: Any, started: list[Any]
) -> None:
    project, _ = linked()
    ls_project = db.session.scalar(select(LabelStudioLink.ls_project_id))
    body = {"action": "ANNOTATION_CREATED", "project": {"id": ls_project}, "annotation": {"id": 1, "task": 2}}
    assert_error(client.post(WEBHOOK, json=body), 401, "UNAUTHORIZED")
    wrong = {webhooks.WEBHOOK_HEADER: "not-the-secret"}
    assert_error(client.post(WEBHOOK, json=body, headers=wrong), 401, "UNAUTHORIZED")
    assert_error(client.post(WEBHOOK, data="garbage", headers=wrong), 401, "UNAUTHORIZED")
    # The secret once shared by every link (derived from the app's secret key) opens nothing.
    key = get_settings(app).secret_key.encode()
    derived = hmac.new(key, b"label-studio-webhook", hashlib.sha256).hexdigest()
    old = {webhooks.WEBHOOK_HEADER: derived}
    assert_error(client.post(WEBHOOK, json=body, headers=old), 401, "UNAUTHORIZED")
    # One link's secret does not queue pulls for another link's project (another organization's, say).
    other_org = make_user("admin", org="Other")
    theirs = make_project(bearer(other_org))
    _add_link(other_org.organization_id, theirs["id"], 4242)
    forged = {**body, "project": {"id": 4242}}
    error = assert_error(client.post(WEBHOOK, json=forged, headers=_hook(project["id"])), 401, "UNAUTHORIZED")
    assert "4242" in error["details"]
    assert db.session.scalar(select(func.count()).select_from(LabelStudioPullRequest)) == 0
    assert started == []
    # Its own secret, its own project: accepted.
    assert client.post(WEBHOOK, json=forged, headers=_hook(theirs["id"])).status_code == 202


def test_webhook_starts_a_pull_of_the_task(
    client: FlaskClient, admin: User, flow_headers: dict[str, str], linked: Any, started: list[Any]
) -> None:
    project, images = linked()
    _record(client, flow_headers, project["id"], images)
    ls_project = db.session.scalar(select(LabelStudioLink.ls_project_id))
    secret = _hook(project["id"])
    created = {
        "action": "ANNOTATION_CREATED",
        "project": {"id": ls_project, "title": "ignored"},
        "annotation": {"id": 77, "task": 10 * images[0].id, "result": []},
        "task": {"id": 10 * images[0].id},
    }
    resp = client.post(WEBHOOK, json=created, headers=secret)
    assert resp.status_code == 202, resp.get_json()
    answer = resp.get_json()["data"]
    assert answer["task_ids"] == [10 * images[0].id]
    assert answer["started"] is True and answer["flow_run_id"] == "run-1"
    claim = db.session.scalar(select(LabelStudioLink.pull_claim))
    assert claim and started == [
        {
            "kind": "label_studio_pull",
            "organization_id": admin.organization_id,
            "project_id": project["id"],
            "claim": claim,
        }
    ]
    # Deletions name annotation ids only: their tasks are found through the annotations pulled before.
    _sync(
        client,
        flow_headers,
        project["id"],
        [{"id": 10 * images[1].id, "annotations": [{"id": 78, "result": _choice("dog")}]}],
    )
    deleted = {"action": "ANNOTATIONS_DELETED", "project": {"id": ls_project}, "annotations": [{"id": 78}]}
    answer = client.post(WEBHOOK, json=deleted, headers=secret).get_json()["data"]
    # Queued for the pull already on its way: no second run.
    assert answer["task_ids"] == [10 * images[1].id] and answer["started"] is False
    assert answer["flow_run_id"] == "run-1" and len(started) == 1
    never_pulled = {**deleted, "annotations": [{"id": 5}]}
    assert client.post(WEBHOOK, json=never_pulled, headers=secret).get_json()["data"]["flow_run_id"] is None
    other = {"action": "PROJECT_UPDATED", "project": {"id": ls_project}}
    assert client.post(WEBHOOK, json=other, headers=secret).status_code == 202
    assert len(started) == 1
    unknown = {**created, "project": {"id": 123_456}}
    assert_error(client.post(WEBHOOK, json=unknown, headers=secret), 401, "UNAUTHORIZED")


def _created(ls_project: int, annotation_id: int, task_id: int) -> dict[str, Any]:
    return {
        "action": "ANNOTATION_CREATED",
        "project": {"id": ls_project},
        "annotation": {"id": annotation_id, "task": task_id},
    }


def _queue(client: FlaskClient, headers: dict[str, str], project_id: int, step: str, body: Any) -> Any:
    url = f"/api/integrations/label-studio/projects/{project_id}/pull-queue/{step}"
    resp = client.post(url, json=body, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["data"]


def test_a_burst_of_webhooks_makes_one_pull_and_what_comes_during_it_a_further_round(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    flow_headers: dict[str, str],
    linked: Any,
    started: list[Any],
) -> None:
    project, images = linked(n=3)
    pid = project["id"]
    _record(client, flow_headers, pid, images)
    ls_project = db.session.scalar(select(LabelStudioLink.ls_project_id))
    secret = _hook(pid)
    tasks = [10 * image.id for image in images]

    # A burst: the first webhook starts a run, the others join its queue.
    answers = [
        client.post(WEBHOOK, json=_created(ls_project, n, tasks[n % 3]), headers=secret).get_json()["data"]
        for n in range(6)
    ]
    assert [a["started"] for a in answers] == [True] + [False] * 5
    assert {a["flow_run_id"] for a in answers} == {"run-1"} and len(started) == 1
    claim = started[0]["claim"]
    status = client.get(f"/api/data/projects/{pid}/label-studio", headers=admin_headers).get_json()["data"]
    assert status["pull_queued"] == 6 and status["pull_flow_run_id"] == "run-1"

    # The run takes the queue; a run without the claim gets nothing.
    taken = _queue(client, flow_headers, pid, "take", {"claim": claim})
    assert taken["owned"] is True and [e["task_id"] for e in taken["entries"]] == [
        tasks[n % 3] for n in range(6)
    ]
    assert _queue(client, flow_headers, pid, "take", {"claim": "not-the-claim"}) == {
        "owned": False,
        "entries": [],
    }
    # An annotation made while it pulls: queued, and still no second run.
    late = client.post(WEBHOOK, json=_created(ls_project, 9, tasks[2]), headers=secret).get_json()["data"]
    assert late["started"] is False and len(started) == 1
    # The run is done with what it took: the late task is left, so it goes round again.
    done = _queue(
        client, flow_headers, pid, "done", {"claim": claim, "entry_ids": [e["id"] for e in taken["entries"]]}
    )
    assert done == {"owned": True, "released": False, "remaining": 1}
    again = _queue(client, flow_headers, pid, "take", {"claim": claim})
    assert [e["task_id"] for e in again["entries"]] == [tasks[2]]
    done = _queue(
        client, flow_headers, pid, "done", {"claim": claim, "entry_ids": [again["entries"][0]["id"]]}
    )
    assert done == {"owned": True, "released": True, "remaining": 0}
    status = client.get(f"/api/data/projects/{pid}/label-studio", headers=admin_headers).get_json()["data"]
    assert status["pull_queued"] == 0 and status["pull_flow_run_id"] is None

    # Once it let go, the next webhook starts a new run, with a new claim.
    answer = client.post(WEBHOOK, json=_created(ls_project, 10, tasks[0]), headers=secret).get_json()["data"]
    assert answer == {**answer, "started": True, "flow_run_id": "run-2"}
    second = started[1]["claim"]
    assert second != claim
    # The finished run's claim is no use any more.
    assert _queue(client, flow_headers, pid, "done", {"claim": claim, "entry_ids": []})["owned"] is False
    # A run that fails lets go (its tasks stay queued): the next webhook starts another at once.
    report = f"/api/integrations/label-studio/projects/{pid}/report"
    failed = {"stage": "pull", "state": "failed", "error": "boom", "claim": second}
    assert client.post(report, json=failed, headers=flow_headers).status_code == 200
    status = client.get(f"/api/data/projects/{pid}/label-studio", headers=admin_headers).get_json()["data"]
    assert status["pull_flow_run_id"] is None and status["pull_queued"] == 1
    client.post(WEBHOOK, json=_created(ls_project, 11, tasks[1]), headers=secret)
    assert len(started) == 3
    # A run whose worker died stops renewing its claim: after the lease, a webhook takes over.
    third = started[2]["claim"]
    link = db.session.scalar(select(LabelStudioLink))
    link.pull_claimed_at = datetime.now(UTC) - pull.PULL_LEASE - timedelta(seconds=1)
    db.session.commit()
    client.post(WEBHOOK, json=_created(ls_project, 12, tasks[1]), headers=secret)
    assert len(started) == 4 and started[3]["claim"] not in (claim, second, third)
    assert _queue(client, flow_headers, pid, "take", {"claim": third}) == {"owned": False, "entries": []}
    # The scheduled pull reads the queue without a claim, and lets no claim go.
    unclaimed = _queue(client, flow_headers, pid, "take", {})
    assert unclaimed["owned"] is False and len(unclaimed["entries"]) == 3
    ids = [e["id"] for e in unclaimed["entries"]]
    assert _queue(client, flow_headers, pid, "done", {"entry_ids": ids}) == {
        "owned": False,
        "released": False,
        "remaining": 0,
    }
    assert db.session.scalar(select(LabelStudioLink.pull_claim)) == started[3]["claim"]


def test_pull_queue_refusals(
    client: FlaskClient, admin_headers: dict[str, str], flow_headers: dict[str, str], linked: Any
) -> None:
    project, _ = linked()
    url = f"/api/integrations/label-studio/projects/{project['id']}/pull-queue"
    assert_error(client.post(f"{url}/take", json={}, headers=admin_headers), 403, "FORBIDDEN")
    assert_error(client.post(f"{url}/done", json={"entry_ids": []}), 401, "UNAUTHORIZED")
    assert_error(client.post(f"{url}/take", json={"limit": 0}, headers=flow_headers), 400, "VALIDATION_ERROR")
    assert_error(client.post(f"{url}/done", json={}, headers=flow_headers), 400, "VALIDATION_ERROR")
    too_many = {"entry_ids": list(range(1001))}
    assert_error(client.post(f"{url}/done", json=too_many, headers=flow_headers), 400, "VALIDATION_ERROR")
    assert_error(
        client.post(f"{url}/done", json={"claim": "", "entry_ids": []}, headers=flow_headers),
        400,
        "VALIDATION_ERROR",
    )
    other = client.post(
        "/api/data/projects", json={"name": "unlinked", "labels": ["a"]}, headers=admin_headers
    )
    unlinked = f"/api/integrations/label-studio/projects/{other.get_json()['data']['id']}/pull-queue/take"
    assert_error(client.post(unlinked, json={}, headers=flow_headers), 404, "NOT_FOUND")


def test_webhook_without_prefect_is_503_and_its_tasks_wait_in_the_queue(
    client: FlaskClient,
    admin_headers: dict[str, str],
    flow_headers: dict[str, str],
    linked: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, images = linked()
    _record(client, flow_headers, project["id"], images)
    ls_project = db.session.scalar(select(LabelStudioLink.ls_project_id))
    secret = _hook(project["id"])

    def unreachable(kind: str, parameters: dict[str, Any]) -> str:
        raise ServiceUnavailable("The orchestrator (Prefect) is unreachable")

    monkeypatch.setattr(orchestration, "start", unreachable)
    resp = client.post(WEBHOOK, json=_created(ls_project, 1, 10 * images[0].id), headers=secret)
    assert_error(resp, 503, "SERVICE_UNAVAILABLE")
    # No claim is left behind (the next webhook starts a pull), and the task waits for it.
    status = client.get(f"/api/data/projects/{project['id']}/label-studio", headers=admin_headers).get_json()
    assert status["data"]["pull_queued"] == 1 and status["data"]["pull_flow_run_id"] is None
    assert db.session.scalar(select(LabelStudioLink.pull_claim)) is None
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(orchestration, "start", lambda kind, parameters: calls.append(parameters) or "run-9")
    resp = client.post(WEBHOOK, json=_created(ls_project, 2, 10 * images[1].id), headers=secret)
    assert resp.get_json()["data"]["started"] is True and len(calls) == 1
    taken = _queue(client, flow_headers, project["id"], "take", {"claim": calls[0]["claim"]})
    assert [e["task_id"] for e in taken["entries"]] == [10 * images[0].id, 10 * images[1].id]


# --- Syncing annotations -----------------------------------------------------------------------------


def test_classification_sync_creates_updates_deletes_and_is_idempotent(
    client: FlaskClient,
    admin_headers: dict[str, str],
    flow_headers: dict[str, str],
    linked: Any,
    make_user: Any,
) -> None:
    project, images = linked(n=2)
    pid = project["id"]
    annotator = make_user("annotator", email="ann@acme.test")
    _record(client, flow_headers, pid, images)
    t0, t1 = 10 * images[0].id, 10 * images[1].id
    state = [
        {
            "id": t0,
            "annotations": [{"id": 1, "result": _choice("cat"), "completed_by_email": "ann@acme.test"}],
        },
        {"id": t1, "annotations": [{"id": 2, "result": _choice("dog"), "was_cancelled": True}]},
        {"id": 999_999, "annotations": [{"id": 3, "result": _choice("dog")}]},
    ]
    result = _sync(client, flow_headers, pid, state)
    assert (result["created"], result["unknown_tasks"], result["errors"]) == (1, 1, [])
    [first] = _ls_annotations(images[0].id)
    assert (first.label, first.external_id, first.annotator_email) == ("cat", "1", "ann@acme.test")
    assert first.annotator_id == annotator.id and first.image.label == "cat"
    assert _ls_annotations(images[1].id) == []  # skipped in Label Studio: nothing to import

    # The same state again changes nothing.
    result = _sync(client, flow_headers, pid, state)
    assert (result["created"], result["updated"], result["deleted"], result["unchanged"]) == (0, 0, 0, 1)
    assert [a.id for a in _ls_annotations(images[0].id)] == [first.id]

    # Edited in Label Studio: replaced, and the new version is the image's label.
    state[0]["annotations"][0]["result"] = _choice("dog")
    assert _sync(client, flow_headers, pid, state)["updated"] == 1
    [edited] = _ls_annotations(images[0].id)
    assert edited.label == "dog" and edited.external_id == "1" and edited.image.label == "dog"

    # A manual label made here afterwards stays when Label Studio's annotation goes.
    client.post(
        "/api/data/annotations", json={"image_id": images[0].id, "label": "cat"}, headers=admin_headers
    )
    state[0]["annotations"] = []
    assert _sync(client, flow_headers, pid, state)["deleted"] == 1
    assert _ls_annotations(images[0].id) == []
    image = client.get(f"/api/data/images/{images[0].id}", headers=admin_headers).get_json()["data"]
    assert image["labeled"] and image["label"] == "cat"


def test_deleting_the_only_label_unlabels_the_image(
    client: FlaskClient, flow_headers: dict[str, str], linked: Any
) -> None:
    project, images = linked(n=1)
    _record(client, flow_headers, project["id"], images)
    task = {"id": 10 * images[0].id, "annotations": [{"id": 5, "result": _choice("cat")}]}
    _sync(client, flow_headers, project["id"], [task])
    batch = db.session.get(Batch, images[0].batch_id)
    assert batch.annotated_count == 1
    _sync(client, flow_headers, project["id"], [{**task, "annotations": []}])
    db.session.expire_all()
    image = db.session.get(Image, images[0].id)
    assert (image.labeled, image.label, image.annotation_id) == (False, None, None)
    assert db.session.get(Batch, images[0].batch_id).annotated_count == 0


def test_detection_boxes_from_percent_rotated_and_clipped(
    client: FlaskClient, flow_headers: dict[str, str], linked: Any
) -> None:
    project, images = linked("detection", ("car", "person"), n=2)  # images are 640 x 480
    _record(client, flow_headers, project["id"], images)
    result = [
        _rect("car", 25, 50, 50, 25),
        _rect("person", 90, 90, 20, 20),  # past the corner: clipped to the image
        _rect("car", 10, 10, 10, 10, rotation=90),  # turned about its top-left corner
        _rect("person", 120, 10, 5, 5),  # wholly outside: dropped
    ]
    tasks = [
        {"id": 10 * images[0].id, "annotations": [{"id": 9, "result": result}]},
        {"id": 10 * images[1].id, "annotations": [{"id": 10, "result": []}]},  # "no objects"
    ]
    assert _sync(client, flow_headers, project["id"], tasks)["created"] == 2
    [boxes] = [a.boxes for a in _ls_annotations(images[0].id)]
    expected = [
        {"label": "car", "x": 0.25, "y": 0.5, "width": 0.5, "height": 0.25},
        {"label": "person", "x": 0.9, "y": 0.9, "width": 0.1, "height": 0.1},
        # 64 x 48 px turned 90° clockwise: 48 px wide to the left of x = 64, 64 px down from y = 48.
        {"label": "car", "x": 16 / 640, "y": 0.1, "width": 48 / 640, "height": 64 / 480},
    ]
    assert len(boxes) == len(expected)
    for got, want in zip(boxes, expected, strict=True):
        assert got["label"] == want["label"]
        assert [got[k] for k in "xy"] + [got["width"], got["height"]] == pytest.approx(
            [want[k] for k in "xy"] + [want["width"], want["height"]]
        )
    assert [a.boxes for a in _ls_annotations(images[1].id)] == [[]]


def test_unknown_labels_are_reported_not_imported(
    client: FlaskClient, admin_headers: dict[str, str], flow_headers: dict[str, str], linked: Any
) -> None:
    project, images = linked(n=1)
    _record(client, flow_headers, project["id"], images)
    task = {"id": 10 * images[0].id, "annotations": [{"id": 4, "result": _choice("zebra")}]}
    result = _sync(client, flow_headers, project["id"], [task])
    assert result["created"] == 0 and "zebra" in result["errors"][0]
    status = client.get(f"/api/data/projects/{project['id']}/label-studio", headers=admin_headers)
    assert "1 annotations not imported" in status.get_json()["data"]["last_error"]


def test_batch_becomes_annotated_when_every_task_is(
    client: FlaskClient, admin_headers: dict[str, str], flow_headers: dict[str, str], linked: Any
) -> None:
    project, images = linked(n=3)
    batch_id = images[0].batch_id
    db.session.get(Image, images[2].id).status = "rejected"  # never pushed, never waited for
    db.session.commit()
    _record(client, flow_headers, project["id"], images[:2])
    for status in ("ready", "annotating"):
        db.session.get(Batch, batch_id).status = status  # as if pushed: no flow runs in these tests
    db.session.commit()
    first = {"id": 10 * images[0].id, "annotations": [{"id": 1, "result": _choice("cat")}]}
    assert _sync(client, flow_headers, project["id"], [first])["batches_completed"] == []
    second = {"id": 10 * images[1].id, "annotations": [{"id": 2, "result": _choice("dog")}]}
    assert _sync(client, flow_headers, project["id"], [second])["batches_completed"] == [batch_id]
    batch = client.get(f"/api/data/batches/{batch_id}", headers=admin_headers).get_json()["data"]
    assert batch["status"] == "annotated"


def test_links_span_organizations_for_service_accounts_only(
    client: FlaskClient, admin_headers: dict[str, str], linked: Any, make_user: Any
) -> None:
    linked()
    _, key = service_accounts.rotate(db.session, "scheduler")
    db.session.commit()
    resp = client.get("/api/integrations/label-studio/links", headers=service_headers(key, None))
    assert resp.status_code == 200 and len(resp.get_json()["data"]) == 1
    # A person's valid token is not a service key: authenticated, not allowed.
    assert_error(client.get("/api/integrations/label-studio/links", headers=admin_headers), 403, "FORBIDDEN")
    assert_error(client.get("/api/integrations/label-studio/links"), 401, "UNAUTHORIZED")


def test_pull_on_demand(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    linked: Any,
    started: list[Any],
    make_user: Any,
) -> None:
    project, _ = linked()
    url = f"/api/data/projects/{project['id']}/label-studio/pull"
    resp = client.post(url, headers=admin_headers)
    assert resp.status_code == 202, resp.get_json()
    assert started == [
        {
            "kind": "label_studio_pull",
            "organization_id": admin.organization_id,
            "project_id": project["id"],
        }
    ]
    assert_error(client.post(url, headers=bearer(make_user("annotator"))), 403, "FORBIDDEN")
    unlinked = client.post("/api/data/projects", json={"name": "x", "labels": ["a"]}, headers=admin_headers)
    pid = unlinked.get_json()["data"]["id"]
    assert_error(
        client.post(f"/api/data/projects/{pid}/label-studio/pull", headers=admin_headers), 404, "NOT_FOUND"
    )


# --- The operator's commands -------------------------------------------------------------------------


def test_operator_configures_an_organizations_label_studio(
    database_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, app: Any, admin: User
) -> None:
    from click.testing import CliRunner

    from acusight.cli import main
    from webapp.models import LabelStudioAccount

    monkeypatch.setenv("ACUSIGHT_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ACUSIGHT_DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(main, ["orgs", "create", "Globex"]).exit_code == 0
    made = runner.invoke(
        main,
        ["orgs", "label-studio", "set", "globex", "--url", "https://ls.globex.test/"],
        input="tok-secret\n",
    )
    assert made.exit_code == 0 and "Globex annotates in https://ls.globex.test" in made.output, made.output
    listed = runner.invoke(main, ["orgs", "label-studio", "list"])
    assert listed.output == "globex\thttps://ls.globex.test\t0 links\n"
    assert "tok-secret" not in listed.output + made.output
    bad = runner.invoke(
        main, ["orgs", "label-studio", "set", "globex", "--url", "ls.globex.test", "--token", "t"]
    )
    assert bad.exit_code != 0 and "http://" in bad.output
    unknown = runner.invoke(
        main, ["orgs", "label-studio", "set", "nobody", "--url", "https://x.test", "--token", "t"]
    )
    assert unknown.exit_code != 0
    # The organization holding the shared Label Studio lets go of it only when told to.
    label_studio_instances.configure(db.session, admin.organization_id, "https://ls.acme.test", "t")
    db.session.get(
        LabelStudioAccount, label_studio_instances.account_of(db.session, admin.organization_id).id
    ).shared = True
    db.session.commit()
    slug = admin.organization.slug
    assert runner.invoke(main, ["orgs", "label-studio", "unset", slug]).exit_code == 0
    assert (
        runner.invoke(main, ["orgs", "label-studio", "list"]).output.splitlines()[0]
        == f"{slug}\tshared\t0 links"
    )
    released = runner.invoke(main, ["orgs", "label-studio", "unset", slug, "--release-shared"])
    assert released.exit_code == 0 and "none shared" in released.output
    assert (
        runner.invoke(main, ["orgs", "label-studio", "list"]).output
        == "globex\thttps://ls.globex.test\t0 links\n"
    )
