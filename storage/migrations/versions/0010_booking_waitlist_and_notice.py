"""Booking that respects people's time: the waiting list and its offers, each office's notice
rule for cancelling and moving and the channels it offers, late cancellations marked on the
appointment, intake answers carried over from the booking or a referral, and messages
Telegram refused, kept with their reason.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
ACTIVE_ENTRY = "ended_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("office_booking_rules") as batch:
        batch.add_column(sa.Column("cancel_notice_minutes", sa.Integer(), nullable=False,
                                   server_default="1440"))
        batch.add_column(sa.Column("late_cancel", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.add_column(sa.Column("channels", sa.JSON(), nullable=False,
                                   server_default='["in_person"]'))
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("late_notice", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("intakes") as batch:
        batch.add_column(sa.Column("prefilled", sa.JSON(), nullable=True))
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(),
                  sa.ForeignKey("clients.id", ondelete="CASCADE",
                                name="fk_waitlist_entries_client"), nullable=False),
        sa.Column("town", sa.String(63), nullable=False),
        sa.Column("workplace_id", sa.Integer(),
                  sa.ForeignKey("case_manager_workplaces.id", ondelete="SET NULL",
                                name="fk_waitlist_entries_workplace"), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("interpreter_language", sa.String(8), nullable=True),
        sa.Column("seen", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("pending_since", UTC_TIME, nullable=True),
        sa.Column("last_offer_at", UTC_TIME, nullable=True),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.Column("end_reason", sa.String(10), nullable=True),
        sa.CheckConstraint("kind IN ('first_interview', 'follow_up')",
                           name="ck_waitlist_entries_kind"),
        sa.CheckConstraint("end_reason IS NULL OR end_reason IN ('booked', 'left', 'expired')",
                           name="ck_waitlist_entries_reason"),
        sa.CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)",
                           name="ck_waitlist_entries_ended"),
    )
    op.create_index("ix_waitlist_entries_client_id", "waitlist_entries", ["client_id"])
    op.create_index("ix_waitlist_entries_town", "waitlist_entries", ["town", "ended_at"])
    op.create_index("uq_waitlist_entries_active_client", "waitlist_entries", ["client_id"],
                    unique=True, sqlite_where=sa.text(ACTIVE_ENTRY),
                    postgresql_where=sa.text(ACTIVE_ENTRY))
    op.create_table(
        "waitlist_offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(),
                  sa.ForeignKey("waitlist_entries.id", ondelete="CASCADE",
                                name="fk_waitlist_offers_entry"), nullable=False),
        sa.Column("staff_member_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="CASCADE",
                                name="fk_waitlist_offers_staff"), nullable=False),
        sa.Column("office_id", sa.String(63), nullable=False),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("taken_at", UTC_TIME, nullable=True),
    )
    op.create_index("ix_waitlist_offers_entry_id", "waitlist_offers", ["entry_id"])
    op.create_table(
        "undelivered_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bot", sa.String(10), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_member_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_undelivered_messages_staff"), nullable=True),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("summary", sa.String(100), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_undelivered_messages_created_at", "undelivered_messages",
                    ["created_at"])


def downgrade() -> None:
    op.drop_table("undelivered_messages")
    op.drop_table("waitlist_offers")
    op.drop_index("uq_waitlist_entries_active_client", table_name="waitlist_entries")
    op.drop_table("waitlist_entries")
    with op.batch_alter_table("intakes") as batch:
        batch.drop_column("prefilled")
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("late_notice")
    with op.batch_alter_table("office_booking_rules") as batch:
        batch.drop_column("channels")
        batch.drop_column("late_cancel")
        batch.drop_column("cancel_notice_minutes")
