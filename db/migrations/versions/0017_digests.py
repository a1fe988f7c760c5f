"""Digests: lines folded into one message per person and moment, people's notification choices,
and a due time for messages that wait

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("notifications", sa.Column("due_at", db.types.UTCDateTime(), nullable=True))
    op.create_index(op.f("ix_notifications_due_at"), "notifications", ["due_at"], unique=False)
    op.create_table(
        "digest_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("digest_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_lines")),
        sa.UniqueConstraint("key", name=op.f("uq_digest_lines_key")),
    )
    op.create_index(op.f("ix_digest_lines_digest_key"), "digest_lines", ["digest_key"], unique=False)
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("modes", sa.JSON(), nullable=False),
        sa.Column("moments", sa.JSON(), nullable=True),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("slack_user_id", name=op.f("uq_notification_preferences_slack_user_id")),
    )


def downgrade() -> None:
    op.drop_table("notification_preferences")
    op.drop_index(op.f("ix_digest_lines_digest_key"), table_name="digest_lines")
    op.drop_table("digest_lines")
    op.drop_index(op.f("ix_notifications_due_at"), table_name="notifications")
    op.drop_column("notifications", "due_at")
