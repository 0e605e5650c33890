"""A streamed answer read as a file: for readers that want ``read()`` (``tarfile`` in ``r|`` mode, a
JSON decoder, ``shutil.copyfileobj``) while the body is still arriving."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx


class _RawStream(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._left:
            try:
                self._left = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n


def response_reader(response: httpx.Response, buffer_size: int = 1 << 20) -> io.BufferedReader:
    """A buffered, read-only file over the body of a response opened with ``stream=True`` (the body
    is decoded as the server's Content-Encoding says; nothing is held beyond one buffer)."""
    return io.BufferedReader(_RawStream(response.iter_bytes()), buffer_size)
