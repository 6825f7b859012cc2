"""timers indexed in claim order (due_at, id)

On PostgreSQL an index on `due_at` alone makes every claim of a mass breach sort all the
timers due at the same instant by id; with `id` in the index a claim reads only its batch.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_due_at")
        batch_op.create_index("ix_timers_due_at", ["due_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_due_at")
        batch_op.create_index("ix_timers_due_at", ["due_at"], unique=False)
