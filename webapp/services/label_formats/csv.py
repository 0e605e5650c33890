"""CSV labels for classification: ``sha256,label`` (or ``filename,label``), read and written.
Pure: bytes in, records out; rows in, bytes out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from webapp.errors import ValidationError
from webapp.services.label_formats.records import SHA256, LabeledImage, Parsed, Record, name_record

# The image key columns a header may name, in order of preference.
KEY_COLUMNS = ("sha256", "filename", "file_name", "file")


def parse_csv(data: bytes) -> Parsed:
    """``sha256,label`` (or ``filename,label``) with a header row; a headerless file is sha256,label.

    A file that cannot be read at all (not UTF-8, empty, no usable header) raises ValidationError; a row
    that cannot be read is an error of the result, and the other rows are still read.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The CSV is not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValidationError("The CSV is empty", "expected a header: sha256,label")
    header = [cell.strip().lower() for cell in rows[0]]
    if SHA256.match(header[0] if header else ""):
        key_col, label_col, start = 0, 1, 0
    else:
        keys = [c for c in KEY_COLUMNS if c in header]
        if not keys or "label" not in header:
            raise ValidationError("The CSV needs a header", "columns: sha256,label (or filename,label)")
        key_col, label_col, start = header.index(keys[0]), header.index("label"), 1
    by_hash = start == 0 or header[key_col] == "sha256"
    parsed = Parsed()
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        where = f"row {number}"
        if len(row) <= max(key_col, label_col):
            parsed.errors.append(f"{where}: expected {max(key_col, label_col) + 1} columns")
            continue
        key, label = row[key_col].strip(), row[label_col].strip()
        if not key or not label:
            parsed.errors.append(f"{where}: empty {'label' if key else 'image'}")
            continue
        if by_hash:
            if not SHA256.match(key.lower()):
                parsed.errors.append(f"{where}: {key!r} is not a sha256 (64 hex digits)")
                continue
            record = Record(where=where, sha256=key.lower())
        else:
            record = name_record(where, key)
        record.label = label
        parsed.records.append(record)
    return parsed


def csv_chunks(chunks: Iterable[Sequence[LabeledImage]]) -> Iterator[bytes]:
    """The header, then one ``sha256,label`` line per image, a piece of the file per chunk of images."""
    yield b"sha256,label\r\n"
    for rows in chunks:
        out = io.StringIO()
        csv.writer(out).writerows((row.sha256, row.label) for row in rows)
        yield out.getvalue().encode()
