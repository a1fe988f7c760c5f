"""HR records: CAP acknowledgements, files sent exactly once, who read what, retention marks

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("coachings", sa.Column("acknowledged_at", db.types.UTCDateTime(), nullable=True))
    op.add_column("people", sa.Column("left_at", db.types.UTCDateTime(), nullable=True))
    op.add_column("people", sa.Column("redacted_at", db.types.UTCDateTime(), nullable=True))
    op.add_column("people", sa.Column("hr_redacted_at", db.types.UTCDateTime(), nullable=True))
    op.create_table(
        "file_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("sent_at", db.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_deliveries")),
        sa.UniqueConstraint("key", name=op.f("uq_file_deliveries_key")),
    )
    op.create_index(op.f("ix_file_deliveries_kind"), "file_deliveries", ["kind"])
    op.create_index(op.f("ix_file_deliveries_status"), "file_deliveries", ["status"])
    op.create_table(
        "record_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.Column("reader", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_record_reads_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_reads")),
    )
    op.create_index(op.f("ix_record_reads_at"), "record_reads", ["at"])
    op.create_index(op.f("ix_record_reads_person_id"), "record_reads", ["person_id"])


def downgrade() -> None:
    op.drop_table("record_reads")
    op.drop_table("file_deliveries")
    op.drop_column("people", "hr_redacted_at")
    op.drop_column("people", "redacted_at")
    op.drop_column("people", "left_at")
    op.drop_column("coachings", "acknowledged_at")
