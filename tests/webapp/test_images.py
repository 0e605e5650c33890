"""Images: every filter and sort, pages, the current annotation, curation, tenants and roles."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import bearer
from tests.helpers import assert_error
from webapp.extensions import db
from webapp.models import User

BOX = {"x": 0.1, "y": 0.1, "width": 0.5, "height": 0.5}


def _ids(client: FlaskClient, headers: dict[str, str], query: str = "") -> list[int]:
    resp = client.get(f"/api/data/images?{query}", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return [i["id"] for i in resp.get_json()["data"]]


def _annotate(client: FlaskClient, headers: dict[str, str], image_id: int, **body: Any) -> None:
    resp = client.post("/api/data/annotations", json={"image_id": image_id, **body}, headers=headers)
    assert resp.status_code == 201, resp.get_json()


def test_list_sorts_and_pages(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_images: Any
) -> None:
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    images = make_images(admin, 5, start=t0)
    # Capture times run the other way round from creation.
    for i, image in enumerate(images):
        image.captured_at = t0 - timedelta(minutes=i)
    db.session.commit()
    ids = [i.id for i in images]
    assert _ids(client, admin_headers) == ids[::-1]
    assert _ids(client, admin_headers, "order=asc") == ids
    assert _ids(client, admin_headers, "sort=captured") == ids
    assert _ids(client, admin_headers, "sort=captured&order=asc") == ids[::-1]
    page = client.get("/api/data/images?per_page=2&page=3", headers=admin_headers).get_json()
    assert [i["id"] for i in page["data"]] == [ids[0]]
    assert page["meta"] == {"total": 5, "page": 3, "per_page": 2, "total_pages": 3}
    beyond = client.get("/api/data/images?per_page=2&page=9", headers=admin_headers).get_json()
    assert beyond["data"] == [] and beyond["meta"]["total"] == 5


@pytest.mark.parametrize(
    "query", ["", "sort=captured", "order=asc", "sort=captured&order=asc", "labeled=false"]
)
def test_every_page_size_walks_the_same_list(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_images: Any, query: str
) -> None:
    """Pages in the second half are read from the other end; walking them gives the same list."""
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    make_images(admin, 4, start=t0)
    make_images(admin, 3, start=t0)  # the same times again: ties broken by id
    make_images(admin, 2, start=t0 + timedelta(days=1), in_batch=False)
    everything = _ids(client, admin_headers, f"{query}&per_page=100")
    assert len(everything) == 9
    for per_page in range(1, 10):
        walked: list[int] = []
        for page in range(1, 11):
            body = client.get(
                f"/api/data/images?{query}&per_page={per_page}&page={page}", headers=admin_headers
            )
            walked += [i["id"] for i in body.get_json()["data"]]
            assert body.get_json()["meta"]["total"] == 9
        assert walked == everything, per_page


def test_unfiltered_total_counts_images_outside_batches(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_user: Any, make_images: Any
) -> None:
    make_images(admin, 3)
    make_images(admin, 2, in_batch=False)
    make_images(make_user("admin", org="Globex"), 4)
    make_images(make_user("admin", org="Initech"), 1, in_batch=False)
    assert client.get("/api/data/images", headers=admin_headers).get_json()["meta"]["total"] == 5


def test_ties_in_time_are_broken_by_id(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_images: Any
) -> None:
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    a = make_images(admin, 1, start=t0)
    b = make_images(admin, 1, start=t0)
    assert _ids(client, admin_headers) == [b[0].id, a[0].id]
    walked = _ids(client, admin_headers, "per_page=1&page=1") + _ids(
        client, admin_headers, "per_page=1&page=2"
    )
    assert walked == [b[0].id, a[0].id]


def test_scope_filters(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    make_project: Any,
    make_images: Any,
    provision: Any,
) -> None:
    p1, p2 = make_project(admin_headers)["id"], make_project(admin_headers)["id"]
    d1 = provision(admin_headers, "SN-1")["device"]["id"]
    d2 = provision(admin_headers, "SN-2")["device"]["id"]
    a = make_images(admin, 2, project_id=p1, device_id=d1)
    b = make_images(admin, 1, project_id=p1, device_id=d2)
    c = make_images(admin, 1, project_id=p2, device_id=d1)
    loose = make_images(admin, 1)
    assert sorted(_ids(client, admin_headers, f"project_id={p1}")) == sorted(i.id for i in a + b)
    assert _ids(client, admin_headers, f"project_id={p2}") == [c[0].id]
    assert sorted(_ids(client, admin_headers, f"device_id={d1}")) == sorted(i.id for i in a + c)
    assert sorted(_ids(client, admin_headers, f"batch_id={a[0].batch_id}")) == sorted(i.id for i in a)
    assert _ids(client, admin_headers, f"project_id={p1}&device_id={d2}") == [b[0].id]
    assert _ids(client, admin_headers, f"batch_id={a[0].batch_id}&device_id={d2}") == []
    assert len(_ids(client, admin_headers)) == 5
    assert loose[0].id in _ids(client, admin_headers)


def test_status_and_captured_filters(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_images: Any
) -> None:
    images = make_images(admin, 4, start=datetime(2026, 5, 1, 12, tzinfo=UTC))
    ids = [i.id for i in images]
    for image_id, status in zip(ids[:2], ["accepted", "rejected"], strict=True):
        client.patch(f"/api/data/images/{image_id}", json={"status": status}, headers=admin_headers)
    assert _ids(client, admin_headers, "status=accepted") == [ids[0]]
    assert _ids(client, admin_headers, "status=rejected") == [ids[1]]
    assert _ids(client, admin_headers, "status=new") == ids[:1:-1]
    # Captured at 11:00:00, :01, :02, :03 — after is inclusive, before exclusive, naive is UTC.
    assert _ids(client, admin_headers, "captured_after=2026-05-01T11:00:02Z") == [ids[3], ids[2]]
    assert _ids(client, admin_headers, "captured_before=2026-05-01T11:00:01") == [ids[0]]
    query = "captured_after=2026-05-01T13:00:01%2B02:00&captured_before=2026-05-01T11:00:03Z"
    assert _ids(client, admin_headers, query) == [ids[2], ids[1]]


def test_a_captured_range_sorts_by_capture_time_unless_told(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_images: Any
) -> None:
    images = make_images(admin, 3, start=datetime(2026, 5, 1, tzinfo=UTC))
    # The newest upload was captured first.
    for i, image in enumerate(images):
        image.captured_at = datetime(2026, 4, 1, tzinfo=UTC) - timedelta(hours=i)
    db.session.commit()
    ids = [i.id for i in images]
    week = "captured_after=2026-03-25T00:00:00Z"
    assert _ids(client, admin_headers, week) == ids
    assert _ids(client, admin_headers, f"{week}&sort=created") == ids[::-1]
    assert _ids(client, admin_headers) == ids[::-1]


def test_labeled_and_label_filters_classification(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers, labels=["cat", "dog"])
    images = make_images(admin, 4, project_id=project["id"])
    ids = [i.id for i in images]
    _annotate(client, admin_headers, ids[0], label="cat")
    _annotate(client, admin_headers, ids[1], label="cat")
    _annotate(client, admin_headers, ids[1], label="dog")  # the latest annotation is the label
    assert _ids(client, admin_headers, "labeled=true") == [ids[1], ids[0]]
    assert _ids(client, admin_headers, "labeled=false") == [ids[3], ids[2]]
    assert _ids(client, admin_headers, "label=cat") == [ids[0]]
    assert _ids(client, admin_headers, "label=dog") == [ids[1]]
    assert _ids(client, admin_headers, f"label=dog&project_id={project['id']}") == [ids[1]]
    assert _ids(client, admin_headers, f"labeled=false&project_id={project['id']}") == [ids[3], ids[2]]
    assert _ids(client, admin_headers, "label=bird") == []


def test_label_filter_matches_any_box_of_detection_images(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    cls = make_project(admin_headers, labels=["car", "cat"])
    det = make_project(admin_headers, task_type="detection", labels=["car", "person"])
    c1, c2 = make_images(admin, 2, project_id=cls["id"])
    d = make_images(admin, 3, project_id=det["id"])
    _annotate(client, admin_headers, c1.id, label="car")
    _annotate(client, admin_headers, c2.id, label="cat")
    _annotate(client, admin_headers, d[0].id, boxes=[{"label": "car", **BOX}, {"label": "person", **BOX}])
    _annotate(client, admin_headers, d[1].id, boxes=[{"label": "person", **BOX}])
    _annotate(client, admin_headers, d[2].id, boxes=[{"label": "car", **BOX}])
    _annotate(client, admin_headers, d[2].id, boxes=[])  # relabeled: no objects any more
    # Used by both kinds, by boxes only, by classes only.
    assert _ids(client, admin_headers, "label=car") == [d[0].id, c1.id]
    assert _ids(client, admin_headers, "label=cat") == [c2.id]
    assert _ids(client, admin_headers, "label=person") == [d[1].id, d[0].id]
    assert _ids(client, admin_headers, f"label=car&project_id={det['id']}") == [d[0].id]
    assert _ids(client, admin_headers, f"label=car&project_id={cls['id']}") == [c1.id]
    assert _ids(client, admin_headers, f"labeled=true&project_id={det['id']}") == [i.id for i in d[::-1]]
    got = client.get(f"/api/data/images/{d[0].id}", headers=admin_headers).get_json()["data"]
    assert got["label"] is None and got["labeled"] is True
    assert [b["label"] for b in got["annotation"]["boxes"]] == ["car", "person"]


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_pages_of_a_label_both_kinds_use(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    make_project: Any,
    make_images: Any,
    order: str,
) -> None:
    """Classification and detection images with the label are listed together, in one order."""
    cls = make_project(admin_headers, labels=["car", "cat"])
    det = make_project(admin_headers, task_type="detection", labels=["car"])
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    expected = []
    for i in range(4):
        [c] = make_images(admin, 1, project_id=cls["id"], start=t0 + timedelta(minutes=2 * i))
        [d] = make_images(admin, 1, project_id=det["id"], start=t0 + timedelta(minutes=2 * i + 1))
        _annotate(client, admin_headers, c.id, label="car")
        _annotate(client, admin_headers, d.id, boxes=[{"label": "car", **BOX}])
        expected += [c.id, d.id]
    [other] = make_images(admin, 1, project_id=cls["id"], start=t0)
    _annotate(client, admin_headers, other.id, label="cat")
    if order == "desc":
        expected.reverse()
    for per_page in (1, 3, 8):
        walked: list[int] = []
        for page in range(1, 10):
            body = client.get(
                f"/api/data/images?label=car&order={order}&per_page={per_page}&page={page}",
                headers=admin_headers,
            ).get_json()
            assert body["meta"]["total"] == 8
            walked += [i["id"] for i in body["data"]]
        assert walked == expected, per_page
    assert _ids(client, admin_headers, "label=car&status=new&per_page=100") == _ids(
        client, admin_headers, "label=car&per_page=100"
    )
    assert _ids(client, admin_headers, "label=car&status=rejected") == []


def test_filters_naming_another_organizations_objects_find_nothing(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    make_user: Any,
    make_project: Any,
    make_images: Any,
) -> None:
    project = make_project(admin_headers)
    [image] = make_images(admin, 1, project_id=project["id"])
    stranger = make_user("admin", org="Globex")
    headers = bearer(stranger)
    make_images(stranger, 1)
    for query in (f"project_id={project['id']}", f"batch_id={image.batch_id}", "device_id=999999"):
        body = client.get(f"/api/data/images?{query}", headers=headers).get_json()
        assert body["data"] == [] and body["meta"]["total"] == 0
    assert image.id not in _ids(client, headers)
    assert len(_ids(client, headers)) == 1


@pytest.mark.parametrize(
    "query",
    [
        "status=lost",
        "labeled=perhaps",
        "sort=name",
        "order=sideways",
        "captured_after=soon",
        "project_id=x",
        "label=",
        "per_page=101",
    ],
)
def test_filter_validation(client: FlaskClient, admin_headers: dict[str, str], query: str) -> None:
    assert_error(client.get(f"/api/data/images?{query}", headers=admin_headers), 400, "VALIDATION_ERROR")


def test_get_shows_current_annotation_and_links(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> None:
    project = make_project(admin_headers)
    [image] = make_images(admin, 1, project_id=project["id"])
    got = client.get(f"/api/data/images/{image.id}", headers=admin_headers).get_json()["data"]
    assert got["file_url"] == f"/api/data/images/{image.id}/file"
    assert got["thumbnail_url"] == f"/api/data/images/{image.id}/thumbnail"
    assert (got["annotation"], got["labeled"], got["label"]) == (None, False, None)
    assert got["sha256"] == image.sha256 and (got["width"], got["height"]) == (640, 480)
    _annotate(client, admin_headers, image.id, label="cat")
    _annotate(client, admin_headers, image.id, label="dog")
    got = client.get(f"/api/data/images/{image.id}", headers=admin_headers).get_json()["data"]
    assert got["label"] == "dog" and got["annotation"]["label"] == "dog" and got["annotation"]["current"]
    listed = client.get("/api/data/images", headers=admin_headers).get_json()["data"]
    assert listed[0]["annotation"] == got["annotation"]


def test_update_status_tags_notes(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_images: Any
) -> None:
    [image] = make_images(admin, 1)
    url = f"/api/data/images/{image.id}"
    body = {"status": "accepted", "tags": ["night", "rain", "night"], "notes": "blurry"}
    got = client.patch(url, json=body, headers=admin_headers).get_json()["data"]
    assert (got["status"], got["tags"], got["notes"]) == ("accepted", ["night", "rain"], "blurry")
    got = client.patch(url, json={"status": "rejected", "tags": []}, headers=admin_headers).get_json()["data"]
    assert (got["status"], got["tags"], got["notes"]) == ("rejected", [], "blurry")
    got = client.patch(url, json={"status": "new", "notes": None}, headers=admin_headers).get_json()["data"]
    assert (got["status"], got["notes"]) == ("new", None)


@pytest.mark.parametrize(
    "body",
    [
        {"status": "deleted"},
        {"tags": "night"},
        {"tags": [""]},
        {"tags": ["x" * 51]},
        {"tags": [f"t{i}" for i in range(51)]},
        {"notes": "x" * 5001},
        {"label": "cat"},
        {"project_id": 3},
        {"sha256": "0" * 64},
    ],
)
def test_update_validation(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_images: Any, body: dict[str, Any]
) -> None:
    [image] = make_images(admin, 1)
    assert_error(
        client.patch(f"/api/data/images/{image.id}", json=body, headers=admin_headers),
        400,
        "VALIDATION_ERROR",
    )


def test_other_organizations_images_are_404(
    client: FlaskClient, admin: User, make_user: Any, make_images: Any
) -> None:
    [image] = make_images(admin, 1)
    stranger = bearer(make_user("admin", org="Globex"))
    assert_error(client.get(f"/api/data/images/{image.id}", headers=stranger), 404, "NOT_FOUND")
    resp = client.patch(f"/api/data/images/{image.id}", json={"status": "rejected"}, headers=stranger)
    assert_error(resp, 404, "NOT_FOUND")
    assert_error(client.get("/api/data/images/999999", headers=stranger), 404, "NOT_FOUND")


@pytest.mark.parametrize("role", ["annotator", "viewer"])
def test_only_managers_curate_images(
    client: FlaskClient, admin: User, make_user: Any, make_images: Any, role: str
) -> None:
    [image] = make_images(admin, 1)
    headers = bearer(make_user(role))
    assert client.get(f"/api/data/images/{image.id}", headers=headers).status_code == 200
    assert _ids(client, headers) == [image.id]
    resp = client.patch(f"/api/data/images/{image.id}", json={"status": "rejected"}, headers=headers)
    assert_error(resp, 403, "FORBIDDEN")


def test_ml_engineers_curate_images(
    client: FlaskClient, admin: User, make_user: Any, make_images: Any
) -> None:
    [image] = make_images(admin, 1)
    headers = bearer(make_user("ml_engineer"))
    resp = client.patch(f"/api/data/images/{image.id}", json={"status": "accepted"}, headers=headers)
    assert resp.status_code == 200


def test_anonymous_is_401(client: FlaskClient) -> None:
    assert_error(client.get("/api/data/images"), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/data/images/1"), 401, "UNAUTHORIZED")
