"""red flags: red_flags

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "red_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_red_flags_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_red_flags_person_id_people")),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["people.id"], name=op.f("fk_red_flags_raised_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["people.id"], name=op.f("fk_red_flags_resolved_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_red_flags")),
    )
    with op.batch_alter_table("red_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_red_flags_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_red_flags_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_red_flags_resolved_at"), ["resolved_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("red_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_red_flags_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_red_flags_person_id"))
        batch_op.drop_index(batch_op.f("ix_red_flags_cohort_id"))

    op.drop_table("red_flags")
