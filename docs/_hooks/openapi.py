"""MkDocs hook: put the API's OpenAPI document into the site as ``api/openapi.json``.

The document is generated from the Flask app at build time (an app on a throwaway SQLite file), so the
reference never drifts from the code; docs/reference/api.md links it.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

OPENAPI_PATH = "reference/openapi.json"


def openapi_document() -> dict[str, Any]:
    from webapp import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"data_dir": Path(tmp), "database_url": f"sqlite:///{tmp}/openapi.db"})
        resp = app.test_client().get("/api/openapi.json")
        assert resp.status_code == 200, resp.status_code
        return resp.get_json()


def on_files(files: Files, config: Any) -> Files:
    content = json.dumps(openapi_document(), indent=2, sort_keys=True)
    files.append(File.generated(config, OPENAPI_PATH, content=content))
    return files
