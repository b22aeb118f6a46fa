"""Booking by clients and staff, and the log of staff access to client data: clients without Telegram (booked by phone), the name a person
gives for their appointments, who booked an appointment; and the outbox that carries messages
to other chats (a case manager told of a booking) durably, through restarts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Batch mode: SQLite cannot alter a column's nullability in place.
    with op.batch_alter_table("clients") as batch:
        batch.alter_column("telegram_id", existing_type=sa.BigInteger(), nullable=True)
        batch.add_column(sa.Column("alias", sa.String(60), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(30), nullable=True))
        batch.add_column(sa.Column("origin", sa.String(10), nullable=False,
                                   server_default="telegram"))
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("booked_by_staff_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_appointments_booked_by_staff", "staff_members",
                                 ["booked_by_staff_id"], ["id"], ondelete="SET NULL")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bot", sa.String(10), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=True),
        sa.Column("rtl", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("claimed_until", UTC_TIME, nullable=True),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("staff_member_id", sa.Integer(),
                  sa.ForeignKey("staff_members.id", ondelete="SET NULL"), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
    )
    op.create_index("ix_access_log_client_id", "access_log", ["client_id"])
    op.create_index("ix_access_log_at", "access_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_access_log_at", table_name="access_log")
    op.drop_index("ix_access_log_client_id", table_name="access_log")
    op.drop_table("access_log")
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
    with op.batch_alter_table("appointments") as batch:
        batch.drop_constraint("fk_appointments_booked_by_staff", type_="foreignkey")
        batch.drop_column("booked_by_staff_id")
    # People booked by phone cannot exist in 0003. Their rows go explicitly: migrations run
    # with SQLite's foreign keys off, so nothing would cascade.
    phone_clients = "SELECT id FROM clients WHERE telegram_id IS NULL"
    op.execute("DELETE FROM appointment_slots WHERE appointment_id IN (SELECT id FROM "
               f"appointments WHERE client_id IN ({phone_clients}))")
    op.execute(f"DELETE FROM appointments WHERE client_id IN ({phone_clients})")
    op.execute("DELETE FROM clients WHERE telegram_id IS NULL")
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("origin")
        batch.drop_column("phone")
        batch.drop_column("alias")
        batch.alter_column("telegram_id", existing_type=sa.BigInteger(), nullable=False)
