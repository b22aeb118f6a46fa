"""Offer catalogue (regions, towns, offices) and anonymous finder demand counts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The finder remembers a consented person's town (a town id, nothing more precise).
    op.add_column("clients", sa.Column("town", sa.String(63), nullable=True))
    op.create_table(
        "catalogue_regions",
        sa.Column("id", sa.String(63), primary_key=True),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "catalogue_towns",
        sa.Column("id", sa.String(63), primary_key=True),
        sa.Column("region_id", sa.String(63),
                  sa.ForeignKey("catalogue_regions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_catalogue_towns_region_id", "catalogue_towns", ["region_id"])
    op.create_table(
        "catalogue_offices",
        sa.Column("id", sa.String(63), primary_key=True),
        sa.Column("region_id", sa.String(63),
                  sa.ForeignKey("catalogue_regions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
    )
    op.create_index("ix_catalogue_offices_region_id", "catalogue_offices", ["region_id"])
    op.create_table(
        "finder_demand",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("region_id", sa.String(63), nullable=False),
        sa.Column("town_id", sa.String(63), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("offer_found", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("day", "region_id", "town_id", "topic", "language", "offer_found",
                            name="uq_finder_demand_bucket"),
    )


def downgrade() -> None:
    op.drop_table("finder_demand")
    op.drop_index("ix_catalogue_offices_region_id", table_name="catalogue_offices")
    op.drop_table("catalogue_offices")
    op.drop_index("ix_catalogue_towns_region_id", table_name="catalogue_towns")
    op.drop_table("catalogue_towns")
    op.drop_table("catalogue_regions")
    with op.batch_alter_table("clients") as batch:  # SQLite cannot drop a column in place
        batch.drop_column("town")
