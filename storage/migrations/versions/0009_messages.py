"""Talk to KIM: conversations between a person and the KIM team, their messages (texts only;
files are passed on, never stored), and in the outbox a file to pass on from the client bot or
a relayed message to delete again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "kim_conversations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(),
                  sa.ForeignKey("clients.id", ondelete="CASCADE",
                                name="fk_kim_conversations_client"), nullable=False),
        sa.Column("staff_member_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_kim_conversations_staff"), nullable=True),
        sa.Column("region_id", sa.String(63), nullable=True),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("waiting_since", UTC_TIME, nullable=True),
        sa.Column("last_message_at", UTC_TIME, nullable=False),
        sa.Column("closed_at", UTC_TIME, nullable=True),
    )
    op.create_index("ix_kim_conversations_client_id", "kim_conversations", ["client_id"])
    op.create_index("ix_kim_conversations_staff_member_id", "kim_conversations",
                    ["staff_member_id"])
    op.create_table(
        "kim_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(),
                  sa.ForeignKey("kim_conversations.id", ondelete="CASCADE",
                                name="fk_kim_messages_conversation"), nullable=False),
        sa.Column("from_client", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("attachment", sa.String(10), nullable=True),
        sa.Column("template", sa.String(40), nullable=True),
        sa.Column("staff_member_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_kim_messages_staff"), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("staff_message_id", sa.BigInteger(), nullable=True),
    )
    op.create_index("ix_kim_messages_conversation_id", "kim_messages", ["conversation_id"])
    op.create_index("ix_kim_messages_staff_message", "kim_messages",
                    ["staff_chat_id", "staff_message_id"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("relay", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("delete_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("kim_message_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("kim_message_id")
        batch.drop_column("delete_message_id")
        batch.drop_column("relay")
    op.drop_index("ix_kim_messages_staff_message", table_name="kim_messages")
    op.drop_index("ix_kim_messages_conversation_id", table_name="kim_messages")
    op.drop_table("kim_messages")
    op.drop_index("ix_kim_conversations_staff_member_id", table_name="kim_conversations")
    op.drop_index("ix_kim_conversations_client_id", table_name="kim_conversations")
    op.drop_table("kim_conversations")
