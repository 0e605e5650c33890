"""The audit log: every change, who made it, from where, the fields before and after.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 13:40:00.000000

The table is append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), whoever
sends them. A database owner can still drop the triggers; that is the limit of the guarantee.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from webapp.models.base import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "audit_events is append-only"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"""
    for verb in ("UPDATE", "DELETE")
]

POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege'; END $$""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse()""",
]


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("actor_type", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_display", sa.String(320), nullable=True),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("resource_type", sa.String(64), nullable=False),
        sa.Column("resource_id", sa.String(200), nullable=False),
        sa.Column("resource_display", sa.String(320), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("remote_addr", sa.String(64), nullable=True),
        sa.Column("method", sa.String(10), nullable=True),
        sa.Column("path", sa.String(500), nullable=True),
        sa.Column("request_id", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_events_org_id", "audit_events", ["organization_id", "id"])
    op.create_index(
        "ix_audit_events_org_resource",
        "audit_events",
        ["organization_id", "resource_type", "resource_id", "id"],
    )
    op.create_index(
        "ix_audit_events_org_actor", "audit_events", ["organization_id", "actor_type", "actor_id", "id"]
    )
    op.create_index("ix_audit_events_org_time", "audit_events", ["organization_id", "created_at"])
    statements = POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE audit_events")
        op.execute("DROP FUNCTION audit_events_refuse()")
    else:
        op.drop_table("audit_events")
