"""Label files people move between tools: COCO JSON and YOLO txt (zipped) for detection, CSV for
classification. Exports stream; imports match images by sha256 or file name and are all-or-nothing.

The format modules (``csv``, ``coco``, ``yolo``, with ``archive`` and ``records``) are pure: they read
a file (its bytes; for COCO, the JSON document) into :class:`Record` objects and write rows out as
bytes. ``exporting``, ``matching`` and ``importing`` are the service over the database.
"""

from webapp.services.label_formats.exporting import Export, export
from webapp.services.label_formats.formats import CONTENT_TYPES, EXTENSIONS, FORMATS
from webapp.services.label_formats.importing import ImportReport, import_labels
from webapp.services.label_formats.records import Box, Parsed, Record

__all__ = [
    "CONTENT_TYPES",
    "EXTENSIONS",
    "FORMATS",
    "Box",
    "Export",
    "ImportReport",
    "Parsed",
    "Record",
    "export",
    "import_labels",
]
