"""Routes of the users API (admins)."""

from typing import Any

from flask.views import MethodView

from webapp.api.envelope import Blueprint
from webapp.api.users.schemas import (
    DomainRuleSchema,
    InvitationCreateSchema,
    InvitationQueryArgsSchema,
    InvitationSchema,
    UserQueryArgsSchema,
    UserSchema,
    UserUpdateSchema,
)
from webapp.auth import ADMINS, current_org, current_user, user_required
from webapp.extensions import db
from webapp.services import accounts
from webapp.settings import get_settings

blp = Blueprint("users", __name__, url_prefix="/users", description="People of your organization (admins)")


@blp.route("")
class Users(MethodView):
    @user_required(ADMINS)
    @blp.arguments(UserQueryArgsSchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listUsers")
    def get(self, args: dict[str, Any]) -> Any:
        """List the organization's users."""
        return accounts.list_users(db.session, current_org().id, **args)


@blp.route("/<int:user_id>")
class UserById(MethodView):
    @user_required(ADMINS)
    @blp.response(200, UserSchema)
    @blp.doc(operationId="getUser")
    def get(self, user_id: int) -> Any:
        """Get one user."""
        return accounts.get_user(db.session, current_org().id, user_id)

    @user_required(ADMINS)
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="updateUser")
    def patch(self, changes: dict[str, Any], user_id: int) -> Any:
        """Change a user's role or name, or disable them (the last enabled admin stays one)."""
        return accounts.update_user(db.session, current_org().id, user_id, changes)

    @user_required(ADMINS)
    @blp.response(204)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="deleteUser")
    def delete(self, user_id: int) -> None:
        """Remove a user (not the last enabled admin); their tokens stop working at once."""
        accounts.delete_user(db.session, current_org().id, user_id)


@blp.route("/invitations")
class Invitations(MethodView):
    @user_required(ADMINS)
    @blp.arguments(InvitationQueryArgsSchema, location="query")
    @blp.response(200, InvitationSchema(many=True))
    @blp.paginated
    @blp.doc(operationId="listInvitations")
    def get(self, args: dict[str, Any]) -> Any:
        """List invitations, newest first."""
        return accounts.list_invitations(db.session, current_org().id, **args)

    @user_required(ADMINS)
    @blp.arguments(InvitationCreateSchema)
    @blp.response(201, InvitationSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createInvitation")
    def post(self, body: dict[str, Any]) -> Any:
        """Invite an email with a role; the person's first sign-in with that email joins."""
        days = body.get("expires_in_days") or get_settings().invitation_days
        return accounts.invite(
            db.session, current_org().id, body["email"], body["role"], current_user(), days
        )


@blp.route("/invitations/<int:invitation_id>")
class InvitationById(MethodView):
    @user_required(ADMINS)
    @blp.response(204)
    @blp.doc(operationId="revokeInvitation")
    def delete(self, invitation_id: int) -> None:
        """Revoke an invitation."""
        accounts.delete_invitation(db.session, current_org().id, invitation_id)


@blp.route("/domain-rules")
class DomainRules(MethodView):
    @user_required(ADMINS)
    @blp.response(200, DomainRuleSchema(many=True))
    @blp.doc(operationId="listDomainRules")
    def get(self) -> Any:
        """List the email domains whose people join this organization on first sign-in."""
        return [rule for rule, _ in accounts.list_domain_rules(db.session, current_org().id)]


@blp.route("/domain-rules/<int:rule_id>")
class DomainRuleById(MethodView):
    @user_required(ADMINS)
    @blp.response(204)
    @blp.doc(operationId="deleteDomainRule")
    def delete(self, rule_id: int) -> None:
        """Stop placing people of a domain here (the operator adds rules with the CLI)."""
        accounts.delete_domain_rule(db.session, current_org().id, rule_id)
