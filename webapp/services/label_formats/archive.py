"""Zip archives of label files: read safely (sizes checked before a byte is inflated, a damaged member
refuses the file) and written as a stream. Pure: no database."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from webapp.errors import ValidationError

# Label files are small text; an archive expanding past these is refused unread.
MAX_MEMBER_BYTES = 1 << 20
MAX_ARCHIVE_BYTES = 512 << 20


def open_archive(data: bytes, what: str) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The archive and its files (no directories); ``what`` names the labels in the refusals."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationError(f"{what} come as a zip", "the file is not a zip archive") from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if sum(m.file_size for m in members) > MAX_ARCHIVE_BYTES or any(
        m.file_size > MAX_MEMBER_BYTES for m in members
    ):
        raise ValidationError("The archive is too large", f"label files are at most {MAX_MEMBER_BYTES} bytes")
    return archive, members


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes; a damaged, encrypted or oddly compressed one refuses the whole file."""
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ValidationError("The zip archive is damaged", f"{member.filename}: {exc}") from None


class Pipe(io.RawIOBase):
    """A write-only, unseekable sink whose bytes are drained after each zip member.

    zipfile writes data descriptors to an unseekable sink, so no member needs to be held back: a zip
    written to a Pipe streams.
    """

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out
