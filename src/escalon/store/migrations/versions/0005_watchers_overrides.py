"""case watchers; schedule overrides taken through the API

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import escalon.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("watchers", escalon.store.types.JSONType, nullable=True))
    op.execute("UPDATE cases SET watchers = '[]'")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column(
            "watchers", existing_type=escalon.store.types.JSONType, nullable=False
        )

    op.create_table(
        "schedule_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule", sa.String(length=100), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.Column("start_at", escalon.store.types.UTCDateTime(), nullable=False),
        sa.Column("end_at", escalon.store.types.UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", escalon.store.types.UTCDateTime(), nullable=False),
        sa.Column("cancelled_by", sa.String(length=200), nullable=True),
        sa.Column("cancelled_at", escalon.store.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("schedule_overrides", schema=None) as batch_op:
        batch_op.create_index("ix_schedule_overrides_live", ["cancelled_at", "end_at"])
        batch_op.create_index(batch_op.f("ix_schedule_overrides_schedule"), ["schedule"])


def downgrade() -> None:
    op.drop_table("schedule_overrides")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("watchers")
