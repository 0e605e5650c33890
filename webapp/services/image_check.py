"""Is an uploaded file really an image we accept? Format and size by content; damaged files refused.

A JPEG is checked in one of two ways, with the same verdicts (tests/webapp/test_image_check.py
compares them on thousands of damaged files):

- the common camera layout, one sequential Huffman-coded scan: its markers are walked to the end of
  the image, and libjpeg decodes the headers and the first few KB of the scan. libjpeg thereby
  checks every table and header the scan uses, and the walk checks that the scan is complete.
- anything else (progressive, several scans, arithmetic coding, a layout the walk does not follow):
  libjpeg decodes the whole file, at 1/8 scale.

A whole decode adds nothing to the first: libjpeg only warns about damaged entropy-coded data (a bad
Huffman code, an early end marker), and Pillow ignores warnings. It costs about 1.2 ms per 100 KB,
as much as the rest of an upload's own work; the walk and the partial decode cost about 0.25 ms.
"""

from __future__ import annotations

import io
import mmap
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from webapp.errors import ValidationError

# Pillow's name of each accepted format -> ours (stored on the image, and its content type).
ACCEPTED_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# What a damaged or hostile file can make Pillow raise while it is parsed and decoded.
_DECODE_ERRORS = (
    UnidentifiedImageError,
    PILImage.DecompressionBombError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    struct.error,
    zlib.error,
)

# JPEG markers (ITU T.81, table B.1).
_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_RST = range(0xD0, 0xD8)
_TEM = 0x01
# Start-of-frame markers; C4 (DHT), C8 (reserved) and CC (DAC) share the range.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_SEQUENTIAL_HUFFMAN_SOF = frozenset({0xC0, 0xC1})
# Inside entropy-coded data a 0xFF byte is followed by a stuffed zero, a restart marker, or (before a
# marker) more 0xFF fill bytes; anything else ends the scan.
_MARKER_IN_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# How much of the scan libjpeg decodes on the quick path: enough for the first rows of blocks, which
# makes it build (and so check) every Huffman table the scan uses.
_SCAN_PREFIX_BYTES = 2048


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def inspect_image(path: Path, max_pixels: int) -> ImageInfo:
    """Format and size of a JPEG, PNG or WebP judged by its content; refuses anything else, and bombs.

    Truncated and corrupt images are refused too: PNG and WebP are decoded whole (PNG chunk CRCs
    checked), JPEG as the module's docstring says. The file is mapped, not read into memory.
    """
    with open(path, "rb") as f:
        head = _single_scan_head(f)
        return decode_check(f if head is None else io.BytesIO(head), max_pixels)


def _single_scan_head(f: BinaryIO) -> bytes | None:
    """For a JPEG of the layout :func:`single_scan_layout` accepts: its headers and the start of its
    scan, closed with an end marker (what libjpeg decodes on the quick path). None for anything else."""
    try:
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError:  # an empty file cannot be mapped (nor is it an image)
        return None
    with data:
        layout = single_scan_layout(data)
        if layout is None:
            return None
        sos_end, eoi = layout
        return data[: min(sos_end + _SCAN_PREFIX_BYTES, eoi)] + b"\xff\xd9"


def decode_check(fp: BinaryIO, max_pixels: int) -> ImageInfo:
    """Format and size of the image in ``fp`` (seekable), decoded whole (a JPEG at 1/8 scale);
    refuses what Pillow refuses."""
    try:
        with PILImage.open(fp, formats=list(ACCEPTED_FORMATS)) as im:
            pil_format = str(im.format)
            width, height = im.size
            if width * height > max_pixels:
                raise ValidationError(
                    "Image has too many pixels",
                    f"{width}x{height} is over the limit of {max_pixels} pixels",
                )
            if pil_format == "JPEG":
                # libjpeg decodes at 1/8 scale at about half the cost; it still reads every coded byte.
                im.draft(None, ((width + 7) // 8, (height + 7) // 8))
                im.load()
            else:
                # PNG chunk CRCs are only checked by verify(), which leaves the image unusable: reopen.
                im.verify()
        if pil_format != "JPEG":
            fp.seek(0)
            with PILImage.open(fp, formats=[pil_format]) as im:
                im.load()
    except PILImage.DecompressionBombError as exc:
        raise ValidationError("Image has too many pixels", str(exc)) from exc
    except _DECODE_ERRORS as exc:
        raise ValidationError("File is not a valid JPEG, PNG or WebP image", str(exc)) from exc
    return ImageInfo(ACCEPTED_FORMATS[pil_format], width, height)


def single_scan_layout(data: bytes | mmap.mmap) -> tuple[int, int] | None:
    """For a JPEG made of header segments, one sequential Huffman-coded scan and the end marker (what
    cameras write): the offsets of the scan's first coded byte and of the end marker.

    None for anything else, including every damaged layout; the caller then decodes the whole file.
    Bytes after the end marker are allowed, as libjpeg allows them.
    """
    if data[:2] != b"\xff\xd8":
        return None
    size = len(data)
    pos = 2
    frame_seen = False
    while pos + 4 <= size:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # a fill byte before the marker
            pos += 1
            continue
        if marker in (_SOI, _EOI, _TEM) or marker in _RST:
            return None  # no segment belongs here: let libjpeg judge the file
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if end < pos + 4 or end > size:
            return None
        if marker in _SOF:
            if frame_seen or marker not in _SEQUENTIAL_HUFFMAN_SOF:
                return None
            frame_seen = True
        elif marker == _SOS:
            if not frame_seen:
                return None
            found = _MARKER_IN_SCAN.search(data, end)
            # Another scan, a DNL marker, or no end marker at all: not the quick layout.
            if found is None or data[found.start() + 1] != _EOI:
                return None
            return end, found.start()
        pos = end
    return None
