"""policies as data: failed exams per calendar year, the AHIP clock, catch-up sessions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ahip_clocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("carrier_key", sa.String(length=32), nullable=False),
        sa.Column("started_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("paused_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("paused_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_ahip_clocks_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ahip_clocks")),
        sa.UniqueConstraint("person_id", "carrier_key", name=op.f("uq_ahip_clocks_person_id_carrier_key")),
    )
    with op.batch_alter_table("ahip_clocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ahip_clocks_person_id"), ["person_id"], unique=False)

    op.create_table(
        "catch_up_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("ends_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_catch_up_sessions_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_catch_up_sessions_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_by_id"], ["people.id"], name=op.f("fk_catch_up_sessions_scheduled_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catch_up_sessions")),
        sa.UniqueConstraint(
            "person_id", "cohort_id", "number", name=op.f("uq_catch_up_sessions_person_id_cohort_id_number")
        ),
    )
    with op.batch_alter_table("catch_up_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catch_up_sessions_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_catch_up_sessions_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("cert_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
    # Older attempts get their UTC year: close enough for attempts made before years counted.
    op.execute(
        sa.text(
            "UPDATE cert_attempts SET year = CAST(SUBSTR(CAST(recorded_at AS VARCHAR(40)), 1, 4) AS INTEGER)"
        )
    )
    with op.batch_alter_table("cert_attempts", schema=None) as batch_op:
        batch_op.alter_column("year", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_cert_attempts_person_id_carrier_key_attempt_no", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_cert_attempts_person_id_carrier_key_year_attempt_no"),
            ["person_id", "carrier_key", "year", "attempt_no"],
        )


def downgrade() -> None:
    with op.batch_alter_table("cert_attempts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cert_attempts_person_id_carrier_key_year_attempt_no", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_cert_attempts_person_id_carrier_key_attempt_no"),
            ["person_id", "carrier_key", "attempt_no"],
        )
        batch_op.drop_column("year")
    with op.batch_alter_table("ahip_clocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ahip_clocks_person_id"))
    op.drop_table("ahip_clocks")
    with op.batch_alter_table("catch_up_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catch_up_sessions_person_id"))
        batch_op.drop_index(batch_op.f("ix_catch_up_sessions_cohort_id"))
    op.drop_table("catch_up_sessions")
