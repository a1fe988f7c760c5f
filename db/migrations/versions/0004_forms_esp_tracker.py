"""tracking forms and the ESP tracker: esp_items, form_submissions, carrier_tickets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "esp_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["people.id"], name=op.f("fk_esp_items_changed_by_id_people")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_esp_items_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_esp_items")),
        sa.UniqueConstraint("person_id", "item", name=op.f("uq_esp_items_person_id_item")),
    )
    with op.batch_alter_table("esp_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_esp_items_changed_at"), ["changed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_esp_items_person_id"), ["person_id"], unique=False)

    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_form_submissions_cohort_id_cohorts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_form_submissions_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["people.id"], name=op.f("fk_form_submissions_submitted_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
    )
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_submissions_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_submissions_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_submissions_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_submissions_submitted_at"), ["submitted_at"], unique=False)

    op.create_table(
        "carrier_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("carrier_key", sa.String(length=32), nullable=False),
        sa.Column("ticket_number", sa.String(length=64), nullable=False),
        sa.Column("issue", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_carrier_tickets_cohort_id_cohorts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["people.id"], name=op.f("fk_carrier_tickets_opened_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_carrier_tickets_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carrier_tickets")),
        sa.UniqueConstraint(
            "carrier_key", "ticket_number", name=op.f("uq_carrier_tickets_carrier_key_ticket_number")
        ),
    )
    with op.batch_alter_table("carrier_tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carrier_tickets_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_carrier_tickets_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("carrier_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carrier_tickets_person_id"))
        batch_op.drop_index(batch_op.f("ix_carrier_tickets_cohort_id"))

    op.drop_table("carrier_tickets")
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submissions_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_form_submissions_person_id"))
        batch_op.drop_index(batch_op.f("ix_form_submissions_kind"))
        batch_op.drop_index(batch_op.f("ix_form_submissions_cohort_id"))

    op.drop_table("form_submissions")
    with op.batch_alter_table("esp_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_esp_items_person_id"))
        batch_op.drop_index(batch_op.f("ix_esp_items_changed_at"))

    op.drop_table("esp_items")
