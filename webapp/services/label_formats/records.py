"""What the format parsers return (one record per image a label file describes, before it is matched
to an image of the project) and what the export writers read. Plain data, no database."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# A YOLO label file names its image by stem; these are the image files it may stand for.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif")


@dataclass(frozen=True)
class Box:
    """One box as the file states it: top-left corner and size, in pixels or in fractions of the image
    (the record's ``pixels`` says which)."""

    label: str
    x: float
    y: float
    width: float
    height: float

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "x": self.x, "y": self.y, "width": self.width, "height": self.height}


@dataclass
class Record:
    """One image's labels as a file states them, before matching.

    The image is named by ``sha256`` or, failing that, by the file ``names`` it may have (several for a
    YOLO stem). A classification record has a ``label``; a detection record has ``boxes`` (``[]``: no
    objects) and ``label`` None.
    """

    where: str
    sha256: str | None = None
    names: tuple[str, ...] = ()
    label: str | None = None
    boxes: list[Box] | None = None
    # COCO boxes are in pixels of this (width, height); None: the matched image's own size.
    pixel_size: tuple[float, float] | None = None
    pixels: bool = False

    @property
    def shown(self) -> str:
        return f"{self.where} ({self.sha256 or (self.names[0] if self.names else '?')})"


@dataclass
class Parsed:
    """A parsed label file: the records it states, and why each unreadable record is not one."""

    records: list[Record] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def name_record(where: str, name: str, *, stem: bool = False) -> Record:
    """A record naming its image by file name (or YOLO stem); a sha256 name is taken as the hash."""
    base = posixpath.basename(name.replace("\\", "/")).strip()
    root, suffix = posixpath.splitext(base)
    bare = base if stem else root
    if SHA256.match(bare.lower()) and (stem or suffix.lower() in IMAGE_SUFFIXES):
        return Record(where=where, sha256=bare.lower())
    if stem:
        names = (base, *(base + s for s in IMAGE_SUFFIXES), *(base + s.upper() for s in IMAGE_SUFFIXES))
        return Record(where=where, names=names)
    return Record(where=where, names=(base,))


class LabeledImage(Protocol):
    """What the export writers read of each labeled image (a query row has these columns)."""

    id: int
    sha256: str
    filename: str | None
    format: str
    width: int
    height: int
    label: str | None
    # Normalized boxes, as annotations store them: {label, x, y, width, height}.
    boxes: list[dict[str, Any]] | None
