"""Streaming tar archives: many blobs in one response, never assembled in memory or on disk."""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

BLOCK = tarfile.BLOCKSIZE
CHUNK = 1024 * 1024


def tar_stream(members: Iterable[str], open_member: Callable[[str], tuple[BinaryIO, int]]) -> Iterator[bytes]:
    """Yield a POSIX tar of ``members``; ``open_member(name)`` gives a readable file and its size."""
    for name in members:
        f, size = open_member(name)
        with f:
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = 0o644
            yield info.tobuf(format=tarfile.PAX_FORMAT)
            sent = 0
            while chunk := f.read(CHUNK):
                sent += len(chunk)
                yield chunk
            if sent != size:
                # The header promised `size` bytes: a short blob must fail loudly, not corrupt the tar.
                raise OSError(f"blob {name} changed size while streaming ({sent} != {size})")
            if size % BLOCK:
                yield b"\0" * (BLOCK - size % BLOCK)
    yield b"\0" * (2 * BLOCK)
