"""Tenant isolation and roles, for every operation of the API.

Two organizations, A and B, each hold one of everything. Every route that takes an id is called by
A's callers with B's ids (404, nothing changes), ids of B in bodies and filters are refused or find
nothing, and every operation is called by every kind of caller, whose answer must be what
docs/roles.md says. The operations come from the app's URL map and the table from the document, so
a new route without a case here or a row there fails, and the document cannot drift from the code.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.conftest import empty_database, png_bytes
from tests.helpers import assert_error, service_headers
from webapp import create_app, orchestration
from webapp.auth import issue_access_token
from webapp.extensions import db
from webapp.integrations.label_studio import signing, webhooks
from webapp.integrations.webhooks import endpoints as webhook_endpoints
from webapp.integrations.webhooks import outbox as webhook_outbox
from webapp.models import (
    Annotation,
    AuditEvent,
    Base,
    Batch,
    DatasetVersion,
    Device,
    DomainRule,
    DriftEvent,
    ExportJob,
    Image,
    Invitation,
    LabelStudioLink,
    LabelStudioTask,
    ModelVersion,
    Project,
    ProvisioningToken,
    Rollout,
    TrainingJob,
    TrainingSchedule,
    User,
    Webhook,
    utcnow,
)
from webapp.services import (
    accounts,
    annotations,
    cohorts,
    datasets,
    devices,
    drift,
    exports,
    image_urls,
    login_links,
    projects,
    provisioning,
    rollouts,
    schedules,
    service_accounts,
    training,
    users,
)
from webapp.unit_of_work import unit_of_work

ROLES = ("admin", "ml_engineer", "annotator", "viewer")
CALLERS = (*ROLES, "device", "service", "anonymous")
ALLOWED = ("✓", "own")
CODES = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 400: "VALIDATION_ERROR"}
ROLES_DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


# --- docs/roles.md, parsed ----------------------------------------------------------------------------


def read_roles_doc(path: Path = ROLES_DOC) -> dict[str, dict[str, str]]:
    """``{"METHOD /api/path/{param}": {caller: cell}}`` from every table row that names an operation."""
    table: dict[str, dict[str, str]] = {}
    header: list[str] = []
    for line in path.read_text().splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "operation":
            header = cells
            assert tuple(header[1 : 1 + len(CALLERS)]) == CALLERS, f"columns of roles.md: {header}"
            continue
        match = re.fullmatch(r"`(GET|POST|PATCH|PUT|DELETE) (/\S*)`", cells[0])
        if match is None:
            continue
        operation = f"{match[1]} {match[2]}"
        assert operation not in table, f"{operation} appears twice in roles.md"
        row = dict(zip(CALLERS, cells[1 : 1 + len(CALLERS)], strict=True))
        for caller, cell in row.items():
            assert cell in (*ALLOWED, "401", "403"), f"roles.md, {operation}, {caller}: {cell!r}"
        table[operation] = row
    return table


ROLES_TABLE = read_roles_doc()


def operations_of(app: Flask) -> set[str]:
    """Every (method, path) the app answers, in the document's notation: /x/<int:y> becomes /x/{y}."""
    found = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.add(f"{method} {path}")
    return found


# --- the two organizations ----------------------------------------------------------------------------


@dataclass
class Org:
    """One organization's objects, by id (B's are the ids A must not reach)."""

    key: str
    name: str
    seed: int
    id: int = 0
    users: dict[str, int] = field(default_factory=dict)
    project: int = 0
    token: int = 0
    device: int = 0
    device_key: str = ""
    images: list[dict[str, Any]] = field(default_factory=list)
    batch: int = 0
    annotation: int = 0
    ls_project: int = 0
    webhook_secret: str = ""
    task: int = 0
    dataset: int = 0
    job_running: int = 0
    job_done: int = 0
    model: int = 0
    export_done: int = 0
    export_running: int = 0
    schedule: int = 0
    drift_event: int = 0
    rollout: int = 0
    invitation: int = 0
    rule: int = 0
    webhook: int = 0
    webhook_delivery: int = 0
    audit_event: int = 0


@dataclass
class Call:
    """One request: where, with what, and the statuses an allowed caller may get."""

    path: str
    json: Any = None
    form: dict[str, Any] | None = None
    raw: bytes | None = None
    query: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)


@contextmanager
def in_job(app: Flask) -> Iterator[None]:
    """Work the test does outside a request, through services: its own app context and unit of work."""
    with app.app_context(), unit_of_work(db.session):
        yield


class World:
    """The app, its client and the two organizations, shared by every test of this module."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()
        self._serial = itertools.count(1)
        with in_job(app):
            _, self.service_key = service_accounts.create(db.session, "isolation-flows")
        self.a = self._build(Org("a", "Tenant A", seed=1))
        self.b = self._build(Org("b", "Tenant B", seed=2))

    def serial(self) -> int:
        return next(self._serial)

    # requests ---------------------------------------------------------------------------------------

    def credentials(self, org: Org, caller: str, refresh: bool = False) -> dict[str, str]:
        if caller in ROLES:
            with in_job(self.app):
                user = db.session.get(User, org.users[caller])
                assert user is not None
                token = create_refresh_token(identity=str(user.id)) if refresh else issue_access_token(user)
            return {"Authorization": f"Bearer {token}"}
        if caller == "device":
            return {"X-Device-Key": org.device_key}
        if caller == "service":
            return service_headers(self.service_key, org.id)
        assert caller == "anonymous"
        return {}

    def send(self, method: str, call: Call, headers: dict[str, str]) -> TestResponse:
        """Outside any app context, as a server runs it: each request gets its own context and session."""
        kwargs: dict[str, Any] = {"method": method, "headers": {**headers, **call.headers}}
        if call.query is not None:
            kwargs["query_string"] = call.query
        if call.json is not None:
            kwargs["json"] = call.json
        elif call.form is not None:
            kwargs["data"] = call.form
            kwargs["content_type"] = "multipart/form-data"
        elif call.raw is not None:
            kwargs["data"] = call.raw
        resp = self.client.open(call.path, **kwargs)
        # Read a streamed body and close it, so its request context (and session) ends now.
        resp.get_data()
        resp.close()
        return resp

    def snapshot(self) -> dict[str, list[str]]:
        """Every row of every table: what a refused or cross-tenant call must leave as it was."""
        with self.app.app_context(), db.engine.connect() as conn:
            return {
                table.name: sorted(repr(tuple(row)) for row in conn.execute(select(table)))
                for table in Base.metadata.sorted_tables
            }

    def rows_of(self, org: Org) -> dict[str, list[str]]:
        """The rows of every table with an organization_id that belong to ``org``."""
        with self.app.app_context(), db.engine.connect() as conn:
            return {
                table.name: sorted(
                    repr(tuple(row))
                    for row in conn.execute(select(table).where(table.c.organization_id == org.id))
                )
                for table in Base.metadata.sorted_tables
                if "organization_id" in table.c
            }

    def signed_query(self, image_id: int) -> dict[str, Any]:
        """A signed URL's query for an image, signed for the link of the image's project."""
        with in_job(self.app):
            image = db.session.get(Image, image_id)
            assert image is not None
            link = db.session.scalar(
                select(LabelStudioLink).where(LabelStudioLink.project_id == image.project_id)
            )
            assert link is not None
            expires = int((utcnow() + timedelta(hours=1)).timestamp())
            return {"exp": expires, "sig": signing.image_signature(link, image_id, expires)}

    def view_query(self, org: Org, image_id: int) -> dict[str, Any]:
        """A console image URL's query for an image, signed for ``org``'s viewer."""
        with in_job(self.app):
            url = image_urls.signed_url(db.session.get(User, org.users["viewer"]), image_id, "thumbnail")
        return dict(parse_qsl(urlsplit(url).query))

    def login_link(self, org: Org) -> str:
        """A fresh one-time sign-in link's secret for ``org``'s viewer."""
        with in_job(self.app):
            return login_links.issue(db.session, db.session.get(User, org.users["viewer"]))

    def webhook_headers(self, org: Org) -> dict[str, str]:
        return {webhooks.WEBHOOK_HEADER: org.webhook_secret}

    # objects made for one call (what a delete or cancel uses up) ------------------------------------

    def _admin(self, org: Org) -> User:
        admin = db.session.get(User, org.users["admin"])
        assert admin is not None
        return admin

    def fresh_user(self, org: Org) -> int:
        with in_job(self.app):
            return users.create(db.session, f"spare{self.serial()}@{org.key}.iso.test", org.name, "viewer").id

    def fresh_invitation(self, org: Org) -> int:
        with in_job(self.app):
            email = f"invitee{self.serial()}@{org.key}.iso.test"
            return accounts.invite(db.session, org.id, email, "viewer", None, 7).id

    def fresh_rule(self, org: Org) -> int:
        with in_job(self.app):
            domain = f"d{self.serial()}.{org.key}.iso.test"
            return accounts.add_domain_rule(db.session, domain, org.name, "viewer").id

    def fresh_token_secret(self, org: Org) -> str:
        with in_job(self.app):
            return provisioning.create(db.session, self._admin(org), name="spare")[1]

    def fresh_device(self, org: Org) -> int:
        secret = self.fresh_token_secret(org)
        with in_job(self.app):
            device, _ = devices.provision(
                db.session, token=secret, serial_number=f"spare-{self.serial()}", name="spare"
            )
            return device.id

    def fresh_project(self, org: Org) -> int:
        with in_job(self.app):
            return projects.create(db.session, org.id, name=f"spare {self.serial()}", labels=["cat"]).id

    def fresh_link(self, org: Org) -> int:
        """A linked project (the link row stands in for what Label Studio made, as test_label_studio's)."""
        project_id = self.fresh_project(org)
        with in_job(self.app):
            db.session.add(
                LabelStudioLink(
                    organization_id=org.id,
                    project_id=project_id,
                    ls_project_id=100_000 + self.serial(),
                    label_config_hash="0" * 64,
                )
            )
            db.session.commit()
        return project_id

    def fresh_annotation(self, org: Org, by: str) -> int:
        with in_job(self.app):
            annotator = db.session.get(User, org.users[by])
            return annotations.create(
                db.session, org.id, image_id=org.images[1]["id"], annotator=annotator, label="cat"
            ).id

    def fresh_queued_job(self, org: Org) -> int:
        with in_job(self.app):
            return training.create(db.session, org.id, None, dataset_id=org.dataset).id

    def rollout_body(self, org: Org) -> dict[str, Any]:
        """A rollout of the org's export to its project, the project freed first (one rollout at a time)."""
        with in_job(self.app):
            holding = cohorts.holding(db.session, org.project)
            if holding is not None:
                rollouts.rollback(db.session, org.id, holding.id, None)
        return self._rollout_body(org)

    @staticmethod
    def _rollout_body(org: Org) -> dict[str, Any]:
        return {"export_id": org.export_done, "stages": [{"percent": 50}, {"percent": 100}]}

    def fresh_rollout(self, org: Org, paused: bool = False) -> int:
        body = self.rollout_body(org)
        with in_job(self.app):
            rollout = rollouts.create(db.session, org.id, None, body)
            if paused:
                rollout.status = "paused"
            return rollout.id

    def fresh_webhook(self, org: Org) -> int:
        with in_job(self.app):
            return self._webhook(org)

    def _webhook(self, org: Org) -> int:
        hook, _ = webhook_endpoints.create(
            db.session,
            org.id,
            None,
            url="https://hooks.example.com/acusight",
            events=["*"],
            app_secret=self.app.config["SECRET_KEY"],
            allow_private=False,
        )
        return hook.id

    def fresh_schedule(self, org: Org) -> int:
        with in_job(self.app):
            schedule = schedules.create(
                db.session, org.id, None, project_id=org.project, name="spare", interval_seconds=3600
            )
            return schedule.id

    # building an organization ------------------------------------------------------------------------

    def upload(self, org: Org, seed: int, **form: Any) -> dict[str, Any]:
        resp = self.client.post(
            "/api/device/images/upload",
            data={"file": (io.BytesIO(png_bytes(seed)), f"img{seed}.png"), **form},
            headers={"X-Device-Key": org.device_key},
            content_type="multipart/form-data",
        )
        assert resp.status_code in (200, 201), resp.get_json()
        return dict(resp.get_json()["data"])

    def _ok(self, resp: TestResponse, status: int = 200) -> dict[str, Any]:
        assert resp.status_code == status, resp.get_json()
        return dict(resp.get_json()["data"])

    def _build(self, org: Org) -> Org:
        """One of everything, through the services and the API; flows' records moved along by hand."""
        with in_job(self.app):
            s = db.session
            people = {role: users.create(s, f"{role}@{org.key}.iso.test", org.name, role) for role in ROLES}
            org.id = people["admin"].organization_id
            org.users = {role: user.id for role, user in people.items()}
            org.project = projects.create(s, org.id, name="pets", labels=["cat", "dog"]).id
            token, secret = provisioning.create(
                s, people["admin"], name="fleet", max_uses=5, project_id=org.project
            )
            org.token = token.id
            device, org.device_key = devices.provision(
                s, token=secret, serial_number=f"{org.key}-cam", name=f"{org.key} cam"
            )
            org.device = device.id
        org.images = [self.upload(org, org.seed * 1000 + i) for i in range(3)]
        org.batch = org.images[0]["batch_id"]
        self._ok(self.client.post("/api/device/checkin", json={}, headers={"X-Device-Key": org.device_key}))
        service = service_headers(self.service_key, org.id)
        with in_job(self.app):
            s = db.session
            annotator = s.get(User, org.users["annotator"])
            made = [
                annotations.create(
                    s, org.id, image_id=image["id"], annotator=annotator, label=("cat", "dog")[i % 2]
                )
                for i, image in enumerate(org.images)
            ]
            org.annotation = made[0].id
            org.ls_project = 9000 + org.seed
            org.webhook_secret, secret_hash = signing.new_webhook_secret()
            link = LabelStudioLink(
                organization_id=org.id,
                project_id=org.project,
                ls_project_id=org.ls_project,
                label_config_hash="0" * 64,
                webhook_secret_hash=secret_hash,
            )
            s.add(link)
            s.flush()
            org.task = 7000 + org.seed
            s.add(
                LabelStudioTask(
                    link_id=link.id,
                    image_id=org.images[0]["id"],
                    ls_task_id=org.task,
                    url_expires_at=utcnow() + timedelta(minutes=5),
                )
            )
            s.commit()
            admin = s.get(User, org.users["admin"])
            version = datasets.create(s, org.id, admin, project_id=org.project)
            version.status = "ready"
            s.commit()
            org.dataset = version.id
            jobs = [training.create(s, org.id, admin, dataset_id=org.dataset) for _ in range(2)]
            for job in jobs:
                job.status = "running"
            s.commit()
            org.job_running, org.job_done = (job.id for job in jobs)
        model = self.client.post(
            f"/api/ml/training-jobs/{org.job_done}/model",
            data=self._checkpoint(org.job_done),
            headers=service,
            content_type="multipart/form-data",
        )
        org.model = self._ok(model, 201)["id"]
        done = {"status": "succeeded"}
        self._ok(self.client.patch(f"/api/ml/training-jobs/{org.job_done}", json=done, headers=service))
        with in_job(self.app):
            s = db.session
            made_exports = [
                exports.create(s, org.id, None, model_id=org.model, max_accuracy_drop=0.01) for _ in range(2)
            ]
            org.export_done, org.export_running = (job.id for job in made_exports)
        for export_id in (org.export_done, org.export_running):
            path = f"/api/ml/export-jobs/{export_id}"
            self._ok(self.client.patch(path, json={"status": "running"}, headers=service))
        artifact = self.client.post(
            f"/api/ml/export-jobs/{org.export_done}/artifact",
            data=self._artifact(org.export_done),
            headers=service,
            content_type="multipart/form-data",
        )
        self._ok(artifact, 201)
        self._ok(self.client.patch(f"/api/ml/export-jobs/{org.export_done}", json=done, headers=service))
        with in_job(self.app):
            s = db.session
            devices.update(s, org.id, org.device, {"deployed_export_id": org.export_done})
            # Never enough new labels: the scheduled flow's calls record a skip, nothing more.
            org.schedule = schedules.create(
                s,
                org.id,
                None,
                project_id=org.project,
                name="nightly",
                interval_seconds=3600,
                min_new_annotations=10**6,
            ).id
            window = {"window_from": utcnow() - timedelta(hours=1), "window_to": utcnow()}
            event = {
                "export_id": org.export_done,
                "predictions": 500,
                "class_psi": 0.4,
                "confidence_psi": 0.1,
            }
            event |= {"threshold": 0.25, "figures": {}} | window
            org.drift_event = drift.record(s, org.id, event, boost_rate=0.5, boost_for=timedelta(hours=1)).id
            org.rollout = rollouts.create(s, org.id, None, self._rollout_body(org)).id
            admin = s.get(User, org.users["admin"])
            org.invitation = accounts.invite(s, org.id, f"invitee@{org.key}.iso.test", "viewer", admin, 7).id
            org.rule = accounts.add_domain_rule(s, f"{org.key}.iso.test", org.name, "viewer").id
            org.webhook = self._webhook(org)
            org.webhook_delivery = webhook_endpoints.ping(s, org.id, org.webhook).id
            s.flush()
            org.audit_event = s.scalars(
                select(AuditEvent.id).where(AuditEvent.organization_id == org.id).order_by(AuditEvent.id)
            ).first()
        return org

    def _checkpoint(self, job_id: int) -> dict[str, Any]:
        return {"file": (io.BytesIO(f"weights {job_id}".encode()), "model.pt"), "metrics": "{}"}

    def _artifact(self, job_id: int) -> dict[str, Any]:
        data = f"onnx {job_id}".encode()
        return {"file": (io.BytesIO(data), "model.onnx"), "sha256": hashlib.sha256(data).hexdigest()}


def _fake_prefect(mp: pytest.MonkeyPatch) -> None:
    """Flow runs and schedules recorded instead of reaching Prefect (tests/flows runs the real ones)."""
    runs = itertools.count(1)
    mp.setattr(orchestration, "start", lambda kind, parameters: f"run-{next(runs)}")
    mp.setattr(orchestration, "cancel", lambda run_id: None)
    mp.setattr(orchestration, "create_schedule", lambda kind, parameters, **_: f"schedule-{next(runs)}")
    mp.setattr(orchestration, "update_schedule", lambda kind, schedule_id, **_: None)
    mp.setattr(orchestration, "delete_schedule", lambda kind, schedule_id: None)
    mp.setattr(orchestration, "schedule_states", lambda kind: {})


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One app and two filled organizations for the whole module (the tests here change only A)."""
    app = create_app(
        {
            "data_dir": tmp_path_factory.mktemp("isolation") / "var",
            "database_url": database_url,
            # Configured but not running: nothing here may need Label Studio itself.
            "label_studio_url": "http://127.0.0.1:9",
            "label_studio_token": "0" * 40,
            "public_url": "http://acusight.test",
            "benchmark_endpoints": True,
            # The world starts jobs case after case; the limit on them is tested in test_quotas.py.
            "org_max_jobs": 0,
        }
    )
    app.config["TESTING"] = True
    with pytest.MonkeyPatch.context() as mp:
        _fake_prefect(mp)
        try:
            yield World(app)
        finally:
            with app.app_context():
                empty_database()


# --- one case per operation -----------------------------------------------------------------------------

Build = Callable[[World, Org, str], Call]


@dataclass(frozen=True)
class Op:
    """How to call one operation for ``org`` as ``caller``; ``others`` is the call on someone else's
    object, for the cells that say "own"; ``refresh``: users present a refresh token."""

    build: Build
    refresh: bool = False
    others: Build | None = None


def _csv(org: Org) -> bytes:
    return f"sha256,label\n{org.images[0]['sha256']},cat\n".encode()


OPS: dict[str, Op] = {
    # sign-in and people
    "GET /api/auth/login": Op(lambda w, o, c: Call("/api/auth/login", ok=(503,))),
    "GET /api/auth/callback": Op(lambda w, o, c: Call("/api/auth/callback", ok=(503,))),
    "GET /api/auth/methods": Op(lambda w, o, c: Call("/api/auth/methods")),
    "POST /api/auth/login-link": Op(
        lambda w, o, c: Call("/api/auth/login-link", json={"token": w.login_link(o)})
    ),
    "POST /api/auth/refresh": Op(lambda w, o, c: Call("/api/auth/refresh"), refresh=True),
    "POST /api/auth/logout": Op(lambda w, o, c: Call("/api/auth/logout", json={}, ok=(204,))),
    "GET /api/auth/me": Op(lambda w, o, c: Call("/api/auth/me")),
    "GET /api/users": Op(lambda w, o, c: Call("/api/users")),
    "GET /api/users/{user_id}": Op(lambda w, o, c: Call(f"/api/users/{o.users['viewer']}")),
    "PATCH /api/users/{user_id}": Op(
        lambda w, o, c: Call(f"/api/users/{o.users['viewer']}", json={"name": "Vera Viewer"})
    ),
    "DELETE /api/users/{user_id}": Op(lambda w, o, c: Call(f"/api/users/{w.fresh_user(o)}", ok=(204,))),
    "GET /api/users/invitations": Op(lambda w, o, c: Call("/api/users/invitations")),
    "POST /api/users/invitations": Op(
        lambda w, o, c: Call(
            "/api/users/invitations",
            json={"email": f"new{w.serial()}@{o.key}.iso.test", "role": "viewer"},
            ok=(201,),
        )
    ),
    "DELETE /api/users/invitations/{invitation_id}": Op(
        lambda w, o, c: Call(f"/api/users/invitations/{w.fresh_invitation(o)}", ok=(204,))
    ),
    "GET /api/users/domain-rules": Op(lambda w, o, c: Call("/api/users/domain-rules")),
    "DELETE /api/users/domain-rules/{rule_id}": Op(
        lambda w, o, c: Call(f"/api/users/domain-rules/{w.fresh_rule(o)}", ok=(204,))
    ),
    "GET /api/organization": Op(lambda w, o, c: Call("/api/organization")),
    "PATCH /api/organization": Op(lambda w, o, c: Call("/api/organization", json={"name": o.name})),
    # webhooks
    "GET /api/webhooks": Op(lambda w, o, c: Call("/api/webhooks")),
    "POST /api/webhooks": Op(
        lambda w, o, c: Call(
            "/api/webhooks", json={"url": "https://hooks.example.com/acusight", "events": ["*"]}, ok=(201,)
        )
    ),
    "GET /api/webhooks/{webhook_id}": Op(lambda w, o, c: Call(f"/api/webhooks/{o.webhook}")),
    "PATCH /api/webhooks/{webhook_id}": Op(
        lambda w, o, c: Call(f"/api/webhooks/{o.webhook}", json={"events": [webhook_outbox.ALL_EVENTS]})
    ),
    "DELETE /api/webhooks/{webhook_id}": Op(
        lambda w, o, c: Call(f"/api/webhooks/{w.fresh_webhook(o)}", ok=(204,))
    ),
    "GET /api/webhooks/{webhook_id}/deliveries": Op(
        lambda w, o, c: Call(f"/api/webhooks/{o.webhook}/deliveries")
    ),
    "POST /api/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": Op(
        lambda w, o, c: Call(
            f"/api/webhooks/{o.webhook}/deliveries/{o.webhook_delivery}/redeliver", ok=(201,)
        )
    ),
    "POST /api/webhooks/{webhook_id}/ping": Op(
        lambda w, o, c: Call(f"/api/webhooks/{o.webhook}/ping", ok=(201,))
    ),
    "GET /api/audit-events": Op(lambda w, o, c: Call("/api/audit-events")),
    "GET /api/audit-events/{event_id}": Op(lambda w, o, c: Call(f"/api/audit-events/{o.audit_event}")),
    # devices
    "GET /api/provisioning-tokens": Op(lambda w, o, c: Call("/api/provisioning-tokens")),
    "POST /api/provisioning-tokens": Op(
        lambda w, o, c: Call("/api/provisioning-tokens", json={"name": "spare"}, ok=(201,))
    ),
    "DELETE /api/provisioning-tokens/{token_id}": Op(
        lambda w, o, c: Call(f"/api/provisioning-tokens/{o.token}")
    ),
    "POST /api/devices/provision": Op(
        lambda w, o, c: Call(
            "/api/devices/provision",
            json={"token": w.fresh_token_secret(o), "serial_number": f"sn-{w.serial()}", "name": "cam"},
            ok=(201,),
        )
    ),
    "GET /api/devices": Op(lambda w, o, c: Call("/api/devices")),
    "GET /api/devices/{device_id}": Op(lambda w, o, c: Call(f"/api/devices/{o.device}")),
    "PATCH /api/devices/{device_id}": Op(
        lambda w, o, c: Call(f"/api/devices/{o.device}", json={"name": f"{o.key} cam"})
    ),
    "DELETE /api/devices/{device_id}": Op(
        lambda w, o, c: Call(f"/api/devices/{w.fresh_device(o)}", ok=(204,))
    ),
    "GET /api/devices/{device_id}/checkins": Op(lambda w, o, c: Call(f"/api/devices/{o.device}/checkins")),
    "GET /api/device/self": Op(lambda w, o, c: Call("/api/device/self")),
    "POST /api/device/checkin": Op(lambda w, o, c: Call("/api/device/checkin", json={})),
    "GET /api/device/model": Op(lambda w, o, c: Call("/api/device/model")),
    "POST /api/device/inferences": Op(
        lambda w, o, c: Call(
            "/api/device/inferences",
            json={
                "batch_id": f"batch-{w.serial()}",
                "predictions": [
                    {
                        "export_id": o.export_done,
                        "captured_at": utcnow().isoformat(),
                        "latency_ms": 4.5,
                        "label": "cat",
                        "score": 0.9,
                    }
                ],
            },
            ok=(201,),
        )
    ),
    "GET /api/device/model/download": Op(lambda w, o, c: Call("/api/device/model/download")),
    "POST /api/device/images/upload": Op(
        lambda w, o, c: Call(
            "/api/device/images/upload",
            form={"file": (io.BytesIO(png_bytes(10**6 + w.serial())), "new.png")},
            ok=(201,),
        )
    ),
    "POST /api/device/images/batch": Op(
        lambda w, o, c: Call(
            "/api/device/images/batch",
            form={
                "files": [(io.BytesIO(png_bytes(10**6 + w.serial())), f"new{i}.png") for i in range(2)],
                "manifest": '[{"metadata": {"lux": 3}}, null]',
            },
        )
    ),
    # data
    "GET /api/data/projects": Op(lambda w, o, c: Call("/api/data/projects")),
    "POST /api/data/projects": Op(
        lambda w, o, c: Call(
            "/api/data/projects", json={"name": f"p{w.serial()}", "labels": ["a"]}, ok=(201,)
        )
    ),
    "GET /api/data/projects/{project_id}": Op(lambda w, o, c: Call(f"/api/data/projects/{o.project}")),
    "PATCH /api/data/projects/{project_id}": Op(
        lambda w, o, c: Call(f"/api/data/projects/{o.project}", json={"description": "pets"})
    ),
    "DELETE /api/data/projects/{project_id}": Op(
        lambda w, o, c: Call(f"/api/data/projects/{w.fresh_project(o)}", ok=(204,))
    ),
    "GET /api/data/projects/{project_id}/export": Op(
        lambda w, o, c: Call(f"/api/data/projects/{o.project}/export", query={"format": "csv"})
    ),
    "POST /api/data/projects/{project_id}/import": Op(
        lambda w, o, c: Call(
            f"/api/data/projects/{o.project}/import",
            form={"file": (io.BytesIO(_csv(o)), "labels.csv"), "format": "csv", "dry_run": "true"},
        )
    ),
    "GET /api/data/batches": Op(lambda w, o, c: Call("/api/data/batches")),
    "GET /api/data/batches/{batch_id}": Op(lambda w, o, c: Call(f"/api/data/batches/{o.batch}")),
    "PATCH /api/data/batches/{batch_id}": Op(
        lambda w, o, c: Call(f"/api/data/batches/{o.batch}", json={"notes": "checked"})
    ),
    "GET /api/data/images": Op(lambda w, o, c: Call("/api/data/images")),
    "GET /api/data/images/{image_id}": Op(lambda w, o, c: Call(f"/api/data/images/{o.images[0]['id']}")),
    "GET /api/data/images/{image_id}/field-predictions": Op(
        lambda w, o, c: Call(f"/api/data/images/{o.images[0]['id']}/field-predictions")
    ),
    "PATCH /api/data/images/{image_id}": Op(
        lambda w, o, c: Call(f"/api/data/images/{o.images[0]['id']}", json={"notes": "sharp"})
    ),
    "GET /api/data/images/{image_id}/file": Op(
        lambda w, o, c: Call(f"/api/data/images/{o.images[0]['id']}/file")
    ),
    "GET /api/data/images/{image_id}/thumbnail": Op(
        lambda w, o, c: Call(f"/api/data/images/{o.images[0]['id']}/thumbnail")
    ),
    "GET /api/data/images/{image_id}/signed": Op(
        lambda w, o, c: Call(
            f"/api/data/images/{o.images[0]['id']}/signed", query=w.signed_query(o.images[0]["id"])
        )
    ),
    "GET /api/data/images/{image_id}/view": Op(
        lambda w, o, c: Call(
            f"/api/data/images/{o.images[0]['id']}/view", query=w.view_query(o, o.images[0]["id"])
        )
    ),
    "GET /api/data/annotations": Op(lambda w, o, c: Call("/api/data/annotations")),
    "POST /api/data/annotations": Op(
        lambda w, o, c: Call(
            "/api/data/annotations", json={"image_id": o.images[2]["id"], "label": "cat"}, ok=(201,)
        )
    ),
    "GET /api/data/annotations/{annotation_id}": Op(
        lambda w, o, c: Call(f"/api/data/annotations/{o.annotation}")
    ),
    "DELETE /api/data/annotations/{annotation_id}": Op(
        lambda w, o, c: Call(
            f"/api/data/annotations/{w.fresh_annotation(o, c if c in ROLES else 'annotator')}", ok=(204,)
        ),
        others=lambda w, o, c: Call(f"/api/data/annotations/{w.fresh_annotation(o, 'admin')}", ok=(204,)),
    ),
    "GET /api/data/datasets": Op(lambda w, o, c: Call("/api/data/datasets")),
    "POST /api/data/datasets": Op(
        lambda w, o, c: Call("/api/data/datasets", json={"project_id": o.project}, ok=(201,))
    ),
    "GET /api/data/datasets/{dataset_id}": Op(lambda w, o, c: Call(f"/api/data/datasets/{o.dataset}")),
    "PATCH /api/data/datasets/{dataset_id}": Op(
        lambda w, o, c: Call(f"/api/data/datasets/{o.dataset}", json={"name": "pets v1"})
    ),
    "GET /api/data/datasets/{dataset_id}/manifest": Op(
        lambda w, o, c: Call(f"/api/data/datasets/{o.dataset}/manifest")
    ),
    "POST /api/data/datasets/{dataset_id}/archive": Op(
        lambda w, o, c: Call(f"/api/data/datasets/{o.dataset}/archive", json={})
    ),
    # machine learning
    "GET /api/ml/training-jobs": Op(lambda w, o, c: Call("/api/ml/training-jobs")),
    "POST /api/ml/training-jobs": Op(
        lambda w, o, c: Call("/api/ml/training-jobs", json={"dataset_id": o.dataset}, ok=(201,))
    ),
    "GET /api/ml/training-jobs/{job_id}": Op(lambda w, o, c: Call(f"/api/ml/training-jobs/{o.job_done}")),
    "PATCH /api/ml/training-jobs/{job_id}": Op(
        lambda w, o, c: Call(f"/api/ml/training-jobs/{o.job_running}", json={"progress": {"epoch": 1}})
    ),
    "POST /api/ml/training-jobs/{job_id}/cancel": Op(
        lambda w, o, c: Call(f"/api/ml/training-jobs/{w.fresh_queued_job(o)}/cancel")
    ),
    "POST /api/ml/training-jobs/{job_id}/model": Op(
        lambda w, o, c: Call(
            f"/api/ml/training-jobs/{o.job_running}/model", form=w._checkpoint(o.job_running), ok=(201,)
        )
    ),
    "GET /api/ml/models": Op(lambda w, o, c: Call("/api/ml/models")),
    "GET /api/ml/models/{model_id}": Op(lambda w, o, c: Call(f"/api/ml/models/{o.model}")),
    "GET /api/ml/models/{model_id}/download": Op(lambda w, o, c: Call(f"/api/ml/models/{o.model}/download")),
    "GET /api/ml/export-jobs": Op(lambda w, o, c: Call("/api/ml/export-jobs")),
    "POST /api/ml/export-jobs": Op(
        lambda w, o, c: Call("/api/ml/export-jobs", json={"model_id": o.model}, ok=(201,))
    ),
    "GET /api/ml/export-jobs/{job_id}": Op(lambda w, o, c: Call(f"/api/ml/export-jobs/{o.export_done}")),
    "PATCH /api/ml/export-jobs/{job_id}": Op(
        lambda w, o, c: Call(
            f"/api/ml/export-jobs/{o.export_running}", json={"latency_ms": {"cpu": {"b1": 0.2}}}
        )
    ),
    "POST /api/ml/export-jobs/{job_id}/artifact": Op(
        lambda w, o, c: Call(
            f"/api/ml/export-jobs/{o.export_running}/artifact", form=w._artifact(o.export_running), ok=(201,)
        )
    ),
    "GET /api/ml/export-jobs/{job_id}/download": Op(
        lambda w, o, c: Call(f"/api/ml/export-jobs/{o.export_done}/download")
    ),
    "GET /api/ml/export-jobs/{job_id}/field-metrics": Op(
        lambda w, o, c: Call(f"/api/ml/export-jobs/{o.export_done}/field-metrics")
    ),
    "GET /api/ml/drift-events": Op(lambda w, o, c: Call("/api/ml/drift-events")),
    "POST /api/ml/drift-events": Op(
        lambda w, o, c: Call(
            "/api/ml/drift-events",
            json={
                "export_id": o.export_done,
                "window_from": (utcnow() - timedelta(hours=1)).isoformat(),
                "window_to": utcnow().isoformat(),
                "predictions": 300,
                "class_psi": 0.3,
                "confidence_psi": 0.3,
                "threshold": 0.25,
                "figures": {},
            },
            ok=(201,),
        )
    ),
    "GET /api/ml/drift-events/{event_id}": Op(lambda w, o, c: Call(f"/api/ml/drift-events/{o.drift_event}")),
    "POST /api/ml/drift-checks": Op(
        lambda w, o, c: Call("/api/ml/drift-checks", json={"export_id": o.export_done}, ok=(202,))
    ),
    "GET /api/ml/drift-targets": Op(lambda w, o, c: Call("/api/ml/drift-targets")),
    "GET /api/ml/rollouts": Op(lambda w, o, c: Call("/api/ml/rollouts")),
    "POST /api/ml/rollouts": Op(lambda w, o, c: Call("/api/ml/rollouts", json=w.rollout_body(o), ok=(201,))),
    "GET /api/ml/rollouts/{rollout_id}": Op(lambda w, o, c: Call(f"/api/ml/rollouts/{o.rollout}")),
    "POST /api/ml/rollouts/{rollout_id}/promote": Op(
        lambda w, o, c: Call(f"/api/ml/rollouts/{w.fresh_rollout(o)}/promote", json={})
    ),
    "POST /api/ml/rollouts/{rollout_id}/pause": Op(
        lambda w, o, c: Call(f"/api/ml/rollouts/{w.fresh_rollout(o)}/pause", json={})
    ),
    "POST /api/ml/rollouts/{rollout_id}/resume": Op(
        lambda w, o, c: Call(f"/api/ml/rollouts/{w.fresh_rollout(o, paused=True)}/resume", json={})
    ),
    "POST /api/ml/rollouts/{rollout_id}/rollback": Op(
        lambda w, o, c: Call(f"/api/ml/rollouts/{w.fresh_rollout(o)}/rollback", json={"reason": "test"})
    ),
    "POST /api/ml/rollouts/{rollout_id}/decisions": Op(
        lambda w, o, c: Call(
            f"/api/ml/rollouts/{w.fresh_rollout(o)}/decisions",
            json={"stage": 0, "action": "hold", "reason": "waiting", "figures": {}},
        )
    ),
    "GET /api/ml/rollout-targets": Op(lambda w, o, c: Call("/api/ml/rollout-targets")),
    "POST /api/ml/rollout-checks": Op(
        lambda w, o, c: Call("/api/ml/rollout-checks", json={"rollout_id": w.fresh_rollout(o)}, ok=(202,))
    ),
    "GET /api/ml/schedules": Op(lambda w, o, c: Call("/api/ml/schedules")),
    "POST /api/ml/schedules": Op(
        lambda w, o, c: Call(
            "/api/ml/schedules",
            json={"project_id": o.project, "name": "hourly", "interval_seconds": 3600},
            ok=(201,),
        )
    ),
    "GET /api/ml/schedules/{schedule_id}": Op(lambda w, o, c: Call(f"/api/ml/schedules/{o.schedule}")),
    "PATCH /api/ml/schedules/{schedule_id}": Op(
        lambda w, o, c: Call(f"/api/ml/schedules/{o.schedule}", json={"name": "nightly"})
    ),
    "DELETE /api/ml/schedules/{schedule_id}": Op(
        lambda w, o, c: Call(f"/api/ml/schedules/{w.fresh_schedule(o)}", ok=(204,))
    ),
    "POST /api/ml/schedules/{schedule_id}/run": Op(
        lambda w, o, c: Call(f"/api/ml/schedules/{o.schedule}/run", ok=(202,))
    ),
    "POST /api/ml/schedules/{schedule_id}/runs": Op(
        lambda w, o, c: Call(f"/api/ml/schedules/{o.schedule}/runs")
    ),
    "PATCH /api/ml/schedules/{schedule_id}/last-run": Op(
        lambda w, o, c: Call(f"/api/ml/schedules/{o.schedule}/last-run", json={"last_outcome": "trained"})
    ),
    # Label Studio
    "GET /api/data/projects/{project_id}/label-studio": Op(
        lambda w, o, c: Call(f"/api/data/projects/{o.project}/label-studio")
    ),
    # The project is linked already: refused before Label Studio would be called.
    "POST /api/data/projects/{project_id}/label-studio": Op(
        lambda w, o, c: Call(f"/api/data/projects/{o.project}/label-studio", json={}, ok=(409,))
    ),
    "DELETE /api/data/projects/{project_id}/label-studio": Op(
        lambda w, o, c: Call(f"/api/data/projects/{w.fresh_link(o)}/label-studio", ok=(204,))
    ),
    "POST /api/data/projects/{project_id}/label-studio/pull": Op(
        lambda w, o, c: Call(f"/api/data/projects/{o.project}/label-studio/pull", ok=(202,))
    ),
    "POST /api/data/batches/{batch_id}/label-studio/push": Op(
        lambda w, o, c: Call(f"/api/data/batches/{o.batch}/label-studio/push", ok=(202,))
    ),
    "POST /api/integrations/label-studio/webhook": Op(
        lambda w, o, c: Call(
            "/api/integrations/label-studio/webhook",
            json={
                "action": "ANNOTATION_CREATED",
                "project": {"id": o.ls_project},
                "annotation": {"id": 1, "task": o.task},
            },
            headers=w.webhook_headers(o),
            ok=(202,),
        )
    ),
    "GET /api/integrations/label-studio/links": Op(
        lambda w, o, c: Call("/api/integrations/label-studio/links")
    ),
    "GET /api/integrations/label-studio/batches/{batch_id}/pending": Op(
        lambda w, o, c: Call(f"/api/integrations/label-studio/batches/{o.batch}/pending")
    ),
    "GET /api/integrations/label-studio/projects/{project_id}/connection": Op(
        # 409 for the organization the shared Label Studio does not serve.
        lambda w, o, c: Call(f"/api/integrations/label-studio/projects/{o.project}/connection", ok=(200, 409))
    ),
    "POST /api/integrations/label-studio/projects/{project_id}/tasks": Op(
        lambda w, o, c: Call(
            f"/api/integrations/label-studio/projects/{o.project}/tasks",
            json={
                "tasks": [
                    {
                        "image_id": o.images[0]["id"],
                        "task_id": o.task,
                        "url_expires_at": (utcnow() + timedelta(minutes=5)).isoformat(),
                    }
                ]
            },
        )
    ),
    "GET /api/integrations/label-studio/projects/{project_id}/stale-tasks": Op(
        lambda w, o, c: Call(f"/api/integrations/label-studio/projects/{o.project}/stale-tasks")
    ),
    "POST /api/integrations/label-studio/projects/{project_id}/sync": Op(
        lambda w, o, c: Call(f"/api/integrations/label-studio/projects/{o.project}/sync", json={"tasks": []})
    ),
    "POST /api/integrations/label-studio/projects/{project_id}/pull-queue/take": Op(
        lambda w, o, c: Call(f"/api/integrations/label-studio/projects/{o.project}/pull-queue/take", json={})
    ),
    "POST /api/integrations/label-studio/projects/{project_id}/pull-queue/done": Op(
        lambda w, o, c: Call(
            f"/api/integrations/label-studio/projects/{o.project}/pull-queue/done", json={"entry_ids": []}
        )
    ),
    "POST /api/integrations/label-studio/projects/{project_id}/report": Op(
        lambda w, o, c: Call(
            f"/api/integrations/label-studio/projects/{o.project}/report",
            json={"stage": "push", "state": "running"},
        )
    ),
    # the API itself
    "GET /api/openapi.json": Op(lambda w, o, c: Call("/api/openapi.json")),
    "GET /api/docs": Op(lambda w, o, c: Call("/api/docs")),
    "GET /api/docs/assets/{filename}": Op(lambda w, o, c: Call("/api/docs/assets/swagger-ui.css")),
    "GET /": Op(lambda w, o, c: Call("/")),
    "GET /{path}": Op(lambda w, o, c: Call("/fleet")),
    "GET /assets/{filename}": Op(lambda w, o, c: Call("/assets/index.html")),
    "POST /api/_benchmark/sink": Op(lambda w, o, c: Call("/api/_benchmark/sink", raw=b"bytes", ok=(201,))),
}


def _diff(before: dict[str, list[str]], after: dict[str, list[str]]) -> str:
    changed = [
        f"{name}: -{sorted(set(rows) - set(after[name]))[:3]} +{sorted(set(after[name]) - set(rows))[:3]}"
        for name, rows in before.items()
        if rows != after[name]
    ]
    return "; ".join(changed)


def assert_refused(world: World, method: str, call: Call, headers: dict[str, str], status: int) -> None:
    """The call answers ``status`` in the envelope and leaves every row of every table as it was."""
    before = world.snapshot()
    resp = world.send(method, call, headers)
    assert_error(resp, status, CODES[status])
    after = world.snapshot()
    assert after == before, f"{method} {call.path} changed rows: {_diff(before, after)}"


# --- the document and the code agree -------------------------------------------------------------------


def test_every_route_has_a_case_and_a_row_in_roles_md(world: World) -> None:
    routes = operations_of(world.app)
    assert not routes - set(ROLES_TABLE), (
        f"routes missing from docs/roles.md: {sorted(routes - set(ROLES_TABLE))}"
    )
    assert not set(ROLES_TABLE) - routes, (
        f"rows of docs/roles.md for no route: {sorted(set(ROLES_TABLE) - routes)}"
    )
    assert set(OPS) == routes, (
        f"routes without a case: {sorted(routes - set(OPS))}; extra: {sorted(set(OPS) - routes)}"
    )


def test_roles_md_lists_every_operation_of_the_openapi_document(world: World) -> None:
    spec = world.client.get("/api/openapi.json").get_json()
    documented = {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    }
    assert documented, "the OpenAPI document lists no operation"
    assert not documented - set(ROLES_TABLE), sorted(documented - set(ROLES_TABLE))


def test_the_readme_links_the_table() -> None:
    readme = (ROLES_DOC.parents[1] / "README.md").read_text()
    assert "(docs/roles.md)" in readme


# --- roles: every operation x every kind of caller -----------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "caller"),
    [(operation, caller) for operation in ROLES_TABLE for caller in CALLERS],
    ids=[f"{operation} as {caller}" for operation in ROLES_TABLE for caller in CALLERS],
)
def test_role_matrix(world: World, operation: str, caller: str) -> None:
    if operation not in OPS:
        pytest.fail(f"no case for {operation} in OPS")
    op, expected = OPS[operation], ROLES_TABLE[operation][caller]
    method = operation.split()[0]
    headers = world.credentials(world.a, caller, refresh=op.refresh)
    call = op.build(world, world.a, caller)
    if expected in ALLOWED:
        resp = world.send(method, call, headers)
        assert resp.status_code in call.ok, (resp.status_code, resp.get_json(silent=True))
    else:
        assert_refused(world, method, call, headers, int(expected))
    if expected == "own":
        assert op.others is not None, f"{operation}: roles.md says 'own'; the case needs `others`"
        assert_refused(world, method, op.others(world, world.a, caller), headers, 403)


# --- isolation: every route with an id, called with another organization's ids -------------------------

# Every route with a record's id in its path ({filename} names a file of the public docs page or the
# console, {path} a page of the console).
ID_OPERATIONS = [
    operation
    for operation in ROLES_TABLE
    if "{" in operation and "{filename}" not in operation and "{path}" not in operation
]
# The routes whose id is not scoped to a tenant: a signed URL names its image, and a signature made
# for another image (A's) does not open B's.
SIGNATURE_SCOPED = "GET /api/data/images/{image_id}/signed"
VIEW_SIGNATURE_SCOPED = "GET /api/data/images/{image_id}/view"


@pytest.mark.parametrize("operation", ID_OPERATIONS)
def test_other_organizations_ids_are_not_found(world: World, operation: str) -> None:
    method = operation.split()[0]
    if operation == SIGNATURE_SCOPED:
        b_image = world.b.images[0]["id"]
        call = Call(f"/api/data/images/{b_image}/signed", query=world.signed_query(world.a.images[0]["id"]))
        assert_refused(world, method, call, {}, 401)
        return
    if operation == VIEW_SIGNATURE_SCOPED:
        b_image = world.b.images[0]["id"]
        a_query = world.view_query(world.a, world.a.images[0]["id"])
        call = Call(f"/api/data/images/{b_image}/view", query=a_query)
        assert_refused(world, method, call, {}, 401)
        # Signed for B's image by A's user: the signature holds, the organization does not.
        call = Call(f"/api/data/images/{b_image}/view", query=world.view_query(world.a, b_image))
        assert_refused(world, method, call, {}, 401)
        return
    callers = [c for c in (*ROLES, "service") if ROLES_TABLE[operation][c] in ALLOWED]
    assert callers, f"{operation}: nobody of an organization may call it"
    for caller in callers:
        # B's objects (made afresh where the call uses one up), A's credentials.
        call = OPS[operation].build(world, world.b, caller)
        headers = world.credentials(world.a, caller, refresh=OPS[operation].refresh)
        assert_refused(world, method, call, headers, 404)


# --- isolation: ids of B in bodies and filters -----------------------------------------------------------

Cross = Callable[[World], tuple[str, Call]]


CROSS_BODIES: dict[str, tuple[str, Cross, int]] = {
    "dataset of B's project": (
        "admin",
        lambda w: ("POST", Call("/api/data/datasets", json={"project_id": w.b.project})),
        404,
    ),
    "dataset with B's batch": (
        "admin",
        lambda w: (
            "POST",
            Call("/api/data/datasets", json={"project_id": w.a.project, "batch_ids": [w.b.batch]}),
        ),
        404,
    ),
    "training on B's dataset": (
        "ml_engineer",
        lambda w: ("POST", Call("/api/ml/training-jobs", json={"dataset_id": w.b.dataset})),
        404,
    ),
    "training on B's dataset, as the service": (
        "service",
        lambda w: ("POST", Call("/api/ml/training-jobs", json={"dataset_id": w.b.dataset})),
        404,
    ),
    "export of B's model": (
        "admin",
        lambda w: ("POST", Call("/api/ml/export-jobs", json={"model_id": w.b.model})),
        404,
    ),
    "B's export on A's device": (
        "admin",
        lambda w: ("PATCH", Call(f"/api/devices/{w.a.device}", json={"deployed_export_id": w.b.export_done})),
        404,
    ),
    "A's device into B's project": (
        "admin",
        lambda w: ("PATCH", Call(f"/api/devices/{w.a.device}", json={"project_id": w.b.project})),
        404,
    ),
    "B's export on A's project": (
        "admin",
        lambda w: (
            "PATCH",
            Call(f"/api/data/projects/{w.a.project}", json={"deployed_export_id": w.b.export_done}),
        ),
        404,
    ),
    "A's batch into B's project": (
        "ml_engineer",
        lambda w: ("PATCH", Call(f"/api/data/batches/{w.a.batch}", json={"project_id": w.b.project})),
        404,
    ),
    "annotation of B's image": (
        "annotator",
        lambda w: (
            "POST",
            Call("/api/data/annotations", json={"image_id": w.b.images[0]["id"], "label": "cat"}),
        ),
        404,
    ),
    "annotation of B's image, as the service": (
        "service",
        lambda w: (
            "POST",
            Call("/api/data/annotations", json={"image_id": w.b.images[0]["id"], "label": "cat"}),
        ),
        404,
    ),
    "schedule of B's project": (
        "admin",
        lambda w: (
            "POST",
            Call("/api/ml/schedules", json={"project_id": w.b.project, "name": "t", "interval_seconds": 60}),
        ),
        404,
    ),
    "provisioning token into B's project": (
        "admin",
        lambda w: ("POST", Call("/api/provisioning-tokens", json={"name": "t", "project_id": w.b.project})),
        404,
    ),
    "B's training job as A's schedule's last one": (
        "service",
        lambda w: (
            "PATCH",
            Call(f"/api/ml/schedules/{w.a.schedule}/last-run", json={"last_training_job_id": w.b.job_done}),
        ),
        404,
    ),
    "B's image as a task of A's project": (
        "service",
        lambda w: (
            "POST",
            Call(
                f"/api/integrations/label-studio/projects/{w.a.project}/tasks",
                json={
                    "tasks": [
                        {
                            "image_id": w.b.images[0]["id"],
                            "task_id": 1,
                            "url_expires_at": "2030-01-01T00:00:00Z",
                        }
                    ]
                },
            ),
        ),
        400,
    ),
    "B's image in A's dataset archive": (
        "service",
        lambda w: (
            "POST",
            Call(f"/api/data/datasets/{w.a.dataset}/archive", json={"sha256": [w.b.images[0]["sha256"]]}),
        ),
        400,
    ),
}


@pytest.mark.parametrize("case", list(CROSS_BODIES))
def test_other_organizations_ids_in_bodies_are_refused(world: World, case: str) -> None:
    caller, make, status = CROSS_BODIES[case]
    method, call = make(world)
    assert_refused(world, method, call, world.credentials(world.a, caller), status)


def test_labels_of_b_images_do_not_import_into_a(world: World) -> None:
    before = world.snapshot()
    resp = world.send(
        "POST",
        Call(
            f"/api/data/projects/{world.a.project}/import",
            form={"file": (io.BytesIO(_csv(world.b)), "labels.csv"), "format": "csv"},
        ),
        world.credentials(world.a, "admin"),
    )
    assert resp.status_code == 200, resp.get_json()
    report = resp.get_json()["data"]
    assert (report["matched"], report["unmatched"], report["created"]) == (0, 1, 0)
    assert world.snapshot() == before


def test_tasks_of_b_do_not_sync_into_a(world: World) -> None:
    tasks = [{"id": world.b.task, "annotations": [{"id": 5, "result": []}]}]
    before = world.snapshot()
    resp = world.send(
        "POST",
        Call(f"/api/integrations/label-studio/projects/{world.a.project}/sync", json={"tasks": tasks}),
        world.credentials(world.a, "service"),
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["data"]["unknown_tasks"] == 1
    assert world.snapshot() == before


FILTERS: list[tuple[str, Callable[[Org], dict[str, Any]]]] = [
    ("/api/data/images", lambda b: {"project_id": b.project}),
    ("/api/data/images", lambda b: {"batch_id": b.batch}),
    ("/api/data/images", lambda b: {"device_id": b.device}),
    ("/api/data/images", lambda b: {"project_id": b.project, "label": "cat"}),
    ("/api/data/annotations", lambda b: {"image_id": b.images[0]["id"]}),
    ("/api/data/annotations", lambda b: {"project_id": b.project}),
    ("/api/data/batches", lambda b: {"project_id": b.project}),
    ("/api/data/batches", lambda b: {"device_id": b.device}),
    ("/api/devices", lambda b: {"project_id": b.project}),
    ("/api/data/datasets", lambda b: {"project_id": b.project}),
    ("/api/ml/training-jobs", lambda b: {"dataset_id": b.dataset}),
    ("/api/ml/training-jobs", lambda b: {"project_id": b.project}),
    ("/api/ml/models", lambda b: {"project_id": b.project}),
    ("/api/ml/models", lambda b: {"dataset_id": b.dataset}),
    ("/api/ml/export-jobs", lambda b: {"model_id": b.model}),
    ("/api/ml/export-jobs", lambda b: {"project_id": b.project}),
    ("/api/ml/schedules", lambda b: {"project_id": b.project}),
]


@pytest.mark.parametrize(
    ("path", "query"), FILTERS, ids=[f"{path} {i}" for i, (path, _) in enumerate(FILTERS)]
)
def test_filters_by_other_organizations_ids_find_nothing(
    world: World, path: str, query: Callable[[Org], dict[str, Any]]
) -> None:
    resp = world.send("GET", Call(path, query=query(world.b)), world.credentials(world.a, "admin"))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["data"], body["meta"]["total"]) == ([], 0)


# Each list route and the rows it lists; a list route missing here fails the test below.
LISTS: dict[str, type[Any]] = {
    "GET /api/users": User,
    "GET /api/users/invitations": Invitation,
    "GET /api/users/domain-rules": DomainRule,
    "GET /api/provisioning-tokens": ProvisioningToken,
    "GET /api/devices": Device,
    "GET /api/data/projects": Project,
    "GET /api/data/batches": Batch,
    "GET /api/data/images": Image,
    "GET /api/data/annotations": Annotation,
    "GET /api/data/datasets": DatasetVersion,
    "GET /api/ml/training-jobs": TrainingJob,
    "GET /api/ml/models": ModelVersion,
    "GET /api/ml/export-jobs": ExportJob,
    "GET /api/ml/schedules": TrainingSchedule,
    "GET /api/ml/drift-events": DriftEvent,
    "GET /api/ml/rollouts": Rollout,
    "GET /api/webhooks": Webhook,
    "GET /api/audit-events": AuditEvent,
}


@pytest.mark.parametrize("key", ["a", "b"])
def test_lists_show_exactly_the_callers_organization(world: World, key: str) -> None:
    org = world.a if key == "a" else world.b
    headers = world.credentials(org, "admin")
    for operation in ROLES_TABLE:
        method, path = operation.split()
        if method != "GET" or "{" in path or ROLES_TABLE[operation]["admin"] not in ALLOWED:
            continue
        body = world.send("GET", Call(path, query={"per_page": 100}), headers).get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            continue
        assert operation in LISTS, f"{operation} answers a list: add it to LISTS"
        model = LISTS[operation]
        with in_job(world.app):
            mine = set(db.session.scalars(select(model.id).where(model.organization_id == org.id)))
        listed = {item["id"] for item in body["data"]}
        # A list longer than a page (the audit log's): every page.
        for page in range(2, body.get("meta", {}).get("total_pages", 1) + 1):
            more = world.send("GET", Call(path, query={"per_page": 100, "page": page}), headers).get_json()
            listed |= {item["id"] for item in more["data"]}
        assert listed == mine, (operation, sorted(listed - mine), sorted(mine - listed))
        assert body.get("meta", {"total": len(mine)})["total"] == len(mine)


# --- credentials name their organization; headers don't -------------------------------------------------


def test_a_users_token_reaches_only_its_organization_whatever_it_claims(world: World) -> None:
    with in_job(world.app):
        claims = {"org": world.b.id}
        token = create_access_token(identity=str(world.a.users["admin"]), additional_claims=claims)
    headers = {"Authorization": f"Bearer {token}", "X-Acusight-Organization": str(world.b.id)}
    assert world.client.get("/api/organization", headers=headers).get_json()["data"]["id"] == world.a.id
    listed = world.client.get("/api/data/projects", headers=headers).get_json()["data"]
    assert {p["id"] for p in listed} >= {world.a.project} and world.b.project not in {p["id"] for p in listed}
    assert_error(world.client.get(f"/api/data/projects/{world.b.project}", headers=headers), 404, "NOT_FOUND")


def test_a_device_sees_itself_whatever_organization_a_header_names(world: World) -> None:
    headers = {"X-Device-Key": world.a.device_key, "X-Acusight-Organization": str(world.b.id)}
    assert world.client.get("/api/device/self", headers=headers).get_json()["data"]["id"] == world.a.device
    model = world.client.get("/api/device/model", headers=headers).get_json()["data"]
    assert (model["export_id"], model["project_id"]) == (world.a.export_done, world.a.project)


@pytest.fixture
def dangling_assignment(world: World) -> Iterator[None]:
    """A's device assigned B's export in the database, past the API's own check."""
    with in_job(world.app):
        device = db.session.get(Device, world.a.device)
        assert device is not None
        device.deployed_export_id = world.b.export_done
        db.session.commit()
    yield
    with in_job(world.app):
        device = db.session.get(Device, world.a.device)
        assert device is not None
        device.deployed_export_id = world.a.export_done
        db.session.commit()


def test_a_device_is_never_delivered_another_organizations_export(
    world: World, dangling_assignment: None
) -> None:
    key = {"X-Device-Key": world.a.device_key}
    assert world.client.get("/api/device/model", headers=key).get_json()["data"] is None
    assert_error(world.client.get("/api/device/model/download", headers=key), 404, "NOT_FOUND")
    checkin = world.client.post("/api/device/checkin", json={}, headers=key).get_json()["data"]
    assert checkin["config"]["model"] is None


def test_the_same_bytes_in_another_organization_are_a_new_image(world: World) -> None:
    """Content addressing is per organization: uploading B's bytes neither finds nor touches B's image."""
    theirs = world.b.images[0]
    with in_job(world.app):
        batch = db.session.get(Batch, world.b.batch)
        assert batch is not None
        batch_name = batch.name
    before = world.rows_of(world.b)
    mine = world.upload(world.a, world.b.seed * 1000, batch=batch_name)
    assert (mine["sha256"], mine["duplicate"]) == (theirs["sha256"], False)
    assert mine["id"] != theirs["id"] and mine["batch_id"] != world.b.batch
    # Nothing of B changed: its batch (same name) and its image (same bytes) are as they were.
    assert world.rows_of(world.b) == before


def test_webhook_and_signed_urls_need_their_own_secret(world: World) -> None:
    body = {
        "action": "ANNOTATION_CREATED",
        "project": {"id": world.a.ls_project},
        "annotation": {"id": 1, "task": 1},
    }
    webhook = Call("/api/integrations/label-studio/webhook", json=body)
    assert_refused(world, "POST", webhook, world.credentials(world.a, "admin"), 401)
    image = world.a.images[0]["id"]
    signed = Call(f"/api/data/images/{image}/signed", query={**world.signed_query(image), "sig": "forged"})
    assert_refused(world, "GET", signed, world.credentials(world.a, "admin"), 401)
