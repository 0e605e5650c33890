"""The quick JPEG check gives the same verdicts as decoding the whole file, damaged files included."""

from __future__ import annotations

import io
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from webapp.errors import ValidationError
from webapp.services.image_check import ImageInfo, decode_check, inspect_image, single_scan_layout

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
