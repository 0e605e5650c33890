"""Routes of the organization API."""

from typing import Any

from flask.views import MethodView

from webapp.api.envelope import Blueprint
from webapp.api.organization.schemas import OrganizationSchema, OrganizationUpdateSchema
from webapp.auth import ADMINS, ANY_ROLE, current_org, user_required
from webapp.extensions import db
from webapp.services import organizations, quotas

blp = Blueprint("organization", __name__, url_prefix="/organization", description="Your organization")


@blp.route("")
class OrganizationView(MethodView):
    @user_required(ANY_ROLE)
    @blp.response(200, OrganizationSchema)
    @blp.doc(operationId="getOrganization")
    def get(self) -> dict[str, Any]:
        """Get the caller's organization, with counts."""
        org = current_org()
        return {**organizations.describe(db.session, org), "usage": quotas.report(db.session, org)}

    @user_required(ADMINS)
    @blp.arguments(OrganizationUpdateSchema)
    @blp.response(200, OrganizationSchema)
    @blp.doc(operationId="updateOrganization")
    def patch(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Update the caller's organization (admins)."""
        org = current_org()
        return {**organizations.update(db.session, org, changes), "usage": quotas.report(db.session, org)}
