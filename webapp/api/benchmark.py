"""Bare endpoints that benchmarks measure against; registered only with ACUSIGHT_BENCHMARK_ENDPOINTS=1."""

from __future__ import annotations

import os
import tempfile

from flask import Flask, Response, jsonify, request

from webapp.settings import get_settings

_CHUNK = 64 * 1024


def register(app: Flask) -> None:
    app.add_url_rule("/api/_benchmark/sink", "benchmark_sink", _sink, methods=["POST"])


def _sink() -> tuple[Response, int]:
    """The ingest ceiling: read the body off the socket and write it to a file, nothing more.

    With ``?fsync=1`` the file is also flushed to stable storage, as an upload's blob is.
    """
    directory = get_settings().data_dir / "tmp"
    directory.mkdir(parents=True, exist_ok=True)
    size = 0
    with tempfile.NamedTemporaryFile(dir=directory, prefix="sink-") as f:
        while chunk := request.stream.read(_CHUNK):
            size += f.write(chunk)
        if request.args.get("fsync") == "1":
            f.flush()
            os.fsync(f.fileno())
    return jsonify({"success": True, "data": {"bytes": size}}), 201
