"""`acusight users`: people, their sign-in accounts and the email-domain rules."""

from __future__ import annotations

import click

from acusight.cli._accounts import ORG_HELP, accounts_session
from acusight.cli._datadir import DataDir, data_dir_option
from webapp.models import ROLES


@click.group()
def users() -> None:
    """People and their access."""


@users.command("create")
@click.argument("email")
@click.option("--org", "org_ref", required=True, help=ORG_HELP)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default=None, help="Display name")
@data_dir_option
def users_create(email: str, org_ref: str, role: str, name: str | None, data_dir: DataDir) -> None:
    """Create a user in an organization."""
    from webapp.services import organizations
    from webapp.services import users as users_service

    with accounts_session(data_dir) as session:
        org = organizations.find(session, org_ref)
        user = users_service.create(session, email, org.name, role, name)
        click.echo(f"created user {user.email} (id {user.id}, role {user.role}) in {org.name}")


@users.command("token")
@click.argument("email")
@data_dir_option
def users_token(email: str, data_dir: DataDir) -> None:
    """Print a signed access token for a user (the last line of the output).

    It is signed with the API's secret key (ACUSIGHT_SECRET_KEY, else <data dir>/secret_key); a data dir
    without a database, or a key the API did not start with, is refused (exit 2) rather than printing a
    token the API would refuse.
    """
    from webapp.auth import issue_access_token
    from webapp.services import users as users_service

    with accounts_session(data_dir, writes=False, signs=True) as session:
        user = users_service.by_email(session, email)
        if user.disabled:
            raise click.ClickException(f"user {user.email} is disabled")
        click.echo(issue_access_token(user))


@users.command("login-link")
@click.argument("email")
@click.option(
    "--minutes",
    default=15,
    show_default=True,
    type=click.IntRange(1, 24 * 60),
    help="How long the link works",
)
@click.option(
    "--url",
    "base_url",
    default=None,
    help="Where browsers reach the console [default: ACUSIGHT_PUBLIC_URL, else http://127.0.0.1:8080]",
)
@data_dir_option
def users_login_link(email: str, minutes: int, base_url: str | None, data_dir: DataDir) -> None:
    """Print a one-time sign-in link to the web console for a user (the last line of the output).

    The link works once, for --minutes; its secret rides in the URL's #fragment, which browsers send
    to no server. No password is stored anywhere: whoever holds the link signs in as EMAIL, so hand it
    over as you would a password.
    """
    from datetime import timedelta

    from webapp.services import login_links
    from webapp.services import users as users_service
    from webapp.settings import get_settings

    with accounts_session(data_dir) as session:
        user = users_service.by_email(session, email)
        secret = login_links.issue(session, user, timedelta(minutes=minutes))
        base = base_url or get_settings().public_url or "http://127.0.0.1:8080"
    click.echo(f"sign-in link for {user.email} ({user.role}), valid {minutes} min, once:", err=True)
    click.echo(login_links.link_url(base, secret))


@users.command("unlink")
@click.argument("email")
@data_dir_option
def users_unlink(email: str, data_dir: DataDir) -> None:
    """Forget a user's sign-in account (after a provider change); the next sign-in relinks by email."""
    from webapp.services import accounts

    with accounts_session(data_dir) as session:
        user = accounts.unlink(session, email)
        click.echo(f"{user.email} will be linked again at their next sign-in")


@users.group("domain")
def users_domain() -> None:
    """Email-domain rules: who may join an organization on first sign-in without an invitation."""


@users_domain.command("add")
@click.argument("domain")
@click.option("--org", "org_ref", required=True, help=ORG_HELP)
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@data_dir_option
def users_domain_add(domain: str, org_ref: str, role: str, data_dir: DataDir) -> None:
    """Place first sign-ins with a verified email at DOMAIN into an organization."""
    from webapp.services import accounts, organizations

    with accounts_session(data_dir) as session:
        org = organizations.find(session, org_ref)
        rule = accounts.add_domain_rule(session, domain, org.name, role)
        click.echo(f"verified emails at {rule.domain} now join {org.name} as {rule.role}")


@users_domain.command("list")
@data_dir_option
def users_domain_list(data_dir: DataDir) -> None:
    """Print every rule: domain, organization, role (tab-separated)."""
    from webapp.services import accounts

    with accounts_session(data_dir, writes=False) as session:
        for rule, org_name in accounts.list_domain_rules(session):
            click.echo(f"{rule.domain}\t{org_name}\t{rule.role}")


@users_domain.command("remove")
@click.argument("domain")
@data_dir_option
def users_domain_remove(domain: str, data_dir: DataDir) -> None:
    """Remove the rule for DOMAIN (people already placed stay)."""
    from webapp.services import accounts

    with accounts_session(data_dir) as session:
        accounts.remove_domain_rule(session, domain)
        click.echo(f"removed the rule for {domain}")
