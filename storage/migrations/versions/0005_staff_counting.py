"""Staff by invitation and anonymous counting: invitation codes (hashed), the Kreis, towns and
workload share of staff members, Kurzberatungen and KIM case management cases.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
ROLE_CHECK = "role IN ('admin', 'coordination', 'case_manager', 'volunteer', 'partner')"
FTE_CHECK = "fte IS NULL OR (fte > 0 AND fte <= 1)"


def upgrade() -> None:
    with op.batch_alter_table("staff_members") as batch:
        batch.add_column(sa.Column("region_id", sa.String(63), nullable=True))
        batch.add_column(sa.Column("towns", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("fte", sa.Float(), nullable=True))
        batch.add_column(sa.Column("deactivated_at", UTC_TIME, nullable=True))
        batch.create_check_constraint("ck_staff_members_fte", FTE_CHECK)
    op.create_table(
        "staff_invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("region_id", sa.String(63), nullable=True),
        sa.Column("towns", sa.JSON(), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=True),
        sa.Column("fte", sa.Float(), nullable=True),
        sa.Column("created_by_staff_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_staff_invitations_created_by"), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("used_at", UTC_TIME, nullable=True),
        sa.Column("used_by_staff_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_staff_invitations_used_by"), nullable=True),
        sa.CheckConstraint(ROLE_CHECK, name="ck_staff_invitations_role"),
        sa.CheckConstraint(FTE_CHECK, name="ck_staff_invitations_fte"),
    )
    op.create_table(
        "short_consultations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_member_id", sa.Integer(), sa.ForeignKey("staff_members.id"),
                  nullable=False),
        sa.Column("town", sa.String(63), nullable=True),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("second_topic", sa.String(40), nullable=True),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("channel IN ('in_person', 'phone', 'email', 'messenger', "
                           "'outreach')", name="ck_short_consultations_channel"),
        sa.CheckConstraint("second_topic IS NULL OR second_topic <> topic",
                           name="ck_short_consultations_topics"),
    )
    op.create_index("ix_short_consultations_staff_created", "short_consultations",
                    ["staff_member_id", "created_at"])
    op.create_table(
        "cm_cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_member_id", sa.Integer(), sa.ForeignKey("staff_members.id"),
                  nullable=False),
        sa.Column("town", sa.String(63), nullable=True),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("close_reason", sa.String(20), nullable=True),
        sa.CheckConstraint("close_reason IS NULL OR close_reason IN ('goals_reached', "
                           "'ended_by_client', 'ended_by_kim', 'consent_withdrawn', "
                           "'unreachable')", name="ck_cm_cases_reason"),
        sa.CheckConstraint("(closed_at IS NULL) = (close_reason IS NULL)",
                           name="ck_cm_cases_closed"),
    )
    op.create_index("ix_cm_cases_staff_closed", "cm_cases", ["staff_member_id", "closed_at"])


def downgrade() -> None:
    op.drop_index("ix_cm_cases_staff_closed", table_name="cm_cases")
    op.drop_table("cm_cases")
    op.drop_index("ix_short_consultations_staff_created", table_name="short_consultations")
    op.drop_table("short_consultations")
    op.drop_table("staff_invitations")
    with op.batch_alter_table("staff_members") as batch:
        batch.drop_constraint("ck_staff_members_fte", type_="check")
        batch.drop_column("deactivated_at")
        batch.drop_column("fte")
        batch.drop_column("towns")
        batch.drop_column("region_id")
