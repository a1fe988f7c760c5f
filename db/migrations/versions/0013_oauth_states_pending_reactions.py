"""OAuth states used once, reactions waiting for their prompt

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "g2t_oauth_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("redirect_uri", sa.String(length=1000), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("pending_enc", sa.Text(), nullable=True),
        sa.Column("pending_account", sa.String(length=600), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_g2t_oauth_states")),
        sa.UniqueConstraint("nonce", name=op.f("uq_g2t_oauth_states_nonce")),
    )
    op.create_table(
        "pending_reactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("reaction", sa.String(length=100), nullable=False),
        sa.Column("added", sa.Boolean(), nullable=False),
        sa.Column("received_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_reactions")),
    )
    with op.batch_alter_table("pending_reactions", schema=None) as batch_op:
        batch_op.create_index("ix_pending_reactions_message", ["channel_id", "ts"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_reactions_received_at"), ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_reactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_reactions_received_at"))
        batch_op.drop_index("ix_pending_reactions_message")

    op.drop_table("pending_reactions")
    op.drop_table("g2t_oauth_states")
