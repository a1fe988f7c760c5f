"""Roster drafts: pasted or attached rows checked, waiting for confirmation

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "roster_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("cohort_spec", sa.JSON(), nullable=True),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_roster_drafts_cohort_id_cohorts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_drafts")),
    )


def downgrade() -> None:
    op.drop_table("roster_drafts")
