"""Routes of the devices API."""

from typing import Any

from flask.views import MethodView

from webapp.api.devices.schemas import (
    CheckinQueryArgsSchema,
    CheckinSchema,
    DeviceProvisionedSchema,
    DeviceProvisionSchema,
    DeviceQueryArgsSchema,
    DeviceSchema,
    DeviceUpdateSchema,
)
from webapp.api.envelope import Blueprint
from webapp.auth import ANY_ROLE, MANAGERS, current_org, user_required
from webapp.extensions import db
from webapp.services import checkins, devices

blp = Blueprint("devices", __name__, url_prefix="/devices", description="The device fleet")


@blp.route("/provision")
class Provision(MethodView):
    @blp.arguments(DeviceProvisionSchema)
    @blp.response(201, DeviceProvisionedSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="provisionDevice")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Provision a device with a provisioning token (public); its key is shown once."""
        device, api_key = devices.provision(db.session, **body)
        return {"device": device, "api_key": api_key}


@blp.route("")
class Devices(MethodView):
    @user_required(ANY_ROLE)
    @blp.arguments(DeviceQueryArgsSchema, location="query")
    @blp.response(200, DeviceSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listDevices")
    def get(self, args: dict[str, Any]) -> Any:
        """List the organization's devices."""
        return devices.list_(db.session, current_org().id, **args)


@blp.route("/<int:device_id>")
class DeviceById(MethodView):
    @user_required(ANY_ROLE)
    @blp.response(200, DeviceSchema)
    @blp.doc(operationId="getDevice")
    def get(self, device_id: int) -> Any:
        """Get one device."""
        return devices.get(db.session, current_org().id, device_id)

    @user_required(MANAGERS)
    @blp.arguments(DeviceUpdateSchema)
    @blp.response(200, DeviceSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="updateDevice")
    def patch(self, changes: dict[str, Any], device_id: int) -> Any:
        """Rename a device, move it to a project, assign it a model export, or disable it."""
        return devices.update(db.session, current_org().id, device_id, changes)

    @user_required(MANAGERS)
    @blp.response(204)
    @blp.doc(operationId="deleteDevice")
    def delete(self, device_id: int) -> None:
        """Delete a device; its key stops working at once."""
        devices.delete(db.session, current_org().id, device_id)


@blp.route("/<int:device_id>/checkins")
class DeviceCheckins(MethodView):
    @user_required(ANY_ROLE)
    @blp.arguments(CheckinQueryArgsSchema, location="query")
    @blp.response(200, CheckinSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listDeviceCheckins")
    def get(self, args: dict[str, Any], device_id: int) -> Any:
        """List a device's check-ins, newest first."""
        return checkins.list_(db.session, current_org().id, device_id, **args)
