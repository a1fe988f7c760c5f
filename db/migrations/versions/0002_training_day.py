"""the training day: day prompts, attendance checks, flags and codes, the scheduler lock

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

APScheduler creates and owns its own `apscheduler_jobs` table in the same database.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduler_lock",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lock")),
    )
    op.create_table(
        "attendance_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("break_no", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_attendance_checks_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_attendance_checks_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_checks")),
        sa.UniqueConstraint(
            "cohort_id",
            "person_id",
            "day",
            "kind",
            "break_no",
            name=op.f("uq_attendance_checks_cohort_id_person_id_day_kind_break_no"),
        ),
    )
    with op.batch_alter_table("attendance_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_checks_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_checks_person_id"), ["person_id"], unique=False)

    op.create_table(
        "attendance_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("set_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_attendance_codes_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_attendance_codes_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["people.id"], name=op.f("fk_attendance_codes_set_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_codes")),
        sa.UniqueConstraint(
            "cohort_id", "person_id", "day", name=op.f("uq_attendance_codes_cohort_id_person_id_day")
        ),
    )
    with op.batch_alter_table("attendance_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_codes_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_codes_person_id"), ["person_id"], unique=False)

    op.create_table(
        "attendance_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("break_no", sa.Integer(), nullable=False),
        sa.Column("flagged_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_attendance_flags_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_attendance_flags_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["people.id"], name=op.f("fk_attendance_flags_resolved_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_flags")),
        sa.UniqueConstraint(
            "cohort_id",
            "person_id",
            "day",
            "kind",
            "break_no",
            name=op.f("uq_attendance_flags_cohort_id_person_id_day_kind_break_no"),
        ),
    )
    with op.batch_alter_table("attendance_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_flags_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_flags_person_id"), ["person_id"], unique=False)

    op.create_table(
        "day_prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("break_no", sa.Integer(), nullable=False),
        sa.Column("posted_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_day_prompts_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_prompts")),
        sa.UniqueConstraint("key", name=op.f("uq_day_prompts_key")),
    )
    with op.batch_alter_table("day_prompts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_day_prompts_cohort_id"), ["cohort_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("day_prompts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_day_prompts_cohort_id"))

    op.drop_table("day_prompts")
    with op.batch_alter_table("attendance_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_flags_person_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_flags_cohort_id"))

    op.drop_table("attendance_flags")
    with op.batch_alter_table("attendance_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_codes_person_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_codes_cohort_id"))

    op.drop_table("attendance_codes")
    with op.batch_alter_table("attendance_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_checks_person_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_checks_cohort_id"))

    op.drop_table("attendance_checks")
    op.drop_table("scheduler_lock")
