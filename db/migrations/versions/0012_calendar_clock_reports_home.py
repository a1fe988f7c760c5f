"""Cohort skip dates, moved to production, App Home opened

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skip_dates", sa.JSON(), nullable=True))
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved_to_production_at", db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("moved_to_production_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_enrollments_moved_to_production_by_id_people", "people", ["moved_to_production_by_id"], ["id"]
        )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_opened_at", db.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("home_opened_at")
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_constraint("fk_enrollments_moved_to_production_by_id_people", type_="foreignkey")
        batch_op.drop_column("moved_to_production_by_id")
        batch_op.drop_column("moved_to_production_at")
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.drop_column("skip_dates")
