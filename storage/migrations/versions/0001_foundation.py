"""Foundation: clients, conversation states, staff members, instance secrets.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_version", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("telegram_id", name="uq_clients_telegram_id"),
    )
    op.create_table(
        "conversation_states",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("bot", sa.String(10), nullable=False),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_conversation_states_expires_at", "conversation_states", ["expires_at"])
    op.create_table(
        "staff_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("telegram_id", name="uq_staff_members_telegram_id"),
        sa.CheckConstraint(
            "role IN ('admin', 'coordination', 'case_manager', 'volunteer', 'partner')",
            name="ck_staff_members_role",
        ),
    )
    secrets_table = op.create_table(
        "instance_secrets",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )
    # The key for hashing chat ids in conversation_states: made once per installation.
    op.bulk_insert(secrets_table, [{"name": "state_key", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    op.drop_table("instance_secrets")
    op.drop_table("staff_members")
    op.drop_index("ix_conversation_states_expires_at", table_name="conversation_states")
    op.drop_table("conversation_states")
    op.drop_table("clients")
