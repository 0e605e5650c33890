"""Moving bytes: streamed downloads to a path or a file object (sha256 checked when the API gives one),
and the multipart uploads people make.

A download to a path is written beside it and renamed into place once complete and verified, so a
path never holds half a file or one whose hash is wrong.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Union

import httpx

from acusight_sdk.errors import AcusightError
from acusight_sdk.http import Http

Destination = Union[str, "os.PathLike[str]", IO[bytes]]
Source = Union[str, "os.PathLike[str]", IO[bytes], bytes]
CHUNK = 1 << 16


class IntegrityError(AcusightError):
    """The bytes received do not have the SHA-256 the API announced (nothing was kept at the path)."""

    def __init__(self, what: str, expected: str, actual: str) -> None:
        super().__init__(f"{what}: sha256 {actual} received, {expected} expected")
        self.expected = expected
        self.actual = actual


def download(
    http: Http,
    path: str,
    dest: Destination,
    *,
    sha256: str | None = None,
    method: str = "GET",
    json: Any = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> str | None:
    """Stream ``path``'s answer into ``dest`` (a path, or a binary file object left open).

    Answers the hex SHA-256 of what was written, or None when the server answered 304 Not Modified
    (to an ``If-None-Match`` in ``headers``: ``dest`` is left as it was); raises
    :class:`IntegrityError` when ``sha256`` is given and differs (a partial file at a path is
    removed, the path keeps what it held), :class:`~acusight_sdk.errors.ApiError` for an error
    answer. A POST here only reads (an archive), so it is retried like a GET.
    """
    what = f"{method} {path}"
    with http.stream(method, path, json=json, headers=headers, idempotent=True, **(params or {})) as response:
        if response.status_code == 304:
            return None
        if not isinstance(dest, (str, os.PathLike)):
            return _receive(response, dest, sha256, what)
        target = Path(dest)
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
        try:
            with os.fdopen(fd, "wb") as out:
                digest = _receive(response, out, sha256, what)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        return digest


def _receive(response: httpx.Response, out: IO[bytes], expected: str | None, what: str) -> str:
    hasher = hashlib.sha256()
    for chunk in response.iter_bytes(CHUNK):
        hasher.update(chunk)
        out.write(chunk)
    digest = hasher.hexdigest()
    if expected and digest != expected.lower():
        raise IntegrityError(what, expected, digest)
    return digest


def file_part(source: Source, name: str | None = None) -> tuple[str, Any]:
    """``(filename, content)`` for httpx's ``files=``: a path is read whole (the uploads people make —
    label files — are small); bytes and file objects are sent as they are."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        return (name or path.name, path.read_bytes())
    if isinstance(source, bytes):
        return (name or "upload", source)
    return (name or Path(getattr(source, "name", "upload")).name, source)
