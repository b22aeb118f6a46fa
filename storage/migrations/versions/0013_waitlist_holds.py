"""Waiting list: an offered time is kept for the first person who taps it while they answer
the booking's remaining questions (how to meet, their name); the others are told it has gone.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "waitlist_holds",
        sa.Column("staff_member_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="CASCADE",
                                name="fk_waitlist_holds_staff"), primary_key=True),
        sa.Column("office_id", sa.String(63), primary_key=True),
        sa.Column("starts_at", UTC_TIME, primary_key=True),
        sa.Column("offer_id", sa.Integer(),
                  sa.ForeignKey("waitlist_offers.id", ondelete="CASCADE",
                                name="fk_waitlist_holds_offer"), nullable=False),
        sa.Column("held_until", UTC_TIME, nullable=False),
    )
    op.create_index("ix_waitlist_holds_offer_id", "waitlist_holds", ["offer_id"])


def downgrade() -> None:
    op.drop_index("ix_waitlist_holds_offer_id", table_name="waitlist_holds")
    op.drop_table("waitlist_holds")
