"""Running as a service: the updates already handled per bot (so a webhook update Telegram
sends again is recognised, with the replies still owed when an instance died while sending),
each chat's next allowed send time, shared by every instance on one database, and an index
for keeping a chat's outbox messages in order across instances.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "processed_updates",
        sa.Column("bot", sa.String(10), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        # While an answer of several messages is being sent: all its replies, and how many
        # have started (a conditional UPDATE on `started` decides who sends the next one).
        sa.Column("pending", sa.JSON(), nullable=True),
        sa.Column("started", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("bot", "update_id", name="pk_processed_updates"),
    )
    op.create_index("ix_processed_updates_expires_at", "processed_updates", ["expires_at"])
    op.create_table(
        "chat_send_pace",
        sa.Column("bot", sa.String(10), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("next_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("bot", "chat_id", name="pk_chat_send_pace"),
    )
    op.create_index("ix_chat_send_pace_next_at", "chat_send_pace", ["next_at"])
    # A chat's earlier messages are looked up for every message claimed (its order holds
    # across instances).
    op.create_index("ix_outbox_chat", "outbox", ["bot", "chat_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_chat", table_name="outbox")
    op.drop_index("ix_chat_send_pace_next_at", table_name="chat_send_pace")
    op.drop_table("chat_send_pace")
    op.drop_index("ix_processed_updates_expires_at", table_name="processed_updates")
    op.drop_table("processed_updates")
