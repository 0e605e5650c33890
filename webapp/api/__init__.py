"""The REST API: one blueprint per group, registered from one list."""

from flask_smorest import Api

from webapp.api.annotations.routes import blp as annotations_blp
from webapp.api.audit.routes import blp as audit_blp
from webapp.api.auth.routes import blp as auth_blp
from webapp.api.batches.routes import blp as batches_blp
from webapp.api.datasets.routes import blp as datasets_blp
from webapp.api.device.routes import blp as device_blp
from webapp.api.devices.routes import blp as devices_blp
from webapp.api.exports.routes import blp as exports_blp
from webapp.api.field.routes import blp as field_blp
from webapp.api.files.routes import blp as image_files_blp
from webapp.api.images.routes import blp as images_blp
from webapp.api.label_studio.routes import blp as label_studio_blp
from webapp.api.label_studio.routes import integration_blp as label_studio_integration_blp
from webapp.api.models.routes import blp as models_blp
from webapp.api.organization.routes import blp as organization_blp
from webapp.api.projects.routes import blp as projects_blp
from webapp.api.provisioning.routes import blp as provisioning_blp
from webapp.api.rollouts.routes import blp as rollouts_blp
from webapp.api.schedules.routes import blp as schedules_blp
from webapp.api.training.routes import blp as training_blp
from webapp.api.users.routes import blp as users_blp
from webapp.api.webhooks.routes import blp as webhooks_blp

BLUEPRINTS = [
    auth_blp,
    users_blp,
    organization_blp,
    provisioning_blp,
    devices_blp,
    device_blp,
    projects_blp,
    batches_blp,
    images_blp,
    image_files_blp,
    annotations_blp,
    datasets_blp,
    training_blp,
    models_blp,
    schedules_blp,
    label_studio_blp,
    label_studio_integration_blp,
    exports_blp,
    field_blp,
    rollouts_blp,
    webhooks_blp,
    audit_blp,
]


def register(api: Api) -> None:
    for blp in BLUEPRINTS:
        api.register_blueprint(blp, url_prefix=f"/api{blp.url_prefix}")
