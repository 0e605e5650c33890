"""Routes of the device API."""

from typing import Any

from flask.views import MethodView

from webapp.api.device.schemas import DeviceSelfSchema
from webapp.api.envelope import Blueprint
from webapp.auth import current_device, device_required

blp = Blueprint("device", __name__, url_prefix="/device", description="Calls a device makes")


@blp.route("/self")
class DeviceSelf(MethodView):
    @device_required
    @blp.response(200, DeviceSelfSchema)
    def get(self) -> Any:
        """Get the calling device's own record."""
        return current_device()
