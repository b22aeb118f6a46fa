"""Intake and clearing: a person's answers before the first interview (as codes, erased with
the person), the history of who assigned an intake to whom, and the Kreis's clearing rules
(town -> case manager, team office, or always the coordination queue).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
ACTIVE_INTAKE = "status <> 'withdrawn'"


def upgrade() -> None:
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("town", sa.String(63), nullable=True),
        sa.Column("region_id", sa.String(63), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=True),
        sa.Column("household", sa.String(10), nullable=True),
        sa.Column("children", sa.Integer(), nullable=True),
        sa.Column("age_group", sa.String(10), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=True),
        sa.Column("german_level", sa.String(4), nullable=True),
        sa.Column("interpreter", sa.String(8), nullable=True),
        sa.Column("services", sa.JSON(), nullable=True),
        sa.Column("services_helping", sa.String(8), nullable=True),
        sa.Column("letter", sa.String(4), nullable=True),
        sa.Column("letter_deadline", sa.Date(), nullable=True),
        sa.Column("contact", sa.String(10), nullable=True),
        sa.Column("phone", sa.String(30), nullable=True),
        sa.Column("residence", sa.String(24), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("note_language", sa.String(8), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("submitted_at", UTC_TIME, nullable=True),
        sa.Column("assigned_staff_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_intakes_assigned_staff"), nullable=True),
        sa.Column("assigned_at", UTC_TIME, nullable=True),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'queued', 'assigned', "
                           "'withdrawn')", name="ck_intakes_status"),
        sa.CheckConstraint("children IS NULL OR (children >= 0 AND children <= 20)",
                           name="ck_intakes_children"),
        sa.CheckConstraint("status <> 'assigned' OR assigned_staff_id IS NOT NULL",
                           name="ck_intakes_assigned"),
    )
    op.create_index("ix_intakes_client_id", "intakes", ["client_id"])
    # One intake at a time per person, whatever instance handles the chat.
    op.create_index("uq_intakes_active_client", "intakes", ["client_id"], unique=True,
                    sqlite_where=sa.text(ACTIVE_INTAKE), postgresql_where=sa.text(ACTIVE_INTAKE))
    op.create_index("ix_intakes_status_region", "intakes", ["status", "region_id"])
    op.create_index("ix_intakes_assigned", "intakes", ["assigned_staff_id", "status"])
    op.create_table(
        "intake_assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("intake_id", sa.Integer(), sa.ForeignKey("intakes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("from_staff_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_intake_assignments_from"), nullable=True),
        sa.Column("to_staff_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_intake_assignments_to"), nullable=True),
        sa.Column("by_staff_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL",
                                name="fk_intake_assignments_by"), nullable=True),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.CheckConstraint("reason IN ('first_interview', 'rule', 'team', 'only_cm', 'queue', "
                           "'coordination', 'returned')", name="ck_intake_assignments_reason"),
    )
    op.create_index("ix_intake_assignments_intake_id", "intake_assignments", ["intake_id"])
    op.create_table(
        "clearing_rules",
        sa.Column("town_id", sa.String(63), primary_key=True),
        sa.Column("region_id", sa.String(63), nullable=False),
        sa.Column("target", sa.String(10), nullable=False),
        sa.Column("staff_member_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="CASCADE",
                                name="fk_clearing_rules_staff"), nullable=True),
        sa.Column("office_id", sa.String(63), nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("target IN ('staff', 'office', 'queue')",
                           name="ck_clearing_rules_target"),
        sa.CheckConstraint("(target = 'staff') = (staff_member_id IS NOT NULL)",
                           name="ck_clearing_rules_staff"),
        sa.CheckConstraint("(target = 'office') = (office_id IS NOT NULL)",
                           name="ck_clearing_rules_office"),
    )


def downgrade() -> None:
    op.drop_table("clearing_rules")
    op.drop_index("ix_intake_assignments_intake_id", table_name="intake_assignments")
    op.drop_table("intake_assignments")
    op.drop_index("ix_intakes_assigned", table_name="intakes")
    op.drop_index("ix_intakes_status_region", table_name="intakes")
    op.drop_index("uq_intakes_active_client", table_name="intakes")
    op.drop_index("ix_intakes_client_id", table_name="intakes")
    op.drop_table("intakes")
