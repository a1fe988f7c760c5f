"""Attendance claims: an agent's "I was there" on a tardy or MIA mark, and the TL's decision

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attendance_flags") as batch:
        batch.add_column(sa.Column("claimed_at", db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("claim_outcome", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attendance_flags") as batch:
        batch.drop_column("claim_outcome")
        batch.drop_column("claimed_at")
