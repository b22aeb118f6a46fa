"""Appointments: workplaces and hours of case managers, booking rules, absences,
appointments and the slot units that make double booking impossible.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "case_manager_workplaces",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_member_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("office_id", sa.String(63), nullable=False),
        sa.Column("towns", sa.JSON(), nullable=False),
        sa.Column("working_hours", sa.String(500), nullable=False),
        sa.Column("consultation_hours", sa.String(500), nullable=True),
        sa.UniqueConstraint("staff_member_id", "office_id", name="uq_workplace_staff_office"),
    )
    op.create_index("ix_case_manager_workplaces_staff_member_id", "case_manager_workplaces",
                    ["staff_member_id"])
    op.create_table(
        "office_booking_rules",
        sa.Column("office_id", sa.String(63), primary_key=True),
        sa.Column("first_interview_minutes", sa.Integer(), nullable=False),
        sa.Column("follow_up_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("lead_time_minutes", sa.Integer(), nullable=False),
    )
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_member_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_absences_staff_member_id", "absences", ["staff_member_id"])
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("staff_member_id", sa.Integer(), sa.ForeignKey("staff_members.id"),
                  nullable=False),
        sa.Column("office_id", sa.String(63), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("cancelled_by", sa.String(10), nullable=True),
        sa.Column("interpreter_language", sa.String(8), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("kind IN ('first_interview', 'follow_up')",
                           name="ck_appointments_kind"),
        sa.CheckConstraint("channel IN ('in_person', 'phone', 'video')",
                           name="ck_appointments_channel"),
        sa.CheckConstraint("status IN ('booked', 'confirmed', 'cancelled', 'attended', 'missed')",
                           name="ck_appointments_status"),
        sa.CheckConstraint("kind <> 'first_interview' OR channel = 'in_person'",
                           name="ck_first_interview_in_person"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_appointments_order"),
    )
    op.create_index("ix_appointments_client_id", "appointments", ["client_id"])
    op.create_index("ix_appointments_staff_start", "appointments",
                    ["staff_member_id", "starts_at"])
    op.create_table(
        "appointment_slots",
        sa.Column("staff_member_id", sa.Integer(), sa.ForeignKey("staff_members.id"),
                  primary_key=True),
        sa.Column("unit_start", UTC_TIME, primary_key=True),
        sa.Column("appointment_id", sa.Integer(),
                  sa.ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_appointment_slots_appointment_id", "appointment_slots",
                    ["appointment_id"])


def downgrade() -> None:
    op.drop_index("ix_appointment_slots_appointment_id", table_name="appointment_slots")
    op.drop_table("appointment_slots")
    op.drop_index("ix_appointments_staff_start", table_name="appointments")
    op.drop_index("ix_appointments_client_id", table_name="appointments")
    op.drop_table("appointments")
    op.drop_index("ix_absences_staff_member_id", table_name="absences")
    op.drop_table("absences")
    op.drop_table("office_booking_rules")
    op.drop_index("ix_case_manager_workplaces_staff_member_id",
                  table_name="case_manager_workplaces")
    op.drop_table("case_manager_workplaces")
