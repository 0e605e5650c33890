"""The quick JPEG check, and the PNG check that never makes the frame, give the same verdicts as decoding
the whole file, damaged files included."""

from __future__ import annotations

import io
import random
import struct
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from webapp.errors import ValidationError
from webapp.services.image_check import ImageInfo, decode_check, inspect_image, single_scan_layout

# Image checks, no database: the PostgreSQL pass of scripts/test.sh skips it.
pytestmark = pytest.mark.database_independent

MAX_PIXELS = 50_000_000


def _photo(mode: str, size: tuple[int, int] = (320, 240), seed: int = 0) -> Image.Image:
    """Gradients plus noise: a scan of several KB, far longer than the part the quick check decodes."""
    rng = np.random.default_rng(seed)
    w, h = size
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 / w, y * 255 / h, (x + y) * 127 / (w + h)], -1)
    pixels = np.clip(base + rng.normal(0, 30, (h, w, 3)), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels).convert(mode)


def _jpeg(mode: str = "RGB", **save: object) -> bytes:
    out = io.BytesIO()
    _photo(mode).save(out, "JPEG", **save)
    return out.getvalue()


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Acusight camera"  # Make
    exif[0x0112] = 6  # Orientation
    return exif


# Layouts the quick path takes (True) and ones it leaves to the whole decode (False).
SAMPLES: dict[str, tuple[Callable[[], bytes], bool]] = {
    "baseline-420": (lambda: _jpeg(quality=90), True),
    "baseline-444": (lambda: _jpeg(quality=85, subsampling=0), True),
    "grayscale": (lambda: _jpeg("L", quality=90), True),
    "optimized-tables": (lambda: _jpeg(quality=80, optimize=True), True),
    "restart-markers": (lambda: _jpeg(quality=90, restart_marker_blocks=4), True),
    "cmyk": (lambda: _jpeg("CMYK", quality=90), True),
    "exif": (lambda: _jpeg(quality=90, exif=_exif()), True),
    "progressive": (lambda: _jpeg(quality=90, progressive=True), False),
}


def quick(data: bytes, max_pixels: int) -> ImageInfo:
    """The check an upload runs: on a file (mapped, quick path where the layout allows)."""
    with tempfile.NamedTemporaryFile(suffix=".part") as f:
        f.write(data)
        f.flush()
        return inspect_image(Path(f.name), max_pixels)


def whole(data: bytes, max_pixels: int) -> ImageInfo:
    """The whole decode, what every upload ran before the quick path."""
    return decode_check(io.BytesIO(data), max_pixels)


def _verdict(check: Callable[[bytes, int], ImageInfo], data: bytes) -> ImageInfo | str:
    try:
        return check(data, MAX_PIXELS)
    except ValidationError as exc:
        return exc.message


@pytest.mark.parametrize("name", SAMPLES)
def test_layout_of_each_kind_of_jpeg(name: str) -> None:
    make, quick_layout = SAMPLES[name]
    data = make()
    layout = single_scan_layout(data)
    assert (layout is not None) == quick_layout
    if layout is not None:
        sos_end, eoi = layout
        assert data[eoi : eoi + 2] == b"\xff\xd9" and eoi == len(data) - 2
        assert eoi - sos_end > 4 * 2048  # the quick path decodes only a small part of this scan
    assert _verdict(quick, data) == _verdict(whole, data) == ImageInfo("jpeg", 320, 240)


def test_bytes_after_the_end_marker_are_allowed_as_libjpeg_allows_them() -> None:
    data = _jpeg() + b"camera trailer \xff\xd8\xff\xe1 not an image"
    assert single_scan_layout(data) is not None
    assert _verdict(quick, data) == _verdict(whole, data) == ImageInfo("jpeg", 320, 240)


def test_a_scan_without_its_end_marker_is_left_to_the_whole_decode_and_refused() -> None:
    data = _jpeg()
    for cut in (len(data) - 1, len(data) - 2, len(data) - 500, 2000):
        assert single_scan_layout(data[:cut]) is None
        assert _verdict(quick, data[:cut]) == "File is not a valid JPEG, PNG or WebP image"


def test_a_broken_huffman_table_is_refused_by_the_quick_path() -> None:
    data = bytearray(_jpeg())
    dht = data.index(b"\xff\xc4")
    data[dht + 5 : dht + 21] = bytes([0xFF] * 16)  # 16 code-length counts of 255: an impossible table
    assert single_scan_layout(bytes(data)) is not None
    assert _verdict(quick, bytes(data)) == "File is not a valid JPEG, PNG or WebP image"


def _mutations(data: bytes, rng: random.Random) -> list[bytes]:
    """Damaged copies, weighted towards the headers and the start of the scan, where the quick path
    and the whole decode could disagree."""
    layout = single_scan_layout(data)
    head = layout[0] + 64 if layout else 700
    out = []
    for _ in range(60):
        where = rng.randrange(head) if rng.random() < 0.5 else rng.randrange(len(data))
        kind = rng.randrange(8)
        b = bytearray(data)
        if kind == 0:
            b[where] = rng.randrange(256)
        elif kind == 1:
            b[where] ^= 1 << rng.randrange(8)
        elif kind == 2:
            del b[where : where + rng.randrange(1, 64)]
        elif kind == 3:
            b[where:where] = rng.randbytes(rng.randrange(1, 16))
        elif kind == 4:
            b = b[:where]
        elif kind == 5:  # a marker appears in the scan data
            b[where : where + 2] = bytes([0xFF, rng.choice([0xD9, 0xDA, 0xC4, 0xD8, 0xDB, 0xDD, 0xD3, 0x01])])
        elif kind == 6:  # a segment length off by a little
            marker = data.find(b"\xff", rng.randrange(2, head))
            if 0 <= marker < len(b) - 4:
                b[marker + 3] = (b[marker + 3] + rng.choice([-2, -1, 1, 2, 64])) % 256
        else:  # the end marker damaged or dropped, trailing data added
            b = b[:-2] + rng.choice([b"", b"\xff", b"\xff\x00", b"\xff\xd8", rng.randbytes(8)])
        out.append(bytes(b))
    return out


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the EXIF it cannot read
@pytest.mark.parametrize("name", SAMPLES)
def test_damaged_jpegs_get_the_verdict_of_the_whole_decode(name: str) -> None:
    data = SAMPLES[name][0]()
    rng = random.Random(f"image-check-{name}")
    disagreements = []
    quick_taken = refused = 0
    for damaged in [m for _ in range(5) for m in _mutations(data, rng)]:
        fast, slow = _verdict(quick, damaged), _verdict(whole, damaged)
        quick_taken += single_scan_layout(damaged) is not None
        refused += isinstance(slow, str)
        if fast != slow:
            disagreements.append((damaged, fast, slow))
    assert not disagreements, disagreements[:3]
    # The comparison means something only if both paths and both verdicts were exercised.
    assert refused >= 10 and (quick_taken >= 100 or not SAMPLES[name][1])


def test_pixel_limit_is_applied_on_the_quick_path() -> None:
    data = _jpeg()
    assert single_scan_layout(data) is not None
    assert _verdict(lambda d, _limit: quick(d, 320 * 240 - 1), data) == "Image has too many pixels"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_other_formats_are_decoded_whole(fmt: str) -> None:
    out = io.BytesIO()
    _photo("RGB", (64, 48)).save(out, fmt)
    data = out.getvalue()
    assert single_scan_layout(data) is None
    assert _verdict(quick, data) == ImageInfo(fmt.lower(), 64, 48)
    assert _verdict(quick, data[:-20]) == "File is not a valid JPEG, PNG or WebP image"


def test_an_empty_file_is_not_an_image() -> None:
    assert _verdict(quick, b"") == _verdict(whole, b"") == "File is not a valid JPEG, PNG or WebP image"


# --- PNG: the data is inflated piece by piece, never made into a frame ------------------------------


def whole_png(data: bytes, max_pixels: int) -> ImageInfo:
    """What every PNG upload ran before: Pillow verifies the chunks, then decodes the whole frame."""
    from webapp.services.image_check import _DECODE_ERRORS

    try:
        with Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP"]) as im:
            fmt, (width, height) = str(im.format), im.size
            if width * height > max_pixels:
                raise ValidationError("Image has too many pixels", "")
            im.verify()
        with Image.open(io.BytesIO(data), formats=[fmt]) as im:
            im.load()
    except Image.DecompressionBombError as exc:
        raise ValidationError("Image has too many pixels", str(exc)) from exc
    except _DECODE_ERRORS as exc:
        raise ValidationError("File is not a valid JPEG, PNG or WebP image", str(exc)) from exc
    return ImageInfo(fmt.lower(), width, height)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


@dataclass
class Png:
    """A PNG written by hand, so that its parts can be damaged one at a time: ``rows`` are the
    filtered rows (filter byte first) in the order the decoder takes them."""

    width: int
    height: int
    depth: int
    color: int
    rows: list[bytes]
    interlace: int = 0
    before: list[bytes] = field(default_factory=list)  # chunks between IHDR and the data
    after: list[bytes] = field(default_factory=list)  # chunks between the data and IEND
    idat_bytes: int = 1 << 20

    def stream(self) -> bytes:
        return zlib.compress(b"".join(self.rows))

    def idats(self, stream: bytes | None = None) -> list[bytes]:
        stream = self.stream() if stream is None else stream
        step = self.idat_bytes
        return [_chunk(b"IDAT", stream[i : i + step]) for i in range(0, len(stream), step)]

    def encode(self, idats: list[bytes] | None = None) -> bytes:
        header = struct.pack(
            ">IIBBBBB", self.width, self.height, self.depth, self.color, 0, 0, self.interlace
        )
        return b"".join(
            [b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), *self.before]
            + (self.idats() if idats is None else idats)
            + [*self.after, _chunk(b"IEND", b"")]
        )


_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _png(
    width: int, height: int, depth: int = 8, color: int = 2, interlace: int = 0, seed: int = 0, **kw: Any
) -> Png:
    """Noise, with every filter type used; sub-byte depths packed as PNG packs them."""
    rng = np.random.default_rng(seed)
    channels = _PNG_CHANNELS[color]
    levels = 1 << min(depth, 8)
    pixels = rng.integers(0, levels, (height, width, channels), dtype=np.uint16)
    if depth == 16:
        pixels = rng.integers(0, 1 << 16, (height, width, channels), dtype=np.uint16)
    passes = [(0, 0, 1, 1)] if not interlace else [(c, r, cs, rs) for c, r, cs, rs in _ADAM7_PASSES]
    rows = []
    for col0, row0, col_step, row_step in passes:
        part = pixels[row0::row_step, col0::col_step]
        if part.size == 0:
            continue
        for i, row in enumerate(part):
            if depth == 16:
                raw = row.astype(">u2").tobytes()
            elif depth == 8:
                raw = row.astype(np.uint8).tobytes()
            else:
                bits = np.unpackbits(row.astype(np.uint8).reshape(-1, 1), axis=1)[:, 8 - depth :]
                raw = np.packbits(bits.reshape(-1)).tobytes()
            rows.append(bytes([i % 5]) + raw)  # filter types 0-4 all appear; any bytes are valid data
    return Png(width, height, depth, color, rows, interlace, **kw)


_ADAM7_PASSES = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)
_PALETTE = _chunk(b"PLTE", bytes(range(48)))

PNG_SAMPLES: dict[str, Callable[[], Png]] = {
    "rgb": lambda: _png(40, 30),
    "rgba-16bit": lambda: _png(17, 9, depth=16, color=6),
    "gray-1bit": lambda: _png(37, 11, depth=1, color=0),
    "palette-4bit": lambda: _png(21, 13, depth=4, color=3, before=[_PALETTE]),
    "gray-alpha": lambda: _png(12, 12, color=4),
    "interlaced": lambda: _png(37, 29, interlace=1),
    "interlaced-tiny": lambda: _png(3, 2, color=0, interlace=1),
    "many-chunks": lambda: _png(40, 30, idat_bytes=300, after=[_chunk(b"tEXt", b"k\x00v")]),
    "text-after": lambda: _png(20, 20, after=[_chunk(b"zTXt", b"k\x00\x00" + zlib.compress(b"x" * 50))]),
}


def _png_mutations(png: Png, rng: random.Random) -> list[bytes]:
    """Damaged copies: bytes changed anywhere (most break a chunk's CRC), and damage behind valid
    CRCs, to the data stream, the rows and the chunks, which only decoding the data can find."""
    data = png.encode()
    stream = png.stream()
    out = []
    for _ in range(12):
        b = bytearray(data)
        where = rng.randrange(len(b))
        b[where] ^= 1 << rng.randrange(8)
        out.append(bytes(b))
        out.append(data[: rng.randrange(len(data))])
    for _ in range(12):  # the data stream damaged, the chunks' CRCs made right
        s = bytearray(stream)
        where = rng.randrange(len(s))
        kind = rng.randrange(3)
        if kind == 0:
            s[where] = rng.randrange(256)
        elif kind == 1:
            del s[where : where + rng.randrange(1, 8)]
        else:
            s[where:where] = rng.randbytes(rng.randrange(1, 8))
        out.append(png.encode(png.idats(bytes(s))))
    rows = list(png.rows)
    bad = rng.randrange(len(rows))
    for filter_type in (5, 255):
        damaged = [*rows]
        damaged[bad] = bytes([filter_type]) + rows[bad][1:]
        out.append(png.encode(png.idats(zlib.compress(b"".join(damaged)))))
    joined = b"".join(rows)
    cut = rng.randrange(1, len(rows))
    out += [
        png.encode(png.idats(zlib.compress(b"".join(rows[:cut])))),  # ends at the end of a row
        png.encode(png.idats(zlib.compress(joined[:-3]))),  # ends mid-row
        png.encode(png.idats(zlib.compress(b""))),  # no rows at all
        png.encode(png.idats(zlib.compress(joined + rows[-1]))),  # a row too many
        png.encode(png.idats(stream[:-4] + bytes(4))),  # a wrong checksum at the end of the stream
        png.encode(png.idats(stream[:-4])),  # no checksum
        png.encode(png.idats()[:1]),  # the first data chunk only
        png.encode([_chunk(b"IDAT", b""), *png.idats()]),  # an empty data chunk first
        png.encode([*png.idats(), _chunk(b"IDAT", zlib.compress(b"\x00" * 10))]),  # more data after the end
        png.encode([]),  # no data chunk
    ]
    idats = png.idats()
    if len(idats) > 2:
        drop = rng.randrange(len(idats))
        out.append(png.encode(idats[:drop] + idats[drop + 1 :]))
        out.append(png.encode([*idats[:drop], _chunk(b"tEXt", b"a\x00b"), *idats[drop:]]))
    return out


def png_quick(data: bytes, max_pixels: int) -> ImageInfo:
    return quick(data, max_pixels)


@pytest.mark.parametrize("name", PNG_SAMPLES)
def test_damaged_pngs_get_the_verdict_of_the_whole_decode(name: str) -> None:
    png = PNG_SAMPLES[name]()
    assert (
        _verdict(png_quick, png.encode())
        == _verdict(whole_png, png.encode())
        == ImageInfo("png", png.width, png.height)
    )
    rng = random.Random(f"png-check-{name}")
    disagreements = []
    refused = 0
    damaged_files = [m for _ in range(4) for m in _png_mutations(png, rng)]
    for damaged in damaged_files:
        fast, slow = _verdict(png_quick, damaged), _verdict(whole_png, damaged)
        refused += isinstance(slow, str)
        if fast != slow:
            disagreements.append((damaged, fast, slow))
    assert not disagreements, [(f, s) for _, f, s in disagreements[:5]]
    assert refused >= 40 and len(damaged_files) - refused >= 4  # both verdicts were exercised


def test_pngs_pillow_writes_are_accepted() -> None:
    for mode in ("1", "L", "P", "RGB", "RGBA", "LA", "I;16"):
        out = io.BytesIO()
        _photo("RGB", (33, 17)).convert(mode).save(out, "PNG")
        assert _verdict(png_quick, out.getvalue()) == ImageInfo("png", 33, 17), mode
