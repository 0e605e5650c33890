"""`acusight orgs`: organizations, their quotas and their Label Studio."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.orm import Session

from acusight.cli._accounts import accounts_session
from acusight.cli._datadir import DataDir, data_dir_option


@click.group()
def orgs() -> None:
    """Organizations: the tenants. A name identifies one, whatever its case."""


@orgs.command("create")
@click.argument("name")
@data_dir_option
def orgs_create(name: str, data_dir: DataDir) -> None:
    """Create an organization; a name taken in any case is refused."""
    from webapp.services import organizations

    with accounts_session(data_dir) as session:
        org = organizations.create(session, name)
        click.echo(f"created organization {org.name} (id {org.id}, slug {org.slug})")


@orgs.command("list")
@data_dir_option
def orgs_list(data_dir: DataDir) -> None:
    """Print every organization: id, slug, name (tab-separated)."""
    from webapp.services import organizations

    with accounts_session(data_dir, writes=False) as session:
        for org in organizations.list_all(session):
            click.echo(f"{org.id}\t{org.slug}\t{org.name}")


@orgs.group("quota")
def orgs_quota() -> None:
    """An organization's own quotas: jobs queued or running, stored image MB and images."""


def _quota_value(value: str | None) -> int | str | None:
    """A quota option's value: a count (0: no limit), "default" (the setting's), or not given."""
    if value is None:
        return "unchanged"
    if value.strip().lower() == "default":
        return None
    try:
        number = int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is neither a whole number nor 'default'") from None
    if not 0 <= number <= 2**31 - 1:
        raise click.BadParameter(f"{number} is not between 0 (no limit) and {2**31 - 1}")
    return number


def _echo_quotas(session: Session, org: Any) -> None:
    from webapp.services import quotas

    applied = quotas.limits(org)
    usage = quotas.report(session, org)
    for column, used in (
        ("max_jobs", ", ".join(f"{kind} {n}" for kind, n in usage["jobs"].items())),
        ("storage_quota_mb", f"{usage['image_bytes'] / quotas.MB:.1f} MB stored"),
        ("image_quota", f"{usage['images']} images stored"),
    ):
        own = getattr(org, column)
        source = "default" if own is None else "own"
        limit = applied[column] or "no limit"
        click.echo(f"{column}\t{limit}\t({source})\t{used}")


QUOTA_HELP = "a whole number (0: no limit) or 'default' (the ACUSIGHT_ORG_* setting)"


@orgs_quota.command("show")
@click.argument("org_ref")
@data_dir_option
def orgs_quota_show(org_ref: str, data_dir: DataDir) -> None:
    """Print an organization's quotas (its own or the default) and what it uses of each."""
    from webapp.services import organizations

    with accounts_session(data_dir, writes=False) as session:
        _echo_quotas(session, organizations.find(session, org_ref))


@orgs_quota.command("set")
@click.argument("org_ref")
@click.option("--jobs", default=None, help=f"Queued or running jobs of each kind: {QUOTA_HELP}")
@click.option("--storage-mb", default=None, help=f"Stored image MB: {QUOTA_HELP}")
@click.option("--images", default=None, help=f"Stored images: {QUOTA_HELP}")
@data_dir_option
def orgs_quota_set(
    org_ref: str, jobs: str | None, storage_mb: str | None, images: str | None, data_dir: DataDir
) -> None:
    """Give an organization its own quotas (in place of the settings' defaults), then print them.

    A lower quota refuses what comes next; nothing stored or started is removed.
    """
    from webapp.services import organizations

    values = {"max_jobs": jobs, "storage_quota_mb": storage_mb, "image_quota": images}
    changes = {column: _quota_value(value) for column, value in values.items()}
    changes = {column: value for column, value in changes.items() if value != "unchanged"}
    if not changes:
        raise click.UsageError("Give at least one of --jobs, --storage-mb, --images")
    with accounts_session(data_dir) as session:
        org = organizations.find(session, org_ref)
        for column, value in changes.items():
            setattr(org, column, value)
        _echo_quotas(session, org)


@orgs.group("label-studio")
def orgs_label_studio() -> None:
    """The Label Studio each organization annotates in. Label Studio's community edition shows every
    project to every member, so an organization gets its own instance (or its own Label Studio
    organization and token); ACUSIGHT_LABEL_STUDIO_URL/TOKEN serve one organization at most."""


@orgs_label_studio.command("set")
@click.argument("org_ref", metavar="ORG")
@click.option("--url", required=True, help="The organization's Label Studio, e.g. https://ls.acme.example")
@click.option(
    "--token",
    prompt=True,
    hide_input=True,
    envvar="ACUSIGHT_ORG_LABEL_STUDIO_TOKEN",
    help="A Label Studio API (legacy) token of an account there (prompted for when not given; or "
    "ACUSIGHT_ORG_LABEL_STUDIO_TOKEN)",
)
@data_dir_option
def orgs_label_studio_set(org_ref: str, url: str, token: str, data_dir: DataDir) -> None:
    """Give ORG its own Label Studio: its new links are made there, and the flows use this token."""
    from webapp.integrations.label_studio import instances
    from webapp.services import organizations

    with accounts_session(data_dir) as session:
        org = organizations.find(session, org_ref)
        account = instances.configure(session, org.id, url, token)
        click.echo(f"{org.name} annotates in {account.url}")


@orgs_label_studio.command("unset")
@click.argument("org_ref", metavar="ORG")
@click.option(
    "--release-shared",
    is_flag=True,
    help="Also let go of the shared Label Studio (ACUSIGHT_LABEL_STUDIO_URL), if ORG holds it; its "
    "projects there stay visible to whichever organization links there next",
)
@data_dir_option
def orgs_label_studio_unset(org_ref: str, release_shared: bool, data_dir: DataDir) -> None:
    """Forget ORG's own Label Studio; its links there stop syncing until it is set again."""
    from webapp.integrations.label_studio import instances
    from webapp.services import organizations

    with accounts_session(data_dir) as session:
        org = organizations.find(session, org_ref)
        instances.unconfigure(session, org.id, release_shared=release_shared)
        click.echo(
            f"{org.name} has no Label Studio of its own" + (" and none shared" if release_shared else "")
        )


@orgs_label_studio.command("renew-webhooks")
@click.argument("org_ref", metavar="ORG")
@data_dir_option
def orgs_label_studio_renew_webhooks(org_ref: str, data_dir: DataDir) -> None:
    """Give each of ORG's links a new webhook secret (and Label Studio a webhook sending it to
    ACUSIGHT_PUBLIC_URL): links made before secrets were per link, or a secret to rotate."""
    from webapp.integrations.label_studio import instances, webhooks
    from webapp.services import organizations

    with accounts_session(data_dir) as session:
        org = organizations.find(session, org_ref)
        done = webhooks.renew_webhooks(session, org.id, public_url=instances.public_url())
        click.echo(f"{org.name}: new webhook secrets for {len(done)} linked projects")


@orgs_label_studio.command("list")
@data_dir_option
def orgs_label_studio_list(data_dir: DataDir) -> None:
    """Print each configured organization: slug, its Label Studio (or "shared"), links (tab-separated)."""
    from webapp.integrations.label_studio import instances
    from webapp.models import Organization

    with accounts_session(data_dir, writes=False) as session:
        for row in instances.accounts(session):
            org = session.get(Organization, row["organization_id"])
            where = [row["url"] + ("" if row["has_token"] else " (no token)")] if row["url"] else []
            where += ["shared"] if row["shared"] else []
            click.echo(
                f"{org.slug if org else row['organization_id']}\t{', '.join(where)}\t{row['links']} links"
            )
