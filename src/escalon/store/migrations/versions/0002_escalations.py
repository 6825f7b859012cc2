"""escalations, handovers, notifications outbox

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import escalon.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("initiator", sa.String(length=200), nullable=False),
        sa.Column("trigger", sa.String(length=200), nullable=True),
        sa.Column("raised_at", escalon.store.types.UTCDateTime(), nullable=False),
        sa.Column(
            "reason",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "handoff",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("policy_version_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=200), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("level_entered_at", escalon.store.types.UTCDateTime(), nullable=False),
        sa.Column("repeats", sa.Integer(), nullable=False),
        sa.Column(
            "targets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_at", escalon.store.types.UTCDateTime(), nullable=True),
        sa.Column("handoff_rating", sa.Integer(), nullable=True),
        sa.Column(
            "plan",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("ended_at", escalon.store.types.UTCDateTime(), nullable=True),
        sa.Column("updated_at", escalon.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["policy_version_id"],
            ["policy_versions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalations_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalations_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalations_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalations_team"), ["team"], unique=False)
        batch_op.create_index("ux_escalations_case_number", ["case_id", "number"], unique=True)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", escalon.store.types.UTCDateTime(), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_escalation_id"), ["escalation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_state"), ["state"], unique=False)

    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("from_person", sa.String(length=200), nullable=True),
        sa.Column("from_team", sa.String(length=100), nullable=True),
        sa.Column("to_person", sa.String(length=200), nullable=True),
        sa.Column("to_team", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("offered_by", sa.String(length=200), nullable=False),
        sa.Column("offered_at", escalon.store.types.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", escalon.store.types.UTCDateTime(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handovers_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handovers_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handovers_state"))
        batch_op.drop_index(batch_op.f("ix_handovers_case_id"))

    op.drop_table("handovers")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_state"))
        batch_op.drop_index(batch_op.f("ix_notifications_escalation_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_case_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index("ux_escalations_case_number")
        batch_op.drop_index(batch_op.f("ix_escalations_team"))
        batch_op.drop_index(batch_op.f("ix_escalations_state"))
        batch_op.drop_index(batch_op.f("ix_escalations_level"))
        batch_op.drop_index(batch_op.f("ix_escalations_case_id"))

    op.drop_table("escalations")
