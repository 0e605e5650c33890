"""Acusight's web application: the REST API that is the platform's system of record."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response
from sqlalchemy.exc import IntegrityError

from webapp import console, oidc, ratelimit, security, storage, unit_of_work
from webapp.api import docs_assets
from webapp.api import register as register_api
from webapp.api.benchmark import register as register_benchmark_endpoints
from webapp.api.envelope import error_response, handle_app_error
from webapp.api.fields import IdConverter
from webapp.auth import BEARER_SCHEME, DEVICE_KEY_HEADER, DEVICE_SCHEME
from webapp.errors import AppError
from webapp.extensions import api, db, jwt
from webapp.integrations import audit as audit_capture
from webapp.integrations.label_studio import subscribers as label_studio_subscribers
from webapp.integrations.webhooks import outbox as webhook_outbox
from webapp.settings import SETTINGS_EXTENSION, Settings

log = logging.getLogger(__name__)

# Multipart framing and form fields around an upload: allowed on top of the file size limit.
UPLOAD_OVERHEAD_BYTES = 64 * 1024
# Any one text field of a form (the largest: a training job's metrics, 1,000,000 characters), and the
# number of parts (fields and files) in one multipart body.
MAX_FORM_FIELD_BYTES = 1024 * 1024
MAX_FORM_PARTS = 100


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ACUSIGHT_* from the environment, then ``config`` (tests)."""
    settings = Settings.from_env(config)
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    # An API only: no static folder, so no /static route serving files from the package. Each request
    # is one unit of work: committed when its view succeeds, rolled back otherwise.
    app = unit_of_work.UnitOfWorkFlask(__name__, static_folder=None)
    # Multipart file parts stream straight into the blob store's staging area while they are hashed.
    app.request_class = storage.UploadRequest
    # Every <int:…> of a route is a record id, bounded by the id columns' range (before routes exist).
    app.url_map.converters["int"] = IdConverter
    app.config.update(
        SECRET_KEY=settings.secret_key,
        JWT_SECRET_KEY=settings.secret_key,
        JWT_ACCESS_TOKEN_EXPIRES=settings.access_token_expires,
        JWT_REFRESH_TOKEN_EXPIRES=settings.refresh_token_expires,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024 + UPLOAD_OVERHEAD_BYTES,
        # Multipart forms: file parts stream to disk; the few text fields are small, and so is their number.
        MAX_FORM_MEMORY_SIZE=MAX_FORM_FIELD_BYTES,
        MAX_FORM_PARTS=MAX_FORM_PARTS,
        API_TITLE="Acusight API",
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=docs_assets.ASSETS_URL,
        API_SPEC_OPTIONS={
            "info": {"description": "Devices, data and models of an Acusight organization."},
        },
    )
    app.extensions[SETTINGS_EXTENSION] = settings
    storage.init_app(app, settings)

    db.init_app(app, settings.database_url, echo=settings.sql_echo)
    unit_of_work.init_app(app)
    jwt.init_app(app)
    oidc.init_app(app, settings)
    api.init_app(app)
    api.spec.components.security_scheme(
        BEARER_SCHEME, {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    api.spec.components.security_scheme(
        DEVICE_SCHEME, {"type": "apiKey", "in": "header", "name": DEVICE_KEY_HEADER}
    )
    register_api(api)
    # Integrations follow the core's signals (webapp/services/events.py); the core knows none of them.
    label_studio_subscribers.subscribe()
    webhook_outbox.subscribe()
    # Every change through the ORM is audited in its own transaction (webapp/integrations/audit).
    audit_capture.init_app(app)
    docs_assets.register(app)
    console.register(app)
    if settings.benchmark_endpoints:
        register_benchmark_endpoints(app)

    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(IntegrityError, _handle_integrity_error)
    security.init_app(app, settings.proxy_hops)
    ratelimit.init_app(app, settings)
    return app


def _handle_integrity_error(error: IntegrityError) -> tuple[Response, int]:
    db.session.rollback()
    log.info("integrity error turned into 409: %s", error.orig)
    return error_response(409, "Resource already exists or conflicts with another")
