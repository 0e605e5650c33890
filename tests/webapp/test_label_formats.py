"""Label import and export: CSV, COCO and YOLO round trips, matching, all-or-nothing validation."""

import io
import json
import zipfile
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import bearer
from tests.helpers import assert_error
from webapp.models import Image, User

BOXES = [
    [{"label": "car", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}],
    [
        {"label": "person", "x": 0.0, "y": 0.0, "width": 1.0, "height": 1.0},
        {"label": "car", "x": 0.5, "y": 0.25, "width": 0.125, "height": 0.5},
    ],
    [],
]


def _annotate(client: FlaskClient, headers: dict[str, str], image_id: int, **body: Any) -> dict[str, Any]:
    resp = client.post("/api/data/annotations", json={"image_id": image_id, **body}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["data"]


def _export(client: FlaskClient, headers: dict[str, str], project_id: int, fmt: str) -> Any:
    resp = client.get(f"/api/data/projects/{project_id}/export?format={fmt}", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp


def _import(
    client: FlaskClient,
    headers: dict[str, str],
    project_id: int,
    fmt: str,
    data: bytes,
    name: str = "labels",
    **form: Any,
) -> Any:
    return client.post(
        f"/api/data/projects/{project_id}/import",
        data={"format": fmt, "file": (io.BytesIO(data), name), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


def _clear(client: FlaskClient, headers: dict[str, str], images: list[Image]) -> None:
    for image in images:
        history = client.get(f"/api/data/annotations?image_id={image.id}", headers=headers).get_json()["data"]
        for annotation in history:
            client.delete(f"/api/data/annotations/{annotation['id']}", headers=headers)


def _current(client: FlaskClient, headers: dict[str, str], image_id: int) -> dict[str, Any] | None:
    return client.get(f"/api/data/images/{image_id}", headers=headers).get_json()["data"]["annotation"]


def _boxes_close(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    def key(box: dict[str, Any]) -> tuple[Any, ...]:
        return (box["label"], round(box["x"], 3), round(box["y"], 3))

    return len(a) == len(b) and all(
        p["label"] == q["label"] and all(abs(p[k] - q[k]) < 1e-4 for k in ("x", "y", "width", "height"))
        for p, q in zip(sorted(a, key=key), sorted(b, key=key), strict=True)
    )


@pytest.fixture
def classified(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> tuple[dict[str, Any], list[Image]]:
    """A classification project with 4 images, the first 3 labeled cat, dog, cat."""
    project = make_project(admin_headers, labels=["cat", "dog"])
    images = make_images(admin, 4, project_id=project["id"])
    for image, label in zip(images, ["cat", "dog", "cat"], strict=False):
        _annotate(client, admin_headers, image.id, label=label)
    return project, images


@pytest.fixture
def detected(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], make_project: Any, make_images: Any
) -> tuple[dict[str, Any], list[Image]]:
    """A detection project with 4 images (640x480), the first 3 annotated with BOXES."""
    project = make_project(admin_headers, task_type="detection", labels=["car", "person"])
    images = make_images(admin, 4, project_id=project["id"])
    for image, boxes in zip(images, BOXES, strict=False):
        _annotate(client, admin_headers, image.id, boxes=boxes)
    return project, images


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_export(client: FlaskClient, admin_headers: dict[str, str], classified: Any) -> None:
    project, images = classified
    resp = _export(client, admin_headers, project["id"], "csv")
    assert resp.content_type == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"].startswith("attachment; filename=")
    lines = resp.get_data(as_text=True).splitlines()
    assert lines == ["sha256,label"] + [
        f"{i.sha256},{lbl}" for i, lbl in zip(images, ["cat", "dog", "cat"], strict=False)
    ]


def test_csv_round_trip(client: FlaskClient, admin_headers: dict[str, str], classified: Any) -> None:
    project, images = classified
    exported = _export(client, admin_headers, project["id"], "csv").data
    # The same file again changes nothing.
    report = _import(client, admin_headers, project["id"], "csv", exported).get_json()["data"]
    assert (report["records"], report["matched"], report["unchanged"], report["created"]) == (3, 3, 3, 0)
    _clear(client, admin_headers, images)
    report = _import(client, admin_headers, project["id"], "csv", exported).get_json()["data"]
    assert (report["matched"], report["created"], report["unmatched"], report["invalid"]) == (3, 3, 0, 0)
    labels = [(_current(client, admin_headers, i.id) or {}).get("label") for i in images]
    assert labels == ["cat", "dog", "cat", None]
    assert _export(client, admin_headers, project["id"], "csv").data == exported
    batch = client.get(f"/api/data/batches/{images[0].batch_id}", headers=admin_headers).get_json()["data"]
    assert batch["annotated_count"] == 3


def test_csv_import_relabels_and_reports(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], classified: Any
) -> None:
    project, images = classified
    data = "\n".join(
        [
            "sha256,label",
            f"{images[0].sha256},dog",  # relabel
            f"{images[1].sha256},dog",  # unchanged
            f"{images[3].sha256},cat",  # new
            f"{'a' * 64},cat",  # no such image
        ]
    ).encode()
    resp = _import(client, admin_headers, project["id"], "csv", data)
    report = resp.get_json()["data"]
    assert report["format"] == "csv" and report["dry_run"] is False
    assert {k: report[k] for k in ("records", "matched", "unmatched", "invalid", "created", "unchanged")} == {
        "records": 4,
        "matched": 3,
        "unmatched": 1,
        "invalid": 0,
        "created": 2,
        "unchanged": 1,
    }
    assert report["unmatched_samples"] == [f"row 5 ({'a' * 64}): no image with this sha256"]
    assert _current(client, admin_headers, images[0].id)["label"] == "dog"
    history = client.get(f"/api/data/annotations?image_id={images[0].id}", headers=admin_headers).json["data"]
    assert [a["label"] for a in history] == ["dog", "cat"]
    assert history[0]["annotator_id"] == admin.id and history[0]["source"] == "manual"


def test_csv_by_file_name_and_headerless(
    client: FlaskClient, admin_headers: dict[str, str], classified: Any
) -> None:
    project, images = classified
    by_name = f"filename,label\n{images[3].filename},dog\nnowhere.jpg,cat\n".encode()
    report = _import(client, admin_headers, project["id"], "csv", by_name).get_json()["data"]
    assert (report["created"], report["unmatched"]) == (1, 1)
    assert _current(client, admin_headers, images[3].id)["label"] == "dog"
    headerless = f"{images[3].sha256.upper()},cat\r\n".encode("utf-8-sig")
    report = _import(client, admin_headers, project["id"], "csv", headerless).get_json()["data"]
    assert report["created"] == 1
    assert _current(client, admin_headers, images[3].id)["label"] == "cat"


def test_csv_invalid_rows_import_nothing(
    client: FlaskClient, admin_headers: dict[str, str], classified: Any
) -> None:
    project, images = classified
    data = (
        f"sha256,label\n{images[3].sha256},cat\n{images[0].sha256},bird\nnot-a-hash,cat\n{images[1].sha256}\n"
    )
    resp = _import(client, admin_headers, project["id"], "csv", data.encode())
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert error["message"] == "3 invalid records; nothing was imported"
    assert "row 3" in error["details"] and "'bird'" in error["details"]
    assert "row 4" in error["details"] and "row 5" in error["details"]
    assert _current(client, admin_headers, images[3].id) is None
    # A dry run reports the same, with the details as data.
    report = _import(client, admin_headers, project["id"], "csv", data.encode(), dry_run="true").json["data"]
    assert (report["dry_run"], report["invalid"], report["matched"], report["created"]) == (True, 3, 1, 1)
    assert len(report["errors"]) == 3
    assert _current(client, admin_headers, images[3].id) is None


def test_csv_conflicting_duplicates_are_invalid(
    client: FlaskClient, admin_headers: dict[str, str], classified: Any
) -> None:
    project, images = classified
    same = f"sha256,label\n{images[3].sha256},cat\n{images[3].sha256},cat\n".encode()
    assert _import(client, admin_headers, project["id"], "csv", same).get_json()["data"]["created"] == 1
    clash = f"sha256,label\n{images[3].sha256},cat\n{images[3].sha256},dog\n".encode()
    error = assert_error(_import(client, admin_headers, project["id"], "csv", clash), 400, "VALIDATION_ERROR")
    assert "labeled differently" in error["details"]


@pytest.mark.parametrize(
    "data", [b"", b"image,class\nx,y\n", b"\xff\xfe\x00bad"], ids=["empty", "bad-header", "not-utf8"]
)
def test_csv_unreadable_files(
    client: FlaskClient, admin_headers: dict[str, str], classified: Any, data: bytes
) -> None:
    project, _ = classified
    assert_error(_import(client, admin_headers, project["id"], "csv", data), 400, "VALIDATION_ERROR")


def test_dry_run_writes_nothing(client: FlaskClient, admin_headers: dict[str, str], classified: Any) -> None:
    project, images = classified
    data = f"sha256,label\n{images[3].sha256},dog\n".encode()
    report = _import(client, admin_headers, project["id"], "csv", data, dry_run="true").get_json()["data"]
    assert (report["dry_run"], report["created"]) == (True, 1)
    assert _current(client, admin_headers, images[3].id) is None


def test_images_of_other_projects_do_not_match(
    client: FlaskClient,
    admin: User,
    admin_headers: dict[str, str],
    make_project: Any,
    make_images: Any,
    classified: Any,
) -> None:
    project, _ = classified
    other = make_project(admin_headers, labels=["cat"])
    [theirs] = make_images(admin, 1, project_id=other["id"])
    data = f"sha256,label\n{theirs.sha256},cat\n".encode()
    report = _import(client, admin_headers, project["id"], "csv", data).get_json()["data"]
    assert (report["unmatched"], report["created"]) == (1, 0)
    assert "not in this project" in report["unmatched_samples"][0]
    assert _current(client, admin_headers, theirs.id) is None


def test_ambiguous_file_names_do_not_match(
    client: FlaskClient, admin: User, admin_headers: dict[str, str], classified: Any, make_images: Any
) -> None:
    project, _ = classified
    twins = make_images(admin, 2, project_id=project["id"], filename="frame.jpg")
    report = _import(client, admin_headers, project["id"], "csv", b"filename,label\nframe.jpg,cat\n").json[
        "data"
    ]
    assert report["unmatched"] == 1 and "2 images have this file name" in report["unmatched_samples"][0]
    assert all(_current(client, admin_headers, t.id) is None for t in twins)


# --- COCO ---------------------------------------------------------------------------------------


def test_coco_export(client: FlaskClient, admin_headers: dict[str, str], detected: Any) -> None:
    project, images = detected
    resp = _export(client, admin_headers, project["id"], "coco")
    assert resp.content_type == "application/json"
    doc = json.loads(resp.data)
    assert doc["categories"] == [
        {"id": 1, "name": "car", "supercategory": ""},
        {"id": 2, "name": "person", "supercategory": ""},
    ]
    assert [i["id"] for i in doc["images"]] == [i.id for i in images[:3]]
    first = doc["images"][0]
    assert first == {
        "id": images[0].id,
        "file_name": images[0].filename,
        "width": 640,
        "height": 480,
        "sha256": images[0].sha256,
    }
    assert len(doc["annotations"]) == 3
    car = doc["annotations"][0]
    assert car["image_id"] == images[0].id and car["category_id"] == 1
    assert car["bbox"] == [64.0, 96.0, 192.0, 192.0] and car["area"] == 192.0 * 192.0
    assert len({a["id"] for a in doc["annotations"]}) == 3


def test_coco_round_trip(client: FlaskClient, admin_headers: dict[str, str], detected: Any) -> None:
    project, images = detected
    exported = _export(client, admin_headers, project["id"], "coco").data
    report = _import(client, admin_headers, project["id"], "coco", exported).get_json()["data"]
    assert (report["records"], report["matched"], report["unchanged"], report["created"]) == (3, 3, 3, 0)
    _clear(client, admin_headers, images)
    report = _import(client, admin_headers, project["id"], "coco", exported).get_json()["data"]
    assert (report["created"], report["invalid"]) == (3, 0)
    for image, boxes in zip(images, BOXES, strict=False):
        assert _boxes_close(_current(client, admin_headers, image.id)["boxes"], boxes)
    assert _current(client, admin_headers, images[3].id) is None


def test_coco_from_another_tool(client: FlaskClient, admin_headers: dict[str, str], detected: Any) -> None:
    """Matched by file name, own category ids, boxes half a pixel over the edge, sizes from our rows."""
    project, images = detected
    doc = {
        "images": [{"id": 7, "file_name": f"train/{images[3].filename}"}],
        "categories": [{"id": 10, "name": "person"}, {"id": 11, "name": "car"}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 10, "bbox": [320, 240, 320.4, 240.3]},
            {"id": 2, "image_id": 7, "category_id": 11, "bbox": [-0.2, 0, 64, 48]},
        ],
    }
    report = _import(client, admin_headers, project["id"], "coco", json.dumps(doc).encode()).json["data"]
    assert report["created"] == 1, report
    boxes = _current(client, admin_headers, images[3].id)["boxes"]
    assert _boxes_close(
        boxes,
        [
            {"label": "person", "x": 0.5, "y": 0.5, "width": 0.5, "height": 0.5},
            {"label": "car", "x": 0.0, "y": 0.0, "width": 63.8 / 640, "height": 0.1},
        ],
    )


@pytest.mark.parametrize(
    ("annotation", "fragment"),
    [
        ({"category_id": 5, "bbox": [0, 0, 10, 10]}, "category_id 5"),
        ({"category_id": 3, "bbox": [0, 0, 10, 10]}, "'bicycle'"),
        ({"category_id": 1, "bbox": [600, 0, 60, 10]}, "outside"),
        ({"category_id": 1, "bbox": [0, 0, 10]}, "bbox"),
        ({"category_id": 1, "bbox": [0, 0, 0, 10]}, "positive"),
        ({"category_id": 1, "bbox": [0, 0, 10, 10], "image_id": 99}, "image_id"),
    ],
)
def test_coco_invalid_annotations_import_nothing(
    client: FlaskClient,
    admin_headers: dict[str, str],
    detected: Any,
    annotation: dict[str, Any],
    fragment: str,
) -> None:
    project, images = detected
    doc = {
        "images": [
            {"id": 1, "file_name": images[3].filename, "width": 640, "height": 480},
            {"id": 2, "sha256": images[0].sha256, "file_name": "x.jpg"},
        ],
        "categories": [{"id": 1, "name": "car"}, {"id": 3, "name": "bicycle"}],
        "annotations": [{"id": 1, "image_id": 1, **annotation}],
    }
    resp = _import(client, admin_headers, project["id"], "coco", json.dumps(doc).encode())
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert fragment in error["details"]
    assert _current(client, admin_headers, images[3].id) is None
    assert _boxes_close(_current(client, admin_headers, images[0].id)["boxes"], BOXES[0])


@pytest.mark.parametrize(
    "data", [b"{nope", b"[]", b'{"annotations": []}'], ids=["not-json", "array", "no-images"]
)
def test_coco_unreadable_files(
    client: FlaskClient, admin_headers: dict[str, str], detected: Any, data: bytes
) -> None:
    project, _ = detected
    assert_error(_import(client, admin_headers, project["id"], "coco", data), 400, "VALIDATION_ERROR")


# --- YOLO ---------------------------------------------------------------------------------------


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buf.getvalue()


def test_yolo_export(client: FlaskClient, admin_headers: dict[str, str], detected: Any) -> None:
    project, images = detected
    resp = _export(client, admin_headers, project["id"], "yolo")
    assert resp.content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(resp.data))
    assert archive.testzip() is None
    assert archive.read("classes.txt").decode() == "car\nperson\n"
    names = sorted(n for n in archive.namelist() if n.startswith("labels/"))
    assert names == sorted(f"labels/{i.sha256}.txt" for i in images[:3])
    assert (
        archive.read(f"labels/{images[0].sha256}.txt").decode() == "0 0.250000 0.400000 0.300000 0.400000\n"
    )
    assert archive.read(f"labels/{images[2].sha256}.txt").decode() == ""


def test_yolo_round_trip(client: FlaskClient, admin_headers: dict[str, str], detected: Any) -> None:
    project, images = detected
    exported = _export(client, admin_headers, project["id"], "yolo").data
    report = _import(client, admin_headers, project["id"], "yolo", exported).get_json()["data"]
    assert (report["records"], report["unchanged"], report["created"]) == (3, 3, 0)
    _clear(client, admin_headers, images)
    report = _import(client, admin_headers, project["id"], "yolo", exported).get_json()["data"]
    assert (report["created"], report["invalid"]) == (3, 0)
    for image, boxes in zip(images, BOXES, strict=False):
        assert _boxes_close(_current(client, admin_headers, image.id)["boxes"], boxes)


def test_yolo_by_stem_with_data_yaml(
    client: FlaskClient, admin_headers: dict[str, str], detected: Any
) -> None:
    project, images = detected
    stem = images[3].filename.rsplit(".", 1)[0]
    data = _zip(
        {
            "data.yaml": "names:\n  0: person\n  1: car\n",
            f"labels/train/{stem}.txt": "1 0.5 0.5 0.2 0.2 0.93\n\n",
            "labels/train/missing.txt": "0 0.5 0.5 0.2 0.2\n",
            "train.txt": "images/train/x.jpg\n",
        }
    )
    report = _import(client, admin_headers, project["id"], "yolo", data).get_json()["data"]
    assert (report["records"], report["created"], report["unmatched"]) == (2, 1, 1)
    assert _boxes_close(
        _current(client, admin_headers, images[3].id)["boxes"],
        [{"label": "car", "x": 0.4, "y": 0.4, "width": 0.2, "height": 0.2}],
    )


@pytest.mark.parametrize(
    ("files", "fragment"),
    [
        ({"classes.txt": "car\nperson\n", "labels/STEM.txt": "2 0.5 0.5 0.1 0.1\n"}, "class 2"),
        ({"classes.txt": "car\nperson\n", "labels/STEM.txt": "0 0.95 0.5 0.2 0.1\n"}, "outside"),
        ({"classes.txt": "car\nperson\n", "labels/STEM.txt": "0 0.5 0.5\n"}, "expected"),
        ({"classes.txt": "car\nperson\n", "labels/STEM.txt": "car 0.5 0.5 0.1 0.1\n"}, "integer"),
        ({"classes.txt": "car\nbicycle\n", "labels/STEM.txt": "1 0.5 0.5 0.1 0.1\n"}, "'bicycle'"),
    ],
)
def test_yolo_invalid_lines_import_nothing(
    client: FlaskClient, admin_headers: dict[str, str], detected: Any, files: dict[str, str], fragment: str
) -> None:
    project, images = detected
    stem = images[3].filename.rsplit(".", 1)[0]
    files = {name.replace("STEM", stem): text for name, text in files.items()}
    files[f"labels/{images[0].sha256}.txt"] = "1 0.5 0.5 0.1 0.1\n"
    error = assert_error(
        _import(client, admin_headers, project["id"], "yolo", _zip(files)), 400, "VALIDATION_ERROR"
    )
    assert fragment in error["details"]
    assert _current(client, admin_headers, images[3].id) is None
    assert _boxes_close(_current(client, admin_headers, images[0].id)["boxes"], BOXES[0])


@pytest.mark.parametrize(
    "data",
    [b"not a zip", _zip({"labels/a.txt": "0 0.5 0.5 0.1 0.1\n"}), _zip({"data.yaml": "nc: 2\n"})],
    ids=["not-zip", "no-classes", "yaml-without-names"],
)
def test_yolo_unreadable_archives(
    client: FlaskClient, admin_headers: dict[str, str], detected: Any, data: bytes
) -> None:
    project, _ = detected
    assert_error(_import(client, admin_headers, project["id"], "yolo", data), 400, "VALIDATION_ERROR")


# --- rules shared by every format ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "fmt"), [("classified", "coco"), ("classified", "yolo"), ("detected", "csv")]
)
def test_formats_follow_the_task_type(
    client: FlaskClient, admin_headers: dict[str, str], request: pytest.FixtureRequest, fixture: str, fmt: str
) -> None:
    project, _ = request.getfixturevalue(fixture)
    resp = client.get(f"/api/data/projects/{project['id']}/export?format={fmt}", headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert_error(_import(client, admin_headers, project["id"], fmt, b"x"), 400, "VALIDATION_ERROR")


def test_request_validation(client: FlaskClient, admin_headers: dict[str, str], classified: Any) -> None:
    project, _ = classified
    url = f"/api/data/projects/{project['id']}"
    assert_error(client.get(f"{url}/export", headers=admin_headers), 400, "VALIDATION_ERROR")
    assert_error(client.get(f"{url}/export?format=xml", headers=admin_headers), 400, "VALIDATION_ERROR")
    resp = client.post(
        f"{url}/import", data={"format": "csv"}, headers=admin_headers, content_type="multipart/form-data"
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert_error(_import(client, admin_headers, project["id"], "xml", b"x"), 400, "VALIDATION_ERROR")
    assert_error(
        _import(client, admin_headers, project["id"], "csv", b"x", source="crowd"), 400, "VALIDATION_ERROR"
    )
    resp = client.post(f"{url}/import", json={"format": "csv"}, headers=admin_headers)
    assert_error(resp, 400, "VALIDATION_ERROR")


def test_archived_projects_take_no_imports(
    client: FlaskClient, admin_headers: dict[str, str], classified: Any
) -> None:
    project, images = classified
    client.patch(f"/api/data/projects/{project['id']}", json={"archived": True}, headers=admin_headers)
    data = f"sha256,label\n{images[3].sha256},cat\n".encode()
    assert_error(_import(client, admin_headers, project["id"], "csv", data), 409, "CONFLICT")
    assert _export(client, admin_headers, project["id"], "csv").status_code == 200


def test_empty_project_exports(client: FlaskClient, admin_headers: dict[str, str], make_project: Any) -> None:
    cls = make_project(admin_headers)
    assert _export(client, admin_headers, cls["id"], "csv").data == b"sha256,label\r\n"
    det = make_project(admin_headers, task_type="detection", labels=["car"])
    doc = json.loads(_export(client, admin_headers, det["id"], "coco").data)
    assert (doc["images"], doc["annotations"]) == ([], [])
    archive = zipfile.ZipFile(io.BytesIO(_export(client, admin_headers, det["id"], "yolo").data))
    assert archive.namelist() == ["classes.txt"]


def test_other_organizations_are_404(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, classified: Any
) -> None:
    project, images = classified
    stranger = bearer(make_user("admin", org="Globex"))
    resp = client.get(f"/api/data/projects/{project['id']}/export?format=csv", headers=stranger)
    assert_error(resp, 404, "NOT_FOUND")
    data = f"sha256,label\n{images[3].sha256},cat\n".encode()
    assert_error(_import(client, stranger, project["id"], "csv", data), 404, "NOT_FOUND")


def test_other_organizations_images_never_match(
    client: FlaskClient, admin_headers: dict[str, str], make_user: Any, make_project: Any, classified: Any
) -> None:
    _, images = classified
    stranger = bearer(make_user("admin", org="Globex"))
    theirs = make_project(stranger, labels=["cat"])
    data = f"sha256,label\n{images[3].sha256},cat\n".encode()
    report = _import(client, stranger, theirs["id"], "csv", data).get_json()["data"]
    assert (report["unmatched"], report["created"]) == (1, 0)
    assert _current(client, admin_headers, images[3].id) is None


@pytest.mark.parametrize("role", ["annotator", "viewer"])
def test_everyone_exports_only_managers_import(
    client: FlaskClient, make_user: Any, classified: Any, role: str
) -> None:
    project, images = classified
    headers = bearer(make_user(role))
    assert _export(client, headers, project["id"], "csv").status_code == 200
    data = f"sha256,label\n{images[3].sha256},cat\n".encode()
    assert_error(_import(client, headers, project["id"], "csv", data), 403, "FORBIDDEN")


def test_ml_engineers_import(client: FlaskClient, make_user: Any, classified: Any) -> None:
    project, images = classified
    engineer = make_user("ml_engineer")
    data = f"sha256,label\n{images[3].sha256},cat\n".encode()
    resp = _import(client, bearer(engineer), project["id"], "csv", data, source="model")
    assert resp.status_code == 200 and resp.get_json()["data"]["created"] == 1
    current = _current(client, bearer(engineer), images[3].id)
    assert (current["source"], current["annotator_id"]) == ("model", engineer.id)
