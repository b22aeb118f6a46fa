"""Referrals by volunteers and partner services: where an intake came from (the person, a
referral, a partner's hand-over of a complex case with its reasons), the referrer's status
record without personal data, and single-use invitation links to the client bot (hashed).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
OLD_ACTIVE_INTAKE = "status <> 'withdrawn'"
ACTIVE_INTAKE = "status <> 'withdrawn' AND source = 'client'"


def _active_index(where: str) -> None:
    op.create_index("uq_intakes_active_client", "intakes", ["client_id"], unique=True,
                    sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def upgrade() -> None:
    # Referrals by others do not count against the person's one intake of their own. Dropped
    # first so that no table copy on SQLite recreates it without its WHERE clause.
    op.drop_index("uq_intakes_active_client", table_name="intakes")
    with op.batch_alter_table("intakes") as batch:
        batch.add_column(sa.Column("source", sa.String(10), nullable=False,
                                   server_default="client"))
        batch.add_column(sa.Column("referral_reasons", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("legal_areas", sa.JSON(), nullable=True))
    _active_index(ACTIVE_INTAKE)
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("referred_by_staff_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_referrals_referred_by"), nullable=True),
        sa.Column("region_id", sa.String(63), nullable=True),
        sa.Column("intake_id", sa.Integer(),
                  sa.ForeignKey("intakes.id", ondelete="SET NULL", name="fk_referrals_intake"),
                  nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("contact_made_at", UTC_TIME, nullable=True),
        sa.CheckConstraint("kind IN ('referral', 'handover')", name="ck_referrals_kind"),
        sa.UniqueConstraint("intake_id", name="uq_referrals_intake_id"),
    )
    op.create_index("ix_referrals_referred_by_staff_id", "referrals", ["referred_by_staff_id"])
    op.create_table(
        "referral_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("referral_id", sa.Integer(),
                  sa.ForeignKey("referrals.id", ondelete="CASCADE",
                                name="fk_referral_links_referral"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("used_at", UTC_TIME, nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_referral_links_token_hash"),
    )
    op.create_index("ix_referral_links_referral_id", "referral_links", ["referral_id"])


def downgrade() -> None:
    op.drop_table("referral_links")
    op.drop_table("referrals")
    op.drop_index("uq_intakes_active_client", table_name="intakes")
    op.execute("DELETE FROM intakes WHERE source <> 'client'")
    with op.batch_alter_table("intakes") as batch:
        batch.drop_column("legal_areas")
        batch.drop_column("referral_reasons")
        batch.drop_column("source")
    _active_index(OLD_ACTIVE_INTAKE)
