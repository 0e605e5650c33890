"""An organization's name identifies one tenant, whatever its case

Before this, an admin could rename their organization to another's name, and the operator's
commands (`--org NAME`) then acted on whichever came first. Names that already collide keep the
oldest organization's name; each later one is renamed to "<name> (<slug>)" (slugs are unique), so
nothing is lost and every name is told apart.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_MAX_CHARS = 200


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name, slug FROM organizations ORDER BY id")).all()

    def key(name: str) -> str:
        # The database's own lower(), as the index uses (SQLite folds ASCII letters only).
        return str(conn.execute(sa.text("SELECT lower(:n)"), {"n": name}).scalar_one())

    taken = {key(name) for _, name, _ in rows}
    seen: set[str] = set()
    for org_id, name, slug in rows:
        if key(name) in seen:
            for suffix in (f" ({slug})", f" (#{org_id})"):
                new_name = name[: NAME_MAX_CHARS - len(suffix)] + suffix
                if key(new_name) not in taken:
                    break
            update = sa.text("UPDATE organizations SET name = :n WHERE id = :i")
            conn.execute(update, {"n": new_name, "i": org_id})
            name = new_name
            taken.add(key(name))
        seen.add(key(name))
    op.create_index("uq_organizations_name_lower", "organizations", [sa.text("lower(name)")], unique=True)


def downgrade() -> None:
    # Renamed duplicates keep their new names: nothing tells which ones were renamed.
    op.drop_index("uq_organizations_name_lower", table_name="organizations")
