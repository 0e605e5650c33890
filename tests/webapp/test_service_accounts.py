"""Service accounts: machine identities flows use, acting for one organization per call."""

from typing import Any

from flask.testing import FlaskClient

from tests.helpers import assert_error, service_headers
from webapp.extensions import db
from webapp.services import service_accounts


def test_service_key_reads_what_its_role_allows(client: FlaskClient, admin: Any) -> None:
    _, key = service_accounts.create(db.session, "worker-1")
    assert key.startswith("ask_")
    resp = client.get("/api/data/datasets", headers=service_headers(key, admin.organization_id))
    assert resp.status_code == 200, resp.get_json()
    # Endpoints that don't list the service role refuse it.
    assert_error(
        client.get("/api/organization", headers=service_headers(key, admin.organization_id)), 403, "FORBIDDEN"
    )


def test_service_key_needs_a_real_organization(client: FlaskClient, admin: Any) -> None:
    _, key = service_accounts.create(db.session, "worker-1")
    for org in (None, "abc", 999_999):
        resp = client.get("/api/data/datasets", headers=service_headers(key, org))
        assert_error(resp, 401, "UNAUTHORIZED")


def test_rotated_or_disabled_key_stops_working(client: FlaskClient, admin: Any) -> None:
    _, old = service_accounts.create(db.session, "worker-1")
    account, new = service_accounts.rotate(db.session, "worker-1")
    org = admin.organization_id
    assert_error(client.get("/api/data/datasets", headers=service_headers(old, org)), 401, "UNAUTHORIZED")
    assert client.get("/api/data/datasets", headers=service_headers(new, org)).status_code == 200
    account.disabled = True
    db.session.commit()
    assert_error(client.get("/api/data/datasets", headers=service_headers(new, org)), 401, "UNAUTHORIZED")


def test_forged_service_key_is_401(client: FlaskClient, admin: Any) -> None:
    _, key = service_accounts.create(db.session, "worker-1")
    forged = key[:-3] + ("aaa" if not key.endswith("aaa") else "bbb")
    resp = client.get("/api/data/datasets", headers=service_headers(forged, admin.organization_id))
    assert_error(resp, 401, "UNAUTHORIZED")
