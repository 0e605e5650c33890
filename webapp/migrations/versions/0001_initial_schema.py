"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 02:30:58.478340
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import webapp.models.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organizations_slug")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "service_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_prefix", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_accounts")),
        sa.UniqueConstraint("key_prefix", name=op.f("uq_service_accounts_key_prefix")),
        sa.UniqueConstraint("name", name=op.f("uq_service_accounts_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "domain_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_domain_rules_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_rules")),
        sa.UniqueConstraint("domain", name=op.f("uq_domain_rules_domain")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("domain_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_domain_rules_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("task_type", sa.String(length=20), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("deployed_export_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_projects_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("organization_id", "name", name=op.f("uq_projects_organization_id_name")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("oidc_issuer", sa.String(length=500), nullable=True),
        sa.Column("oidc_subject", sa.String(length=255), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_users_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name=op.f("uq_users_oidc_issuer_oidc_subject")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "dataset_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("task_type", sa.String(length=20), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("image_count", sa.Integer(), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("progress", sa.Double(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("git_tag", sa.String(length=200), nullable=True),
        sa.Column("git_rev", sa.String(length=64), nullable=True),
        sa.Column("dvc_hash", sa.String(length=64), nullable=True),
        sa.Column("dvc_path", sa.String(length=500), nullable=True),
        sa.Column("bytes_stored", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_dataset_versions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_dataset_versions_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_dataset_versions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_versions")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("dataset_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dataset_versions_org_project", ["organization_id", "project_id", "id"], unique=False
        )

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invitations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_invitations_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "label_studio_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("ls_project_id", sa.Integer(), nullable=False),
        sa.Column("ls_webhook_id", sa.Integer(), nullable=True),
        sa.Column("label_config_hash", sa.String(length=64), nullable=False),
        sa.Column("sync_status", sa.String(length=20), nullable=False),
        sa.Column("last_push_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_pull_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("pull_cursor", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_label_studio_links_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_label_studio_links_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_label_studio_links_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_studio_links")),
        sa.UniqueConstraint("ls_project_id", name=op.f("uq_label_studio_links_ls_project_id")),
        sa.UniqueConstraint("project_id", name=op.f("uq_label_studio_links_project_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("label_studio_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_label_studio_links_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "provisioning_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_prefix", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column("expires_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_provisioning_tokens_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_provisioning_tokens_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_provisioning_tokens_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provisioning_tokens")),
        sa.UniqueConstraint("token_prefix", name=op.f("uq_provisioning_tokens_token_prefix")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("provisioning_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provisioning_tokens_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_provisioning_tokens_project_id"), ["project_id"], unique=False)

    op.create_table(
        "revoked_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("token_type", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_revoked_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revoked_tokens")),
        sa.UniqueConstraint("jti", name=op.f("uq_revoked_tokens_jti")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revoked_tokens_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_revoked_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "training_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("device", sa.String(length=10), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("progress", sa.JSON(), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_training_jobs_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset_versions.id"],
            name=op.f("fk_training_jobs_dataset_id_dataset_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_training_jobs_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_training_jobs_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_jobs")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_jobs_dataset_id"), ["dataset_id"], unique=False)
        batch_op.create_index("ix_training_jobs_org_id", ["organization_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_jobs_project_id"), ["project_id"], unique=False)

    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("training_job_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("image_size", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("preprocessing", sa.JSON(), nullable=False),
        sa.Column("artifact_sha256", sa.String(length=64), nullable=False),
        sa.Column("artifact_size", sa.BigInteger(), nullable=False),
        sa.Column("git_rev", sa.String(length=64), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset_versions.id"],
            name=op.f("fk_model_versions_dataset_id_dataset_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_model_versions_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_model_versions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["training_job_id"],
            ["training_jobs.id"],
            name=op.f("fk_model_versions_training_job_id_training_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("training_job_id", name=op.f("uq_model_versions_training_job_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.create_index("ix_model_versions_org_id", ["organization_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_model_versions_project_id"), ["project_id"], unique=False)

    op.create_table(
        "training_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cron", sa.String(length=100), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("dataset_params", sa.JSON(), nullable=False),
        sa.Column("training_params", sa.JSON(), nullable=False),
        sa.Column("device", sa.String(length=10), nullable=False),
        sa.Column("min_new_annotations", sa.Integer(), nullable=False),
        sa.Column("prefect_schedule_id", sa.String(length=64), nullable=True),
        sa.Column("last_run_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.Text(), nullable=True),
        sa.Column("last_dataset_id", sa.Integer(), nullable=True),
        sa.Column("last_training_job_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_training_schedules_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["last_dataset_id"],
            ["dataset_versions.id"],
            name=op.f("fk_training_schedules_last_dataset_id_dataset_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["last_training_job_id"],
            ["training_jobs.id"],
            name=op.f("fk_training_schedules_last_training_job_id_training_jobs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_training_schedules_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_training_schedules_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_schedules")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("training_schedules", schema=None) as batch_op:
        batch_op.create_index("ix_training_schedules_org_id", ["organization_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_schedules_project_id"), ["project_id"], unique=False)

    op.create_table(
        "export_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("opset", sa.Integer(), nullable=False),
        sa.Column("precision", sa.String(length=10), nullable=False),
        sa.Column("dynamic_batch", sa.Boolean(), nullable=False),
        sa.Column("max_accuracy_drop", sa.Double(), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("parity", sa.JSON(), nullable=True),
        sa.Column("accuracy", sa.JSON(), nullable=True),
        sa.Column("latency_ms", sa.JSON(), nullable=True),
        sa.Column("signature", sa.JSON(), nullable=True),
        sa.Column("artifact_sha256", sa.String(length=64), nullable=True),
        sa.Column("artifact_size", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_export_jobs_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["model_versions.id"],
            name=op.f("fk_export_jobs_model_id_model_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_export_jobs_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_export_jobs_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_export_jobs_model_id", ["model_id", "id"], unique=False)
        batch_op.create_index("ix_export_jobs_org_id", ["organization_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_export_jobs_project_id"), ["project_id"], unique=False)

    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("serial_number", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("firmware_version", sa.String(length=100), nullable=True),
        sa.Column("key_prefix", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("provisioning_token_id", sa.Integer(), nullable=True),
        sa.Column("last_seen_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deployed_export_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployed_export_id"],
            ["export_jobs.id"],
            name=op.f("fk_devices_deployed_export_id_export_jobs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_devices_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_devices_project_id_projects"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["provisioning_token_id"],
            ["provisioning_tokens.id"],
            name=op.f("fk_devices_provisioning_token_id_provisioning_tokens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("key_prefix", name=op.f("uq_devices_key_prefix")),
        sa.UniqueConstraint(
            "organization_id", "serial_number", name=op.f("uq_devices_organization_id_serial_number")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_devices_deployed_export_id"), ["deployed_export_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_devices_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_devices_project_id"), ["project_id"], unique=False)

    op.create_table(
        "batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("ingest_key", sa.String(length=300), nullable=True),
        sa.Column("image_count", sa.Integer(), nullable=False),
        sa.Column("annotated_count", sa.Integer(), nullable=False),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_batches_device_id_devices"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_batches_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_batches_project_id_projects"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
        sa.UniqueConstraint("ingest_key", name=op.f("uq_batches_ingest_key")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.create_index("ix_batches_device_created", ["device_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_batches_device_day", ["device_id", "project_id", "day"], unique=False)
        batch_op.create_index("ix_batches_org_created", ["organization_id", "created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_batches_org_status_created", ["organization_id", "status", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_batches_project_created", ["project_id", "created_at", "id"], unique=False)

    op.create_table(
        "device_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("battery_pct", sa.Double(), nullable=True),
        sa.Column("temperature_c", sa.Double(), nullable=True),
        sa.Column("disk_free_mb", sa.Double(), nullable=True),
        sa.Column("uptime_s", sa.Integer(), nullable=True),
        sa.Column("firmware_version", sa.String(length=100), nullable=True),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_device_checkins_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_checkins")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("device_checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_checkins_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_device_checkins_device_time", ["device_id", "created_at"], unique=False)

    op.create_table(
        "images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("captured_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=True),
        sa.Column("annotation_id", sa.Integer(), nullable=True),
        sa.Column("labeled", sa.Boolean(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_images_batch_id_batches"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_images_device_id_devices"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_images_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_images_project_id_projects"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_images")),
        sa.UniqueConstraint("organization_id", "sha256", name=op.f("uq_images_organization_id_sha256")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_images_annotation_id"), ["annotation_id"], unique=False)
        batch_op.create_index("ix_images_batch_created", ["batch_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_images_device_created", ["device_id", "created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_images_org_captured", ["organization_id", "captured_at", "id"], unique=False
        )
        batch_op.create_index("ix_images_org_created", ["organization_id", "created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_images_org_label_created", ["organization_id", "label", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_images_org_labeled_created", ["organization_id", "labeled", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_images_org_status_created", ["organization_id", "status", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_images_project_created", ["project_id", "created_at", "id", "annotation_id"], unique=False
        )
        batch_op.create_index("ix_images_project_filename", ["project_id", "filename"], unique=False)
        batch_op.create_index(
            "ix_images_project_label_created", ["project_id", "label", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_images_project_labeled_created", ["project_id", "labeled", "created_at", "id"], unique=False
        )

    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("boxes", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=True),
        sa.Column("annotator_email", sa.String(length=320), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("created_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["users.id"],
            name=op.f("fk_annotations_annotator_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["image_id"], ["images.id"], name=op.f("fk_annotations_image_id_images"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_annotations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_annotations_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotations")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annotations_annotator_id"), ["annotator_id"], unique=False)
        batch_op.create_index("ix_annotations_image_id", ["image_id", "id"], unique=False)
        batch_op.create_index(
            "ix_annotations_org_external", ["organization_id", "external_id", "id"], unique=False
        )
        batch_op.create_index("ix_annotations_org_id", ["organization_id", "id"], unique=False)
        batch_op.create_index("ix_annotations_project_id", ["project_id", "id"], unique=False)

    op.create_table(
        "dataset_items",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("boxes", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset_versions.id"],
            name=op.f("fk_dataset_items_dataset_id_dataset_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["image_id"], ["images.id"], name=op.f("fk_dataset_items_image_id_images"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("dataset_id", "sha256", name=op.f("pk_dataset_items")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "label_studio_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("ls_task_id", sa.Integer(), nullable=False),
        sa.Column("annotated", sa.Boolean(), nullable=False),
        sa.Column("url_expires_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("pushed_at", webapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("synced_at", webapp.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["image_id"],
            ["images.id"],
            name=op.f("fk_label_studio_tasks_image_id_images"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["label_studio_links.id"],
            name=op.f("fk_label_studio_tasks_link_id_label_studio_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_studio_tasks")),
        sa.UniqueConstraint("link_id", "image_id", name=op.f("uq_label_studio_tasks_link_id_image_id")),
        sa.UniqueConstraint("link_id", "ls_task_id", name=op.f("uq_label_studio_tasks_link_id_ls_task_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("label_studio_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_label_studio_tasks_image_id"), ["image_id"], unique=False)
        batch_op.create_index("ix_label_studio_tasks_link_annotated", ["link_id", "annotated"], unique=False)
        batch_op.create_index(
            "ix_label_studio_tasks_link_expires", ["link_id", "url_expires_at"], unique=False
        )

    op.create_table(
        "annotation_labels",
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotations.id"],
            name=op.f("fk_annotation_labels_annotation_id_annotations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_annotation_labels_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_annotation_labels_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("annotation_id", "label", name=op.f("pk_annotation_labels")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("annotation_labels", schema=None) as batch_op:
        batch_op.create_index(
            "ix_annotation_labels_org_label", ["organization_id", "label", "annotation_id"], unique=False
        )
        batch_op.create_index("ix_annotation_labels_project_label", ["project_id", "label"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("annotation_labels", schema=None) as batch_op:
        batch_op.drop_index("ix_annotation_labels_project_label")
        batch_op.drop_index("ix_annotation_labels_org_label")

    op.drop_table("annotation_labels")
    with op.batch_alter_table("label_studio_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_label_studio_tasks_link_expires")
        batch_op.drop_index("ix_label_studio_tasks_link_annotated")
        batch_op.drop_index(batch_op.f("ix_label_studio_tasks_image_id"))

    op.drop_table("label_studio_tasks")
    op.drop_table("dataset_items")
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_index("ix_annotations_project_id")
        batch_op.drop_index("ix_annotations_org_id")
        batch_op.drop_index("ix_annotations_org_external")
        batch_op.drop_index("ix_annotations_image_id")
        batch_op.drop_index(batch_op.f("ix_annotations_annotator_id"))

    op.drop_table("annotations")
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.drop_index("ix_images_project_labeled_created")
        batch_op.drop_index("ix_images_project_label_created")
        batch_op.drop_index("ix_images_project_filename")
        batch_op.drop_index("ix_images_project_created")
        batch_op.drop_index("ix_images_org_status_created")
        batch_op.drop_index("ix_images_org_labeled_created")
        batch_op.drop_index("ix_images_org_label_created")
        batch_op.drop_index("ix_images_org_created")
        batch_op.drop_index("ix_images_org_captured")
        batch_op.drop_index("ix_images_device_created")
        batch_op.drop_index("ix_images_batch_created")
        batch_op.drop_index(batch_op.f("ix_images_annotation_id"))

    op.drop_table("images")
    with op.batch_alter_table("device_checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_device_checkins_device_time")
        batch_op.drop_index(batch_op.f("ix_device_checkins_created_at"))

    op.drop_table("device_checkins")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_index("ix_batches_project_created")
        batch_op.drop_index("ix_batches_org_status_created")
        batch_op.drop_index("ix_batches_org_created")
        batch_op.drop_index("ix_batches_device_day")
        batch_op.drop_index("ix_batches_device_created")

    op.drop_table("batches")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_project_id"))
        batch_op.drop_index(batch_op.f("ix_devices_organization_id"))
        batch_op.drop_index(batch_op.f("ix_devices_deployed_export_id"))

    op.drop_table("devices")
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_jobs_project_id"))
        batch_op.drop_index("ix_export_jobs_org_id")
        batch_op.drop_index("ix_export_jobs_model_id")

    op.drop_table("export_jobs")
    with op.batch_alter_table("training_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_schedules_project_id"))
        batch_op.drop_index("ix_training_schedules_org_id")

    op.drop_table("training_schedules")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_versions_project_id"))
        batch_op.drop_index("ix_model_versions_org_id")

    op.drop_table("model_versions")
    with op.batch_alter_table("training_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_jobs_project_id"))
        batch_op.drop_index("ix_training_jobs_org_id")
        batch_op.drop_index(batch_op.f("ix_training_jobs_dataset_id"))

    op.drop_table("training_jobs")
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revoked_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_revoked_tokens_expires_at"))

    op.drop_table("revoked_tokens")
    with op.batch_alter_table("provisioning_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provisioning_tokens_project_id"))
        batch_op.drop_index(batch_op.f("ix_provisioning_tokens_organization_id"))

    op.drop_table("provisioning_tokens")
    with op.batch_alter_table("label_studio_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_label_studio_links_organization_id"))

    op.drop_table("label_studio_links")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_organization_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_email"))

    op.drop_table("invitations")
    with op.batch_alter_table("dataset_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_dataset_versions_org_project")

    op.drop_table("dataset_versions")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_organization_id"))

    op.drop_table("users")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_organization_id"))

    op.drop_table("projects")
    with op.batch_alter_table("domain_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_domain_rules_organization_id"))

    op.drop_table("domain_rules")
    op.drop_table("service_accounts")
    op.drop_table("organizations")
