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

A PNG is never decoded into a frame: a 182 KB PNG may declare 64 MP, 256 MB once decoded, and eight
such uploads at once took a worker from 0.47 to 2.34 GB (docs/benchmarks.md). Pillow parses its
chunks and checks every CRC, then its image data is inflated in pieces of at most 1 MB, each row's
filter type checked, as far as Pillow's decoder would go, with Pillow's own reader of the data chunks
and of the chunks after them (tests/webapp/test_image_check.py compares the verdicts with a whole
decode on damaged PNGs). WebP, and JPEGs off the quick path, are decoded within the server's decode
budget (:mod:`webapp.services.decode_budget`).
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
from PIL import PngImagePlugin, UnidentifiedImageError

from webapp.errors import ValidationError
from webapp.services import decode_budget

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

# Bits per pixel of each raw mode Pillow reads PNG image data in (PNG spec, table 11.1).
_PNG_RAWMODE_BITS = {
    "1": 1,
    "L;2": 2,
    "L;4": 4,
    "L": 8,
    "I;16B": 16,
    "RGB": 24,
    "RGB;16B": 48,
    "P;1": 1,
    "P;2": 2,
    "P;4": 4,
    "P": 8,
    "LA": 16,
    "LA;16B": 32,
    "RGBA": 32,
    "RGBA;16B": 64,
}
# Adam7 passes as Pillow's decoder walks them: first column and row, column and row steps.
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
# The most image data inflated at once while a PNG is checked.
_PNG_PIECE_BYTES = 1024 * 1024
# What WebP decoding holds per pixel at its peak: libwebp's canvas, the frame it hands over, and
# Pillow's image, 4 bytes a pixel each.
_WEBP_BYTES_PER_PIXEL = 12


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def inspect_image(path: Path, max_pixels: int) -> ImageInfo:
    """Format and size of a JPEG, PNG or WebP judged by its content; refuses anything else, and bombs.

    Truncated and corrupt images are refused too: WebP is decoded whole, PNG and JPEG are checked as
    the module's docstring says. The file is mapped, not read into memory.
    """
    with open(path, "rb") as f:
        head = _single_scan_head(f)
        if head is None:
            return decode_check(f, max_pixels)
        return decode_check(io.BytesIO(head), max_pixels, single_scan=True)


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


def decode_check(fp: BinaryIO, max_pixels: int, *, single_scan: bool = False) -> ImageInfo:
    """Format and size of the image in ``fp`` (seekable), decoded whole (a JPEG at 1/8 scale, a PNG
    inflated piece by piece); refuses what Pillow refuses.

    ``single_scan``: ``fp`` is a JPEG of one sequential scan, which libjpeg decodes a row of blocks at
    a time; any other JPEG is taken to need its whole coefficient buffer, and is decoded within the
    decode budget, as WebP is.
    """
    decode_budget.before_decoding()
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
                cost = 0 if single_scan else jpeg_coefficient_bytes(im)
                # libjpeg decodes at 1/8 scale at about half the cost; it still reads every coded byte.
                im.draft(None, ((width + 7) // 8, (height + 7) // 8))
                cost += im.width * im.height * 4
                with decode_budget.reserve(cost, "JPEG"):
                    im.load()
            else:
                # PNG chunk CRCs are only checked by verify(), which leaves the image unusable: reopen.
                im.verify()
        if pil_format == "PNG":
            fp.seek(0)
            with PILImage.open(fp, formats=["PNG"]) as im:
                assert isinstance(im, PngImagePlugin.PngImageFile)
                check_png_data(im)
        elif pil_format != "JPEG":
            fp.seek(0)
            with (
                decode_budget.reserve(width * height * _WEBP_BYTES_PER_PIXEL, pil_format),
                PILImage.open(fp, formats=[pil_format]) as im,
            ):
                im.load()
    except PILImage.DecompressionBombError as exc:
        raise ValidationError("Image has too many pixels", str(exc)) from exc
    except UnidentifiedImageError as exc:
        # Pillow's message names the file it read: a path of the server's staging area.
        raise ValidationError(
            "File is not a valid JPEG, PNG or WebP image", "its content is none of these formats"
        ) from exc
    except _DECODE_ERRORS as exc:
        raise ValidationError("File is not a valid JPEG, PNG or WebP image", _decode_reason(exc)) from exc
    return ImageInfo(ACCEPTED_FORMATS[pil_format], width, height)


def _decode_reason(exc: BaseException) -> str:
    """Pillow's words for what is wrong with the data ("image file is truncated"); not an operating
    system error's, which names the server's file it read."""
    if isinstance(exc, OSError) and (exc.errno is not None or exc.filename is not None):
        return "the file could not be read to the end"
    return str(exc)


def jpeg_coefficient_bytes(im: PILImage.Image, size: tuple[int, int] | None = None) -> int:
    """What libjpeg holds for a JPEG it must buffer whole (progressive, or several scans): a 16-bit
    coefficient for every sample of every component, at each component's sampling. ``size``: the
    image's full size, when a draft has made ``im.size`` smaller."""
    layers = getattr(im, "layer", None) or [("", 1, 1, 0)] * len(im.getbands())
    h_max = max(h for _, h, _, _ in layers) or 1
    v_max = max(v for _, _, v, _ in layers) or 1
    width, height = size or im.size
    return sum(
        2 * (-(-width * h // (8 * h_max)) * 8) * (-(-height * v // (8 * v_max)) * 8) for _, h, v, _ in layers
    )


class _PngRows:
    """The rows of a PNG's inflated image data, as Pillow's decoder takes them: inflated a piece at
    a time, each row's filter type checked, done when every row is there."""

    def __init__(self, width: int, height: int, bits: int, interlaced: bool) -> None:
        # (start, end, stride) of each pass in the inflated data; one pass unless interlaced.
        self.passes: list[tuple[int, int, int]] = []
        start = 0
        for col0, row0, col_step, row_step in _ADAM7 if interlaced else ((0, 0, 1, 1),):
            columns = (width - col0 + col_step - 1) // col_step
            rows = (height - row0 + row_step - 1) // row_step
            if columns <= 0 or rows <= 0:
                continue  # Pillow's decoder skips an empty pass, filter bytes and all
            stride = 1 + (columns * bits + 7) // 8
            self.passes.append((start, start + rows * stride, stride))
            start += rows * stride
        self.total = start
        self.inflated = 0
        self.done = False
        self._zlib = zlib.decompressobj()

    def feed(self, data: bytes) -> None:
        while data and not self.done:
            out = self._zlib.decompress(data, min(self.total - self.inflated, _PNG_PIECE_BYTES))
            data = self._zlib.unconsumed_tail
            self._check_filters(out)
            self.inflated += len(out)
            if self.inflated >= self.total:
                self.done = True
            elif self._zlib.eof:
                # The data ends before the image. Pillow's decoder accepts that at the end of a row
                # (leaving the other rows black); mid-row it reads on until the data chunks end.
                self.done = self.inflated > 0 and self._at_row_end()
                return
            elif not out:
                return

    def _at_row_end(self) -> bool:
        return any(
            start <= self.inflated <= end and (self.inflated - start) % stride == 0
            for start, end, stride in self.passes
        )

    def _check_filters(self, out: bytes) -> None:
        lo, hi = self.inflated, self.inflated + len(out)
        for start, end, stride in self.passes:
            first = max(lo, start)
            last = min(hi, end)
            if first >= last:
                continue
            first += (start - first) % stride  # the first row start at or after ``first``
            if first < last and max(out[first - lo : last - lo : stride]) > 4:
                raise OSError("unknown PNG filter type")


def check_png_data(im: PngImagePlugin.PngImageFile) -> None:
    """Read a just-opened PNG's image data as :meth:`PIL.ImageFile.ImageFile.load` would, without
    making its frame: Pillow's reader goes through the data chunks (IDAT, and fdAT in an APNG) and
    the chunks after them; :class:`_PngRows` stands in for the decoder.
    """
    if len(im.tile) != 1 or im.tile[0][0] != "zip":
        raise OSError("unexpected PNG layout")
    _, _, offset, rawmode = im.tile[0]
    bits = _PNG_RAWMODE_BITS.get(rawmode if isinstance(rawmode, str) else "")
    if bits is None:
        raise OSError(f"unexpected PNG raw mode {rawmode!r}")
    rows = _PngRows(im.width, im.height, bits, bool(im.info.get("interlace")))
    # load_prepare() makes the frame unless the image has one: a 1x1 stand-in (which also takes the
    # palette, and so checks it as a whole decode does).
    im.im = PILImage.core.new(im.mode, (1, 1))
    im.load_prepare()
    assert im.fp is not None
    im.fp.seek(offset)
    while not rows.done:
        try:
            data = im.load_read(im.decodermaxblock)
        except (IndexError, struct.error) as exc:
            raise OSError("image file is truncated") from exc
        if not data:
            raise OSError("image file is truncated")
        rows.feed(data)
    im.tile = []
    im.load_end()


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
