"""Outbox: a file made by kimbot itself (a calendar file) carried in the row, so that a
change the team makes (a cancelled appointment) reaches the person with its calendar update
through the outbox, surviving a crash and keeping the rate limits.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("document", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("document")
