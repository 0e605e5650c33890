"""The REST API: one blueprint per group, registered from one list."""

from flask_smorest import Api

from webapp.api.device.routes import blp as device_blp
from webapp.api.devices.routes import blp as devices_blp
from webapp.api.organization.routes import blp as organization_blp
from webapp.api.provisioning.routes import blp as provisioning_blp

BLUEPRINTS = [organization_blp, provisioning_blp, devices_blp, device_blp]


def register(api: Api) -> None:
    for blp in BLUEPRINTS:
        api.register_blueprint(blp, url_prefix=f"/api{blp.url_prefix}")
