"""notification delivery: idempotency key, attempts, retries, delivery attempts

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import escalon.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("next_attempt_at", escalon.store.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("sent_at", escalon.store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    # Messages written before delivery existed: a key from their id, due at once.
    op.execute(
        "UPDATE notifications SET key = 'escalon-' || CAST(id AS VARCHAR(20)), "
        "next_attempt_at = CASE WHEN state = 'pending' THEN created_at END"
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_notifications_key", ["key"])
        batch_op.create_index("ix_notifications_next_attempt", ["next_attempt_at", "id"])

    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", escalon.store.types.UTCDateTime(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_attempts_case_id"), ["case_id"])
        batch_op.create_index(
            batch_op.f("ix_delivery_attempts_notification_id"), ["notification_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_attempts_notification_id"))
        batch_op.drop_index(batch_op.f("ix_delivery_attempts_case_id"))
    op.drop_table("delivery_attempts")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_next_attempt")
        batch_op.drop_constraint("uq_notifications_key", type_="unique")
        batch_op.drop_column("last_error")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("key")
