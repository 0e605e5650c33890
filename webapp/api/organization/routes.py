"""Routes of the organization API."""

from typing import Any

from flask.views import MethodView

from webapp.api.envelope import Blueprint
from webapp.api.organization.schemas import OrganizationSchema, OrganizationUpdateSchema
from webapp.auth import ADMINS, ANY_ROLE, current_org, user_required
from webapp.extensions import db
from webapp.services import organizations

blp = Blueprint("organization", __name__, url_prefix="/organization", description="Your organization")


@blp.route("")
class OrganizationView(MethodView):
    @user_required(ANY_ROLE)
    @blp.response(200, OrganizationSchema)
    def get(self) -> dict[str, Any]:
        """Get the caller's organization, with counts."""
        return organizations.describe(db.session, current_org())

    @user_required(ADMINS)
    @blp.arguments(OrganizationUpdateSchema)
    @blp.response(200, OrganizationSchema)
    def patch(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Update the caller's organization (admins)."""
        return organizations.update(db.session, current_org(), changes)
