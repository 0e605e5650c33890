"""Label Studio per organization: each its own instance, or the shared one for one organization only;
a webhook secret per link; image URLs signed with a key of their link

Label Studio's community edition shows every project of an instance to every member, so the shared
instance (ACUSIGHT_LABEL_STUDIO_URL) serves one organization: of existing links, the organization of
the oldest one keeps it. Project ids are per instance, so they are no longer unique across links.
Existing links get no webhook secret (their webhooks are refused; the scheduled pull still brings
their annotations) and a fresh URL key; their tasks' image URLs are marked expired, so the next pull
puts URLs signed with that key in their place.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 18:00:00.000000
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import webapp.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "label_studio_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_label_studio_accounts_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_studio_accounts")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_label_studio_accounts_organization_id")),
        sa.UniqueConstraint("shared", name=op.f("uq_label_studio_accounts_shared")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("label_studio_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_studio_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("webhook_secret_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("url_key", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("uq_label_studio_links_ls_project_id", type_="unique")
        batch_op.create_index(
            batch_op.f("ix_label_studio_links_ls_project_id"), ["ls_project_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_label_studio_links_webhook_secret_hash"), ["webhook_secret_hash"]
        )

    conn = op.get_bind()
    now = datetime.now(UTC)
    at = sa.bindparam("t", type_=webapp.models.base.UTCDateTime(timezone=True))
    links = conn.execute(sa.text("SELECT id, organization_id FROM label_studio_links ORDER BY id")).all()
    for link_id, _ in links:
        conn.execute(
            sa.text("UPDATE label_studio_links SET url_key = :k WHERE id = :i"),
            {"k": secrets.token_urlsafe(24), "i": link_id},
        )
    if links:
        conn.execute(
            sa.text(
                "INSERT INTO label_studio_accounts (organization_id, shared, created_at, updated_at) "
                "VALUES (:o, :s, :t, :t)"
            ).bindparams(at),
            {"o": links[0][1], "s": True, "t": now},
        )
    conn.execute(sa.text("UPDATE label_studio_tasks SET url_expires_at = :t").bindparams(at), {"t": now})
    with op.batch_alter_table("label_studio_links", schema=None) as batch_op:
        batch_op.alter_column("url_key", existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("label_studio_links", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_label_studio_links_webhook_secret_hash"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_label_studio_links_ls_project_id"))
        batch_op.create_unique_constraint("uq_label_studio_links_ls_project_id", ["ls_project_id"])
        batch_op.drop_column("url_key")
        batch_op.drop_column("webhook_secret_hash")
        batch_op.drop_column("label_studio_url")
    op.drop_table("label_studio_accounts")
