"""Reminders and digests: reminder rows per appointment, the outbox's "sending" mark that makes
delivery exactly once, people who blocked the bot, the case managers' digest time, the question
after each appointment, and anonymous appointment outcomes that outlive erasure.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("sending_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("appointment_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("not_after", UTC_TIME, nullable=True))
        batch.create_foreign_key("fk_outbox_appointment", "appointments", ["appointment_id"],
                                 ["id"], ondelete="CASCADE")
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("appointment_id", sa.Integer(),
                  sa.ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("minutes_before", sa.Integer(), nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("handled_at", UTC_TIME, nullable=True),
        sa.Column("outcome", sa.String(10), nullable=True),
        sa.UniqueConstraint("appointment_id", "minutes_before", name="uq_reminders_appointment"),
    )
    op.create_index("ix_reminders_due", "reminders", ["handled_at", "due_at"])
    with op.batch_alter_table("office_booking_rules") as batch:
        batch.add_column(sa.Column("reminder_minutes", sa.JSON(), nullable=False,
                                   server_default="[1440, 120]"))
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("unreachable_at", UTC_TIME, nullable=True))
    with op.batch_alter_table("staff_members") as batch:
        batch.add_column(sa.Column("digest_time", sa.String(5), nullable=True))
        batch.add_column(sa.Column("last_digest_at", UTC_TIME, nullable=True))
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("outcome_asked_at", UTC_TIME, nullable=True))
    op.create_table(
        "appointment_outcomes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_member_id", sa.Integer(), sa.ForeignKey("staff_members.id"),
                  nullable=False),
        sa.Column("office_id", sa.String(63), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("outcome IN ('attended', 'missed')",
                           name="ck_appointment_outcomes_outcome"),
    )
    op.create_index("ix_appointment_outcomes_staff_start", "appointment_outcomes",
                    ["staff_member_id", "starts_at"])
    # The outcomes recorded so far, so the monthly figures do not change with this revision.
    op.execute("INSERT INTO appointment_outcomes (staff_member_id, office_id, kind, outcome, "
               "starts_at) SELECT staff_member_id, office_id, kind, status, starts_at "
               "FROM appointments WHERE status IN ('attended', 'missed')")
    # Closed appointments need no question after them: their outcome is known.
    op.execute("UPDATE appointments SET outcome_asked_at = updated_at "
               "WHERE status NOT IN ('booked', 'confirmed')")


def downgrade() -> None:
    op.drop_index("ix_appointment_outcomes_staff_start", table_name="appointment_outcomes")
    op.drop_table("appointment_outcomes")
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("outcome_asked_at")
    with op.batch_alter_table("staff_members") as batch:
        batch.drop_column("last_digest_at")
        batch.drop_column("digest_time")
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("unreachable_at")
    with op.batch_alter_table("office_booking_rules") as batch:
        batch.drop_column("reminder_minutes")
    op.drop_index("ix_reminders_due", table_name="reminders")
    op.drop_table("reminders")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("fk_outbox_appointment", type_="foreignkey")
        batch.drop_column("not_after")
        batch.drop_column("appointment_id")
        batch.drop_column("sending_at")
