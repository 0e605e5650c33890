"""The label file parsers and writers on their own: bytes (or a parsed document) in, records out, no app
and no database. Matching, validation against the project and the API are in test_label_formats.py."""

import ast
import csv as stdlib_csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from webapp.errors import ValidationError
from webapp.services.label_formats.archive import MAX_MEMBER_BYTES
from webapp.services.label_formats.coco import coco_chunks, parse_coco
from webapp.services.label_formats.csv import csv_chunks, parse_csv
from webapp.services.label_formats.records import Box, Record, name_record
from webapp.services.label_formats.yolo import parse_yolo, yolo_chunks

# Parsers, no database: the PostgreSQL pass of scripts/test.sh skips it.
pytestmark = pytest.mark.database_independent

SHA_A = "a" * 64
SHA_B = "0123456789abcdef" * 4


def _zip(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buf.getvalue()


@dataclass
class Row:
    """A labeled image as the export query returns it."""

    id: int
    sha256: str
    filename: str | None
    format: str
    width: int
    height: int
    label: str | None = None
    boxes: list[dict[str, Any]] | None = None


# --- names --------------------------------------------------------------------------------------


def test_name_record_takes_a_hash_name_as_the_hash() -> None:
    assert name_record("row 2", f"dir/{SHA_A.upper()}.JPG") == Record(where="row 2", sha256=SHA_A)
    # A hash without an image suffix is a file name like any other (it may be a real one).
    assert name_record("row 2", f"{SHA_A}.txt").names == (f"{SHA_A}.txt",)
    assert name_record("row 2", "C:\\photos\\cat 1.png ").names == ("cat 1.png",)


def test_name_record_of_a_yolo_stem_names_every_image_it_may_stand_for() -> None:
    record = name_record("labels/cat.txt", "cat", stem=True)
    assert record.sha256 is None
    assert {"cat", "cat.jpg", "cat.JPG", "cat.png", "cat.TIFF"} <= set(record.names)
    assert name_record("labels/x.txt", SHA_A, stem=True).sha256 == SHA_A


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_by_hash_with_and_without_header() -> None:
    parsed = parse_csv(f"\ufeffSHA256,Label\n{SHA_A.upper()}, cat \n\n{SHA_B},dog\n".encode())
    assert parsed.errors == []
    assert [(r.where, r.sha256, r.label, r.boxes) for r in parsed.records] == [
        ("row 2", SHA_A, "cat", None),
        ("row 4", SHA_B, "dog", None),
    ]
    headerless = parse_csv(f"{SHA_A},cat\n".encode())
    assert [(r.where, r.sha256, r.label) for r in headerless.records] == [("row 1", SHA_A, "cat")]


def test_csv_by_file_name_in_any_column_order() -> None:
    parsed = parse_csv(b"label,note,filename\ncat,x,photos/cat.jpg\n")
    assert [(r.names, r.label) for r in parsed.records] == [(("cat.jpg",), "cat")]


def test_csv_bad_rows_are_errors_and_the_rest_is_read() -> None:
    data = f"sha256,label\n{SHA_A},cat\nnot-a-hash,cat\n{SHA_B}\n,dog\n{SHA_B},\n".encode()
    parsed = parse_csv(data)
    assert [r.sha256 for r in parsed.records] == [SHA_A]
    assert parsed.errors == [
        "row 3: 'not-a-hash' is not a sha256 (64 hex digits)",
        "row 4: expected 2 columns",
        "row 5: empty image",
        "row 6: empty label",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The CSV is empty"),
        (b"image,class\nx,y\n", "The CSV needs a header"),
        (b"sha256,name\nx,y\n", "The CSV needs a header"),
        (b"\xff\xfe\x00bad", "The CSV is not UTF-8 text"),
    ],
    ids=["empty", "bad-header", "no-label-column", "not-utf8"],
)
def test_csv_unreadable_files(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_csv(data)
    assert caught.value.message == message


def test_csv_writer_round_trips_through_the_parser() -> None:
    rows = [
        Row(1, SHA_A, "a.jpg", "JPEG", 10, 10, label="cat"),
        Row(2, SHA_B, None, "PNG", 5, 5, label="dog"),
    ]
    data = b"".join(csv_chunks(iter([rows[:1], rows[1:]])))
    assert list(stdlib_csv.reader(io.StringIO(data.decode()))) == [
        ["sha256", "label"],
        [SHA_A, "cat"],
        [SHA_B, "dog"],
    ]
    assert [(r.sha256, r.label) for r in parse_csv(data).records] == [(SHA_A, "cat"), (SHA_B, "dog")]


# --- COCO ---------------------------------------------------------------------------------------


def _coco(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "images": [
            {"id": 7, "file_name": "street/a.jpg", "width": 640, "height": 480},
            {"id": 8, "sha256": SHA_B.upper(), "file_name": "ignored.jpg"},
        ],
        "categories": [{"id": 1, "name": "car"}, {"id": 3, "name": "bicycle"}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 3, "bbox": [10, 20.5, 30, 40]},
            {"id": 2, "image_id": 7, "category_id": 1, "bbox": [0, 0, 640, 480]},
        ],
    }
    doc.update(overrides)
    return doc


def test_coco_images_and_pixel_boxes() -> None:
    parsed = parse_coco(_coco())
    assert parsed.errors == []
    first, second = parsed.records
    assert (first.where, first.names, first.sha256, first.pixels, first.pixel_size) == (
        "images[0]",
        ("a.jpg",),
        None,
        True,
        (640.0, 480.0),
    )
    assert first.boxes == [Box("bicycle", 10.0, 20.5, 30.0, 40.0), Box("car", 0.0, 0.0, 640.0, 480.0)]
    # A sha256 names the image before its file name; no size: the matched image's own size.
    assert (second.sha256, second.names, second.pixel_size, second.boxes) == (SHA_B, (), None, [])


@pytest.mark.parametrize(
    ("annotation", "error"),
    [
        ({"image_id": 99, "category_id": 1, "bbox": [0, 0, 1, 1]}, "image_id names no image of the file"),
        ({"image_id": 7, "category_id": 1, "bbox": [0, 0, 1]}, "bbox must be [x, y, width, height]"),
        ({"image_id": 7, "category_id": 1, "bbox": [0, 0, 1, "2"]}, "bbox must be"),
        ({"image_id": 7, "category_id": 1, "bbox": [0, 0, True, 1]}, "bbox must be"),
        ({"image_id": 7, "category_id": 1, "bbox": [0, 0, float("inf"), 1]}, "bbox must be"),
        (
            {"image_id": 7, "category_id": 2, "bbox": [0, 0, 1, 1]},
            "category_id 2 is not among the categories",
        ),
        ("not an object", "image_id names no image of the file"),
    ],
    ids=[
        "unknown-image",
        "short-bbox",
        "string-coordinate",
        "bool-coordinate",
        "infinite",
        "category",
        "str",
    ],
)
def test_coco_bad_annotations_are_errors(annotation: Any, error: str) -> None:
    parsed = parse_coco(
        _coco(annotations=[annotation, {"image_id": 8, "category_id": 1, "bbox": [1, 2, 3, 4]}])
    )
    assert len(parsed.errors) == 1
    assert parsed.errors[0].startswith("annotations[0]: ") and error in parsed.errors[0]
    # The rest of the file is still read.
    assert parsed.records[1].boxes == [Box("car", 1.0, 2.0, 3.0, 4.0)]


def test_coco_bad_images_are_errors() -> None:
    images = [
        {"file_name": "a.jpg"},
        {"id": 2},
        "x",
        {"id": 3, "file_name": "b.jpg", "width": 0, "height": 9},
    ]
    parsed = parse_coco(
        {"images": images, "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0] * 4}]}
    )
    assert parsed.errors == [
        "images[0]: an image needs an id",
        "images[1]: an image needs a file_name or sha256",
        "images[2]: an image needs an id",
        "annotations[0]: image_id names no image of the file",
    ]
    # A size that is not positive is no size: the matched image's own is used.
    assert [(r.names, r.pixel_size) for r in parsed.records] == [(("b.jpg",), None)]


@pytest.mark.parametrize("doc", [[], None, "images", {"annotations": []}, {"images": {}}])
def test_coco_documents_that_are_not_coco(doc: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_coco(doc)
    assert caught.value.message == "Not a COCO file"


def test_coco_writer_states_boxes_in_pixels() -> None:
    boxes = [{"label": "car", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}]
    chunks = iter(
        [[Row(5, SHA_A, None, "JPEG", 640, 480, boxes=boxes)], [Row(6, SHA_B, "b.png", "PNG", 10, 10)]]
    )
    created = datetime(2024, 1, 2, tzinfo=UTC)
    doc = json.loads(b"".join(coco_chunks("Street", ["car", "person"], created, chunks)))
    assert doc["info"]["description"] == "Acusight project Street"
    assert doc["info"]["date_created"] == created.isoformat()
    assert doc["categories"] == [
        {"id": 1, "name": "car", "supercategory": ""},
        {"id": 2, "name": "person", "supercategory": ""},
    ]
    assert [(i["id"], i["file_name"]) for i in doc["images"]] == [(5, f"{SHA_A}.jpeg"), (6, "b.png")]
    assert doc["annotations"] == [
        {
            "id": 1,
            "image_id": 5,
            "category_id": 1,
            "bbox": [64.0, 96.0, 192.0, 192.0],
            "area": 36864.0,
            "iscrowd": 0,
        }
    ]
    # And the parser reads it back.
    record = parse_coco(doc).records[0]
    assert (record.sha256, record.boxes) == (SHA_A, [Box("car", 64.0, 96.0, 192.0, 192.0)])


def test_coco_writer_of_no_images_is_still_json() -> None:
    doc = json.loads(b"".join(coco_chunks("Empty", [], datetime.now(UTC), iter([]))))
    assert (doc["images"], doc["annotations"], doc["categories"]) == ([], [], [])


# --- YOLO ---------------------------------------------------------------------------------------


def test_yolo_boxes_are_normalized_corner_and_size() -> None:
    data = _zip(
        {
            "classes.txt": "car\nperson\n\n",
            "labels/street 1.txt": "1 0.5 0.5 0.2 0.4\n\n0 0.25 0.75 0.5 0.5 0.9\n",
            f"labels/{SHA_A}.txt": "",
        }
    )
    parsed = parse_yolo(data)
    assert parsed.errors == []
    by_where = {r.where: r for r in parsed.records}
    street = by_where["labels/street 1.txt"]
    assert street.sha256 is None and "street 1.jpg" in street.names and not street.pixels
    assert street.boxes == [
        Box("person", 0.5 - 0.2 / 2, 0.5 - 0.4 / 2, 0.2, 0.4),
        Box("car", 0.0, 0.5, 0.5, 0.5),
    ]
    # An empty label file: an image with no objects.
    assert (by_where[f"labels/{SHA_A}.txt"].sha256, by_where[f"labels/{SHA_A}.txt"].boxes) == (SHA_A, [])


def test_yolo_skips_files_that_are_not_labels() -> None:
    data = _zip(
        {
            "obj.names": "car\n",
            "train.txt": "images/a.jpg\n",
            "labels/.hidden.txt": "0 0.5 0.5 0.1 0.1\n",
            "__MACOSX/labels/._a.txt": "junk",
            "labels/readme.md": "not labels",
            "labels/a.txt": "0 0.5 0.5 0.1 0.1\n",
        }
    )
    assert [r.where for r in parse_yolo(data).records] == ["labels/a.txt"]


@pytest.mark.parametrize(
    ("files", "names"),
    [
        ({"data.yaml": "names: [car, person]\n"}, ["car", "person"]),
        ({"data.yaml": "names: {1: person, 0: car}\n"}, ["car", "person"]),
        # The shallowest class file wins; at one depth, classes.txt before data.yaml.
        ({"sub/classes.txt": "x\n", "data.yaml": "names: [car, person]\n"}, ["car", "person"]),
        ({"classes.txt": "car\nperson\n", "data.yaml": "names: [x, y]\n"}, ["car", "person"]),
    ],
    ids=["yaml-list", "yaml-dict", "shallowest", "classes-first"],
)
def test_yolo_class_names(files: dict[str, str], names: list[str]) -> None:
    lines = "".join(f"{i} 0.5 0.5 0.1 0.1\n" for i in range(len(names)))
    parsed = parse_yolo(_zip({**files, "labels/a.txt": lines}))
    assert parsed.records[0].boxes is not None
    assert [box.label for box in parsed.records[0].boxes] == names


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("0 0.5 0.5 0.1", "expected: class cx cy width height"),
        ("0 0.5 0.5 0.1 0.1 0.9 7", "expected: class cx cy width height"),
        ("car 0.5 0.5 0.1 0.1", "class must be an integer and the coordinates numbers"),
        ("0.0 0.5 0.5 0.1 0.1", "class must be an integer and the coordinates numbers"),
        ("2 0.5 0.5 0.1 0.1", "class 2 is not in the class list (2 classes)"),
        ("-1 0.5 0.5 0.1 0.1", "class -1 is not in the class list (2 classes)"),
        ("0 nan 0.5 0.1 0.1", "coordinates must be finite"),
        ("0 0.5 inf 0.1 0.1", "coordinates must be finite"),
    ],
)
def test_yolo_bad_lines_are_errors(line: str, error: str) -> None:
    data = _zip(
        {"classes.txt": "car\nperson\n", "a.txt": f"0 0.5 0.5 0.1 0.1\n{line}\n", "b.txt": "1 0.5 0.5 1 1\n"}
    )
    parsed = parse_yolo(data)
    assert parsed.errors == [f"a.txt line 2: {error}"]
    # The file with the bad line is left out whole; the others are read.
    assert [r.where for r in parsed.records] == ["b.txt"]


def test_yolo_out_of_range_coordinates_are_left_to_the_importer() -> None:
    """Finite coordinates outside the image parse: whether a box fits its image is checked for every
    annotation alike when the record is validated against the project (test_label_formats.py)."""
    parsed = parse_yolo(_zip({"classes.txt": "car\n", "a.txt": "0 1.5 -0.5 0.5 2\n"}))
    assert parsed.errors == []
    assert parsed.records[0].boxes == [Box("car", 1.25, -1.5, 0.5, 2.0)]


def test_yolo_label_file_that_is_not_utf8_is_an_error() -> None:
    parsed = parse_yolo(_zip({"classes.txt": "car\n", "a.txt": b"\xff\xfe0 0.5", "b.txt": ""}))
    assert parsed.errors == ["a.txt: not UTF-8 text"]
    assert [r.where for r in parsed.records] == ["b.txt"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "YOLO labels come as a zip"),
        (_zip({"labels/a.txt": "0 0.5 0.5 0.1 0.1\n"}), "The archive has no class names"),
        (_zip({"data.yaml": "nc: 2\n"}), "Unreadable class names"),
        (_zip({"data.yaml": "names: [a\n"}), "Unreadable class names"),
        (_zip({"classes.txt": "car\n", "big.txt": "0" * (MAX_MEMBER_BYTES + 1)}), "The archive is too large"),
    ],
    ids=["not-zip", "no-classes", "yaml-without-names", "bad-yaml", "member-too-large"],
)
def test_yolo_unreadable_archives(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_yolo(data)
    assert caught.value.message == message


def test_yolo_damaged_member_refuses_the_archive() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("classes.txt", "car\n")
        archive.writestr("a.txt", "0 0.5 0.5 0.1 0.1\n" * 50)
    data = bytearray(buf.getvalue())
    start = data.find(b"a.txt") + len("a.txt")  # the local header's name; the deflated bytes follow
    data[start + 5 : start + 15] = b"\x00" * 10
    with pytest.raises(ValidationError) as caught:
        parse_yolo(bytes(data))
    assert caught.value.message == "The zip archive is damaged"


def test_yolo_writer_streams_a_zip_the_parser_reads_back() -> None:
    boxes = [{"label": "person", "x": 0.4, "y": 0.3, "width": 0.2, "height": 0.4}]
    rows = [
        [Row(1, SHA_A, "a.jpg", "JPEG", 10, 10, boxes=boxes)],
        [Row(2, SHA_B, None, "PNG", 5, 5, boxes=[])],
    ]
    pieces: Iterator[bytes] = yolo_chunks(["car", "person"], iter(rows))
    data = b"".join(pieces)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("classes.txt") == b"car\nperson\n"
        assert archive.read(f"labels/{SHA_A}.txt") == b"1 0.500000 0.500000 0.200000 0.400000\n"
        assert archive.read(f"labels/{SHA_B}.txt") == b""
    records = {r.sha256: r.boxes for r in parse_yolo(data).records}
    assert records[SHA_B] == []
    (box,) = records[SHA_A] or []
    assert box.label == "person"
    assert (box.x, box.y, box.width, box.height) == pytest.approx((0.4, 0.3, 0.2, 0.4))


# --- purity -------------------------------------------------------------------------------------

PURE = ("records", "csv", "coco", "yolo", "archive", "formats")


@pytest.mark.parametrize("module", PURE)
def test_format_modules_import_no_database_and_no_service(module: str) -> None:
    """The readers and writers stay plain functions over bytes and rows: no session, no models."""
    path = Path(__file__).parents[2] / "webapp" / "services" / "label_formats" / f"{module}.py"
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    allowed = {f"webapp.services.label_formats.{name}" for name in PURE}
    forbidden = [
        name
        for name in imported
        if name.split(".")[0] in {"sqlalchemy", "flask"}
        or name.startswith(("webapp.models", "webapp.db", "webapp.extensions"))
        or (name.startswith("webapp.services") and name not in allowed)
    ]
    assert forbidden == []
