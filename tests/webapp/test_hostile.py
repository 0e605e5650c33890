"""Hostile input: every refusal is an envelope error that changes nothing; legitimate oddities succeed.

Covered elsewhere and not repeated here: text or truncated files posing as images, Pillow's pixel
limit and huge declared dimensions, oversized upload bodies and files (tests/webapp/test_ingest.py);
malformed JSON on the public provisioning endpoint (tests/webapp/test_envelope.py).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import png_bytes
from tests.helpers import assert_error, service_headers
from webapp import MAX_FORM_FIELD_BYTES, MAX_FORM_PARTS
from webapp.extensions import db
from webapp.models import Base, Batch, Image, Project
from webapp.models.base import MAX_ID
from webapp.services import service_accounts
from webapp.storage import MAX_PLAIN_BODY_BYTES

UPLOAD = "/api/device/images/upload"


def _state(data_dir: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Every row of every table, and every file under the data dir."""
    db.session.expire_all()
    rows = {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        for table in Base.metadata.sorted_tables
    }
    files = sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file())
    return rows, files


@pytest.fixture
def unchanged(data_dir: Path) -> Callable[[], Callable[[], None]]:
    """``check = unchanged()`` before hostile calls, ``check()`` after: nothing in the DB or on disk moved."""

    def _snapshot() -> Callable[[], None]:
        before = _state(data_dir)

        def _check() -> None:
            after = _state(data_dir)
            assert after[1] == before[1], "files changed"
            for table, rows in before[0].items():
                assert after[0][table] == rows, f"table {table} changed"

        return _check

    return _snapshot


@pytest.fixture
def device_key(admin_headers: dict[str, str], provision: Any, client: FlaskClient) -> str:
    project = client.post(
        "/api/data/projects", json={"name": "gate", "labels": ["cat", "dog"]}, headers=admin_headers
    ).get_json()["data"]
    return str(provision(admin_headers, "HOSTILE-1", project_id=project["id"])["api_key"])


def upload(client: FlaskClient, key: str, data: bytes, filename: str = "a.png", **fields: Any) -> Any:
    content_type = fields.pop("file_type", None)
    part = (io.BytesIO(data), filename, content_type) if content_type else (io.BytesIO(data), filename)
    return client.post(
        UPLOAD,
        data={"file": part, **fields},
        headers={"X-Device-Key": key},
        content_type="multipart/form-data",
    )


# --- JSON bodies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[1, 2]",
        b'"a string"',
        b"null",
        b'{"name": "p", "labels": ["a"]',  # cut short
        b'{"name": "\xff\xfe", "labels": ["a"]}',  # not UTF-8
        b'{"name": "p", "labels": ["a"], "description": NaN}',
        b'{"name": "p", "labels": [Infinity]}',
    ],
    ids=["garbage", "empty", "array", "string", "null", "truncated", "bad-utf8", "nan", "infinity"],
)
def test_malformed_json_is_400_and_stores_nothing(
    client: FlaskClient, admin_headers: dict[str, str], unchanged: Any, body: bytes
) -> None:
    check = unchanged()
    resp = client.post(
        "/api/data/projects", data=body, headers=admin_headers, content_type="application/json"
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    check()


def test_json_sent_as_another_type_is_not_read(
    client: FlaskClient, admin_headers: dict[str, str], unchanged: Any
) -> None:
    check = unchanged()
    body = json.dumps({"name": "p", "labels": ["a"]})
    resp = client.post("/api/data/projects", data=body, headers=admin_headers, content_type="text/plain")
    assert "name" in assert_error(resp, 400, "VALIDATION_ERROR")["fields"]
    check()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_special_numbers_are_refused(
    client: FlaskClient, device_key: str, unchanged: Any, value: str
) -> None:
    check = unchanged()
    resp = client.post(
        "/api/device/checkin",
        data=f'{{"battery_pct": {value}}}',
        headers={"X-Device-Key": device_key},
        content_type="application/json",
    )
    assert "numbers must be finite" in json.dumps(assert_error(resp, 400, "VALIDATION_ERROR"))
    check()


def test_huge_json_body_is_413_and_a_large_one_is_400(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str], unchanged: Any
) -> None:
    check = unchanged()
    limit = app.config["MAX_CONTENT_LENGTH"]
    huge = b'{"name": "' + b"x" * limit + b'", "labels": ["a"]}'
    assert_error(
        client.post("/api/data/projects", data=huge, headers=admin_headers, content_type="application/json"),
        413,
        "PAYLOAD_TOO_LARGE",
    )
    large = {"name": "x" * 900_000, "labels": ["a"] * 10_000}
    error = assert_error(
        client.post("/api/data/projects", json=large, headers=admin_headers), 400, "VALIDATION_ERROR"
    )
    assert "name" in error["fields"]
    check()


@pytest.mark.parametrize("chunked", [False, True], ids=["with-length", "chunked"])
def test_json_bodies_past_a_megabyte_are_413_before_anything_is_checked(
    client: FlaskClient, unchanged: Any, chunked: bool
) -> None:
    """The upload limit (20 MB) is for multipart uploads: a JSON body is parsed in memory, at many times
    its size, so even the public provisioning route holds it to MAX_PLAIN_BODY_BYTES."""
    check = unchanged()
    body = b'{"token": "' + b"x" * MAX_PLAIN_BODY_BYTES + b'", "serial_number": "S", "name": "n"}'
    if chunked:  # no length to refuse it by: reading stops at the limit
        resp = client.post(
            "/api/devices/provision",
            input_stream=io.BytesIO(body),
            content_type="application/json",
            headers={"Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )
    else:
        resp = client.post("/api/devices/provision", data=body, content_type="application/json")
    assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    check()


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("depth", [100_000, 5_000, 990])
def test_deeply_nested_json_is_400_never_500(
    client: FlaskClient, admin_headers: dict[str, str], device_key: str, unchanged: Any, depth: int
) -> None:
    check = unchanged()
    arrays = b"[" * depth + b"]" * depth
    resp = client.post(
        "/api/data/projects", data=arrays, headers=admin_headers, content_type="application/json"
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    objects = '{"battery_pct": 5, "metrics": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
    resp = client.post(
        "/api/device/checkin",
        data=objects,
        headers={"X-Device-Key": device_key},
        content_type="application/json",
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    check()


def test_nesting_json_can_hold_is_stored_and_read_back(
    client: FlaskClient, admin_headers: dict[str, str], device_key: str
) -> None:
    metrics = {"deep": _nested(50)}
    resp = client.post("/api/device/checkin", json={"metrics": metrics}, headers={"X-Device-Key": device_key})
    assert resp.status_code == 200, resp.get_json()
    device_id = resp.get_json()["data"]["device"]["id"]
    checkins = client.get(f"/api/devices/{device_id}/checkins", headers=admin_headers).get_json()["data"]
    assert [c["metrics"] for c in checkins] == [metrics]


def test_deep_json_in_form_fields_and_files_is_400(
    client: FlaskClient, admin_headers: dict[str, str], device_key: str, unchanged: Any
) -> None:
    project = client.post(
        "/api/data/projects",
        json={"name": "boxes", "task_type": "detection", "labels": ["car"]},
        headers=admin_headers,
    ).get_json()["data"]
    check = unchanged()
    deep_text = "[" * 7000 + "]" * 7000  # under the 16 KB metadata limit
    error = assert_error(
        upload(client, device_key, png_bytes(1), metadata=deep_text), 400, "VALIDATION_ERROR"
    )
    assert "metadata" in error["fields"]
    coco = ('{"images": ' + "[" * 100_000 + "]" * 100_000 + "}").encode()
    resp = client.post(
        f"/api/data/projects/{project['id']}/import",
        data={"format": "coco", "file": (io.BytesIO(coco), "labels.json")},
        headers=admin_headers,
        content_type="multipart/form-data",
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    check()


# --- text that is not text: bad UTF-8, NUL characters, non-ASCII digits ------------------------------


def test_invalid_utf8_in_query_strings_and_headers(
    client: FlaskClient, admin_headers: dict[str, str], admin: Any, unchanged: Any
) -> None:
    _, key = service_accounts.create(db.session, "hostile")
    check = unchanged()
    # Undecodable bytes become U+FFFD: a label nobody uses, so nothing matches.
    resp = client.get("/api/data/images?label=%ff%fe%fd", headers=admin_headers)
    assert resp.status_code == 200 and resp.get_json()["data"] == []
    assert_error(client.get("/api/data/images?page=%ff", headers=admin_headers), 400, "VALIDATION_ERROR")
    assert_error(
        client.get("/api/device/self", headers={"X-Device-Key": "adk_\xff\xfe\xfd"}), 401, "UNAUTHORIZED"
    )
    assert_error(
        client.get("/api/organization", headers={"Authorization": "Bearer \xff.\xfe.\xfd"}),
        401,
        "UNAUTHORIZED",
    )
    for org in ["\xb2", "\u0661", "1\xb2", "9" * 30, str(MAX_ID + 1), "-1", " 1", "0x1"]:
        # Superscript two and Arabic-Indic one are digits to str.isdigit(): neither names anything.
        resp = client.get("/api/data/datasets", headers=service_headers(key, org))
        assert_error(resp, 401, "UNAUTHORIZED")
    check()


@pytest.mark.parametrize(
    "call",
    [
        lambda c, h, k: c.post("/api/data/projects", json={"name": "a\x00b", "labels": ["x"]}, headers=h),
        lambda c, h, k: c.post("/api/data/projects", json={"name": "p", "labels": ["x\x00"]}, headers=h),
        lambda c, h, k: c.get("/api/data/images?label=a%00b", headers=h),
        lambda c, h, k: c.post(
            "/api/device/checkin", json={"metrics": {"k\x00": 1}}, headers={"X-Device-Key": k}
        ),
        lambda c, h, k: upload(c, k, png_bytes(2), batch="night\x00shift"),
    ],
    ids=["json-field", "json-list-item", "query", "json-key", "form-field"],
)
def test_nul_characters_are_refused(
    client: FlaskClient, admin_headers: dict[str, str], device_key: str, unchanged: Any, call: Any
) -> None:
    check = unchanged()
    error = assert_error(call(client, admin_headers, device_key), 400, "VALIDATION_ERROR")
    assert "NUL" in error["details"]
    check()


@pytest.mark.parametrize(
    "call",
    [
        # Without credentials: the provisioning token is read before anything is checked.
        lambda c, h, k: c.post(
            "/api/devices/provision", json={"token": "\udcff", "serial_number": "S", "name": "n"}
        ),
        lambda c, h, k: c.post("/api/data/projects", json={"name": "\udcff", "labels": ["x"]}, headers=h),
        lambda c, h, k: c.post("/api/data/projects", json={"name": "p", "labels": ["\ud800"]}, headers=h),
        lambda c, h, k: c.post(
            "/api/device/checkin", json={"firmware_version": "\ud800"}, headers={"X-Device-Key": k}
        ),
        lambda c, h, k: c.post(
            "/api/device/checkin", json={"metrics": {"\udc80": 1}}, headers={"X-Device-Key": k}
        ),
        lambda c, h, k: upload(c, k, png_bytes(2), metadata='{"note": "\\udcff"}'),
    ],
    ids=["provision-token", "json-field", "json-list-item", "checkin-field", "json-key", "upload-metadata"],
)
def test_lone_surrogates_are_refused(
    client: FlaskClient, admin_headers: dict[str, str], device_key: str, unchanged: Any, call: Any
) -> None:
    """JSON's \\ud800-\\udfff escapes without their pair are no Unicode text: a 400, never a 500."""
    check = unchanged()
    error = assert_error(call(client, admin_headers, device_key), 400, "VALIDATION_ERROR")
    assert "surrogate" in json.dumps(error)
    check()


def test_surrogate_pairs_are_text(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    """A pair (how JSON escapes characters past U+FFFF) is the character it encodes."""
    resp = client.post(
        "/api/data/projects",
        data='{"name": "cams \\ud83d\\udcf7", "labels": ["x"]}',
        headers=admin_headers,
        content_type="application/json",
    )
    assert resp.status_code == 201 and resp.get_json()["data"]["name"] == "cams \U0001f4f7"


@pytest.mark.parametrize("metadata", ['{"x": NaN}', '{"x": [Infinity]}', '{"x": {"y": -Infinity}}'])
def test_special_numbers_in_upload_metadata_are_refused(
    client: FlaskClient, device_key: str, unchanged: Any, metadata: str
) -> None:
    """Python's parser takes NaN; stored, it would make every page showing the image invalid JSON."""
    check = unchanged()
    error = assert_error(upload(client, device_key, png_bytes(2), metadata=metadata), 400, "VALIDATION_ERROR")
    assert "metadata" in error["fields"]
    check()


@pytest.mark.parametrize("value", [4.5, 4.000001, -0.5])
def test_fractional_numbers_are_not_ids(
    client: FlaskClient, admin_headers: dict[str, str], unchanged: Any, value: float
) -> None:
    """An integer field truncated 4.5 to 4 before: a fraction is refused, not rounded into another id."""
    check = unchanged()
    resp = client.post("/api/data/annotations", json={"image_id": value, "label": "x"}, headers=admin_headers)
    assert assert_error(resp, 400, "VALIDATION_ERROR")["fields"] == {"image_id": ["must be a whole number"]}
    check()


def test_whole_numbers_with_a_point_are_integers(
    client: FlaskClient, admin_headers: dict[str, str], device_key: str
) -> None:
    """4.0 names 4, as JSON means (some clients write every number as a float)."""
    image = upload(client, device_key, png_bytes(2)).get_json()["data"]
    resp = client.post(
        "/api/data/annotations", json={"image_id": float(image["id"]), "label": "cat"}, headers=admin_headers
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["data"]["image_id"] == image["id"]


# --- names that look like paths ---------------------------------------------------------------------


ANY_NAME = "<any name without separators>"


@pytest.mark.parametrize(
    "filename,stored",
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        # Backslashes escape characters in a multipart header: what arrives depends on the client.
        ("..\\..\\windows\\win.ini", ANY_NAME),
        ("C:\\Users\\x\\cam.png", ANY_NAME),
        ("a\x00b.png", "ab.png"),
        ("cam\x1b[31m.png", "cam[31m.png"),
        ("../", None),
    ],
    ids=["relative", "absolute", "backslashes", "drive", "nul", "escape", "only-dots"],
)
def test_file_names_are_labels_never_paths(
    client: FlaskClient, device_key: str, data_dir: Path, tmp_path: Path, filename: str, stored: str | None
) -> None:
    outside = sorted(p for p in tmp_path.rglob("*") if data_dir not in p.parents)
    resp = upload(client, device_key, png_bytes(3), filename=filename)
    assert resp.status_code == 201, resp.get_json()
    image = db.session.get(Image, resp.get_json()["data"]["id"])
    assert image is not None
    if stored is ANY_NAME:
        assert image.filename and not set(image.filename) & {"/", "\\", "\x00"}
    else:
        assert image.filename == stored
    # The bytes live under their hash in the blob store, and nowhere else.
    assert sorted(p for p in tmp_path.rglob("*") if data_dir not in p.parents) == outside
    blobs = [p for p in (data_dir / "blobs").rglob("*") if p.is_file() and "derived" not in p.parts]
    assert [p.name for p in blobs] == [image.sha256]


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "..", "C:\\Windows\\System32"])
def test_batch_names_that_look_like_paths_are_just_names(
    client: FlaskClient, device_key: str, data_dir: Path, name: str
) -> None:
    resp = upload(client, device_key, png_bytes(4), batch=name)
    assert resp.status_code == 201, resp.get_json()
    batch = db.session.get(Batch, resp.get_json()["data"]["batch_id"])
    assert batch is not None and batch.name == name
    assert not [p for p in data_dir.rglob("*") if "passwd" in p.name or "System32" in p.name]


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def detection_project(client: FlaskClient, admin_headers: dict[str, str]) -> int:
    return int(
        client.post(
            "/api/data/projects",
            json={"name": "cars", "task_type": "detection", "labels": ["car"]},
            headers=admin_headers,
        ).get_json()["data"]["id"]
    )


def import_labels(
    client: FlaskClient, headers: dict[str, str], project_id: int, data: bytes, fmt: str = "yolo"
) -> Any:
    return client.post(
        f"/api/data/projects/{project_id}/import",
        data={"format": fmt, "file": (io.BytesIO(data), "labels.zip")},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_zip_members_with_traversing_names_are_never_extracted(
    client: FlaskClient, admin_headers: dict[str, str], detection_project: int, tmp_path: Path
) -> None:
    before = sorted(tmp_path.rglob("*"))
    archive = _zip(
        {
            "classes.txt": b"car\n",
            "../../evil.txt": b"0 0.5 0.5 0.1 0.1\n",
            "/abs/evil2.txt": b"0 0.5 0.5 0.1 0.1\n",
        }
    )
    resp = import_labels(client, admin_headers, detection_project, archive)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["data"]["matched"] == 0
    assert sorted(tmp_path.rglob("*")) == before


# --- SQL-looking text --------------------------------------------------------------------------------

SQL = ["x'; DROP TABLE projects; --", "' OR '1'='1", '" OR 1=1 --', "1; DELETE FROM images", "%", "_", "\\"]


def test_sql_like_names_are_stored_verbatim(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    for n, text in enumerate(SQL):
        resp = client.post(
            "/api/data/projects", json={"name": f"{text} {n}", "labels": [text]}, headers=admin_headers
        )
        assert resp.status_code == 201, resp.get_json()
        project = client.get(f"/api/data/projects/{resp.get_json()['data']['id']}", headers=admin_headers)
        assert project.get_json()["data"]["name"] == f"{text} {n}"
        assert project.get_json()["data"]["labels"] == [text]
    assert db.session.query(Project).count() == len(SQL)


def test_sql_like_filters_match_only_themselves(
    client: FlaskClient, admin_headers: dict[str, str], device_key: str, unchanged: Any
) -> None:
    image = upload(client, device_key, png_bytes(5)).get_json()["data"]
    labelled = client.post(
        "/api/data/annotations", json={"image_id": image["id"], "label": "cat"}, headers=admin_headers
    )
    assert labelled.status_code == 201, labelled.get_json()
    check = unchanged()
    for text in SQL:
        for url in (f"/api/data/images?label={text}", f"/api/data/annotations?external_id={text}"):
            resp = client.get(url, headers=admin_headers)
            assert resp.status_code == 200, (url, resp.get_json())
            assert resp.get_json()["data"] == [], url
    assert [
        i["id"] for i in client.get("/api/data/images?label=cat", headers=admin_headers).get_json()["data"]
    ] == [image["id"]]
    check()


# --- files that lie about what they are ---------------------------------------------------------------


def test_a_png_named_and_typed_as_jpeg_is_a_png(client: FlaskClient, device_key: str) -> None:
    resp = upload(client, device_key, png_bytes(6), filename="photo.jpg", file_type="image/jpeg")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["data"]["format"] == "png"


@pytest.mark.parametrize(
    "data,filename,file_type",
    [
        (b"just text, honestly\n", "photo.jpg", "image/jpeg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "x.png", "image/png"),
        (b"<html><script>alert(1)</script></html>", "x.webp", "image/webp"),
        (b"GIF89a" + b"\x00" * 64, "x.png", "image/png"),
        (b"\xff\xd8\xff", "x.jpg", "image/jpeg"),
    ],
    ids=["text", "svg", "html", "gif-header", "jpeg-magic-only"],
)
def test_non_images_are_refused_whatever_they_claim(
    client: FlaskClient, device_key: str, unchanged: Any, data: bytes, filename: str, file_type: str
) -> None:
    check = unchanged()
    error = assert_error(
        upload(client, device_key, data, filename=filename, file_type=file_type), 400, "VALIDATION_ERROR"
    )
    # Nothing of the server's file system shows (the staging area's path did).
    assert "staging" not in json.dumps(error) and "/" not in (error.get("details") or "")
    check()


def test_zip_bombs_in_label_imports_are_refused(
    client: FlaskClient, admin_headers: dict[str, str], detection_project: int, unchanged: Any
) -> None:
    check = unchanged()
    # 64 MB of zeros compress to 64 KB: refused from the sizes the archive declares, never inflated.
    members = {"classes.txt": b"car\n"}
    bomb = _zip({**members, "big.txt": b"\0" * (64 << 20)})
    error = assert_error(
        import_labels(client, admin_headers, detection_project, bomb), 400, "VALIDATION_ERROR"
    )
    assert "too large" in error["message"]
    # One that lies about its size: the reader stops at the declared size and the check sum fails.
    honest = bytearray(_zip({**members, "a.txt": b"0 0.5 0.5 0.1 0.1\n" * 50_000}))
    header = honest.find(b"PK\x03\x04", honest.find(b"a.txt") - 40)
    declared = header + 22  # the local header's uncompressed size
    honest[declared : declared + 4] = (100).to_bytes(4, "little")
    central = honest.rfind(b"a.txt") - 46 + 24  # the central directory's copy
    honest[central : central + 4] = (100).to_bytes(4, "little")
    error = assert_error(
        import_labels(client, admin_headers, detection_project, bytes(honest)), 400, "VALIDATION_ERROR"
    )
    assert "damaged" in error["message"]
    check()


def test_a_damaged_zip_member_is_400(
    client: FlaskClient, admin_headers: dict[str, str], detection_project: int, unchanged: Any
) -> None:
    archive = bytearray(_zip({"classes.txt": b"car\n", "img1.txt": b"0 0.5 0.5 0.1 0.1\n" * 100}))
    start = archive.find(b"img1.txt") + len(b"img1.txt")
    archive[start + 5] ^= 0xFF  # inside the compressed data
    check = unchanged()
    assert_error(
        import_labels(client, admin_headers, detection_project, bytes(archive)), 400, "VALIDATION_ERROR"
    )
    check()


# --- multipart bodies ---------------------------------------------------------------------------------


def test_a_multipart_body_with_too_many_parts_is_413(
    client: FlaskClient, device_key: str, data_dir: Path, unchanged: Any
) -> None:
    check = unchanged()
    fields = {f"field{i}": "x" for i in range(MAX_FORM_PARTS)}
    assert_error(upload(client, device_key, png_bytes(7), **fields), 413, "PAYLOAD_TOO_LARGE")
    files = {f"file{i}": (io.BytesIO(b"x" * 100), f"f{i}.png") for i in range(MAX_FORM_PARTS + 1)}
    resp = client.post(
        UPLOAD, data=files, headers={"X-Device-Key": device_key}, content_type="multipart/form-data"
    )
    assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    check()  # the file parts staged before the refusal are gone too


def test_a_form_field_over_the_field_limit_is_413(
    client: FlaskClient, device_key: str, unchanged: Any
) -> None:
    check = unchanged()
    resp = upload(client, device_key, png_bytes(8), metadata="x" * (MAX_FORM_FIELD_BYTES + 1))
    assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    check()


# --- integers past what the database holds --------------------------------------------------------------


def test_ids_past_the_id_columns_are_404_or_400(
    client: FlaskClient, admin_headers: dict[str, str], admin: Any, unchanged: Any
) -> None:
    check = unchanged()
    for too_big in (MAX_ID + 1, 2**63, 10**30):
        assert_error(client.get(f"/api/data/projects/{too_big}", headers=admin_headers), 404, "NOT_FOUND")
        error = assert_error(
            client.post("/api/data/datasets", json={"project_id": too_big}, headers=admin_headers),
            400,
            "VALIDATION_ERROR",
        )
        assert set(error["fields"]) == {"project_id"}
        for query in (f"project_id={too_big}", f"page={too_big}"):
            assert_error(
                client.get(f"/api/data/images?{query}", headers=admin_headers), 400, "VALIDATION_ERROR"
            )
    assert_error(client.get(f"/api/data/projects/{MAX_ID}", headers=admin_headers), 404, "NOT_FOUND")
    check()


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-05:00"])
def test_times_that_do_not_exist_in_utc_are_400(
    client: FlaskClient, admin_headers: dict[str, str], device_key: str, unchanged: Any, when: str
) -> None:
    check = unchanged()
    resp = client.get("/api/data/batches", query_string={"created_before": when}, headers=admin_headers)
    assert "created_before" in assert_error(resp, 400, "VALIDATION_ERROR")["fields"]
    resp = upload(client, device_key, png_bytes(9), captured_at=when)
    assert "captured_at" in assert_error(resp, 400, "VALIDATION_ERROR")["fields"]
    check()
    edge = upload(client, device_key, png_bytes(9), captured_at="0001-01-01T00:00:00+00:00")
    assert edge.status_code == 201, edge.get_json()


def test_id_limits_are_in_the_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    path_param = spec["paths"]["/api/data/projects/{project_id}"]["parameters"][0]
    assert path_param["schema"]["maximum"] == MAX_ID
    body = spec["components"]["schemas"]["DatasetVersionCreate"]["properties"]["project_id"]
    assert body["maximum"] == MAX_ID
