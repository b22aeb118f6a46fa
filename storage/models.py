"""SQLAlchemy models. Every table is created by an Alembic migration, never by create_all.

What is personal data and why it is kept is documented table by table in docs/privacy.md;
keep that file true when a column is added here.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime


class Base(DeclarativeBase):
    pass


class ClientOrigin(StrEnum):
    TELEGRAM = "telegram"  # agreed to the privacy notice in the client bot
    PHONE = "phone"  # a case manager booked for them and recorded their spoken consent
    # A volunteer or partner service referred them and confirmed they agreed to it; the row is
    # merged into the person's own once they open their invitation and agree themselves.
    REFERRAL = "referral"


class Client(Base):
    """A newcomer who agreed to the privacy notice. No row exists before that agreement."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None for a person a case manager booked by phone: they never wrote to the bot.
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True, nullable=True)
    language: Mapped[str] = mapped_column(String(8))
    # The name (a first name or an alias is enough) case managers see with appointments.
    alias: Mapped[str | None] = mapped_column(String(60), nullable=True, default=None)
    phone: Mapped[str | None] = mapped_column(String(30), nullable=True, default=None)
    origin: Mapped[str] = mapped_column(String(10), default=ClientOrigin.TELEGRAM.value)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consent_version: Mapped[str] = mapped_column(String(20))
    # The town chosen in the office finder, remembered to skip the question next time.
    town: Mapped[str | None] = mapped_column(String(63), nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Telegram refused a message because the person blocked the bot; cleared when they write.
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                            default=None)


class ConversationState(Base):
    """Where one chat stands in its conversation, so a restart continues it.

    The key is a keyed hash of bot and chat id, not the id itself: before consent this row is
    all we keep, it holds no message text, and it expires after a day without activity.
    """

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    bot: Mapped[str] = mapped_column(String(10))
    step: Mapped[str] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class StaffRole(StrEnum):
    ADMIN = "admin"
    COORDINATION = "coordination"
    CASE_MANAGER = "case_manager"
    VOLUNTEER = "volunteer"
    PARTNER = "partner"


class StaffMember(Base):
    """A registered member of KIM staff, a volunteer or a partner service."""

    __tablename__ = "staff_members"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'coordination', 'case_manager', 'volunteer', 'partner')",
            name="ck_staff_members_role",
        ),
        CheckConstraint("fte IS NULL OR (fte > 0 AND fte <= 1)", name="ck_staff_members_fte"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True, nullable=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The Kreis (a catalogue region id) and the towns the member works for; the first town is
    # the default of a Kurzberatung. No foreign key: catalogue imports replace regions wholesale.
    region_id: Mapped[str | None] = mapped_column(String(63), nullable=True, default=None)
    towns: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A case manager's workload share (full-time equivalent, 0.5 = half a post).
    fte: Mapped[float | None] = mapped_column(Float, nullable=True, default=None)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                            default=None)
    # Local time ("07:30") of the working-day digest; None is the default time, "aus" none.
    digest_time: Mapped[str | None] = mapped_column(String(5), nullable=True, default=None)
    # When the last scheduled digest was written: "new since the last digest" starts here.
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                            default=None)


ROLE_CHECK = "role IN ('admin', 'coordination', 'case_manager', 'volunteer', 'partner')"


class StaffInvitation(Base):
    """A one-time code that registers a Telegram account with a role. Only a hash of the code
    is stored, so reading the table does not give anyone a usable code."""

    __tablename__ = "staff_invitations"
    __table_args__ = (
        CheckConstraint(ROLE_CHECK, name="ck_staff_invitations_role"),
        CheckConstraint("fte IS NULL OR (fte > 0 AND fte <= 1)",
                        name="ck_staff_invitations_fte"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    region_id: Mapped[str | None] = mapped_column(String(63), nullable=True, default=None)
    towns: Mapped[list[str]] = mapped_column(JSON, default=list)
    display_name: Mapped[str | None] = mapped_column(String(100), nullable=True, default=None)
    fte: Mapped[float | None] = mapped_column(Float, nullable=True, default=None)
    created_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL",
                   name="fk_staff_invitations_created_by"), nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set once, by a conditional UPDATE: the database guarantees a code registers one account.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=None)
    used_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL",
                   name="fk_staff_invitations_used_by"), nullable=True, default=None)


class ConsultationChannel(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    EMAIL = "email"
    MESSENGER = "messenger"
    OUTREACH = "outreach"  # aufsuchend: in a shelter, a café, at home


class ShortConsultation(Base):
    """One Kurzberatung, counted by a case manager. Anonymous by construction: no client id,
    no name, no free text - only who counted it, where, about what and how."""

    __tablename__ = "short_consultations"
    __table_args__ = (
        CheckConstraint("channel IN ('in_person', 'phone', 'email', 'messenger', 'outreach')",
                        name="ck_short_consultations_channel"),
        CheckConstraint("second_topic IS NULL OR second_topic <> topic",
                        name="ck_short_consultations_topics"),
        Index("ix_short_consultations_staff_created", "staff_member_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    town: Mapped[str | None] = mapped_column(String(63), nullable=True)
    topic: Mapped[str] = mapped_column(String(40))
    second_topic: Mapped[str | None] = mapped_column(String(40), nullable=True)
    channel: Mapped[str] = mapped_column(String(12))
    language: Mapped[str | None] = mapped_column(String(8), nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CaseCloseReason(StrEnum):
    GOALS_REACHED = "goals_reached"
    ENDED_BY_CLIENT = "ended_by_client"
    ENDED_BY_KIM = "ended_by_kim"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    UNREACHABLE = "unreachable"


class CmCase(Base):
    """A KIM case management case, counted anonymously: when it was opened and closed and
    why, per case manager. Nothing links it to a client."""

    __tablename__ = "cm_cases"
    __table_args__ = (
        CheckConstraint("close_reason IS NULL OR close_reason IN ('goals_reached', "
                        "'ended_by_client', 'ended_by_kim', 'consent_withdrawn', 'unreachable')",
                        name="ck_cm_cases_reason"),
        CheckConstraint("(closed_at IS NULL) = (close_reason IS NULL)",
                        name="ck_cm_cases_closed"),
        Index("ix_cm_cases_staff_closed", "staff_member_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    town: Mapped[str | None] = mapped_column(String(63), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                       default=None)
    close_reason: Mapped[str | None] = mapped_column(String(20), nullable=True, default=None)


class InstanceSecret(Base):
    """Random secrets of this installation, shared by every instance through the database."""

    __tablename__ = "instance_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class CatalogueRegion(Base):
    """A Kreis or kreisfreie Stadt whose offer catalogue was imported."""

    __tablename__ = "catalogue_regions"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CatalogueTown(Base):
    __tablename__ = "catalogue_towns"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    region_id: Mapped[str] = mapped_column(
        String(63), ForeignKey("catalogue_regions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)  # the order of the import file


class CatalogueOffice(Base):
    """One office or service. `document` holds the validated record (bot.catalogue.model.Office):
    the finder routes in memory, so the columns are only what imports and exports select on."""

    __tablename__ = "catalogue_offices"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    region_id: Mapped[str] = mapped_column(
        String(63), ForeignKey("catalogue_regions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class FinderDemand(Base):
    """How often the finder was asked what, per week: anonymous by construction (no user id,
    `day` is the Monday of the week), so it survives erasure requests and can be exported as
    evidence of gaps."""

    __tablename__ = "finder_demand"
    __table_args__ = (
        UniqueConstraint("day", "region_id", "town_id", "topic", "language", "offer_found",
                         name="uq_finder_demand_bucket"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    region_id: Mapped[str] = mapped_column(String(63))
    town_id: Mapped[str] = mapped_column(String(63))
    topic: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    offer_found: Mapped[bool] = mapped_column(Boolean)
    count: Mapped[int] = mapped_column(Integer)


class CaseManagerWorkplace(Base):
    """Where a case manager works (a catalogue office), for which towns, and when."""

    __tablename__ = "case_manager_workplaces"
    __table_args__ = (UniqueConstraint("staff_member_id", "office_id",
                                       name="uq_workplace_staff_office"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True)
    # A catalogue office id; no foreign key, because imports replace the catalogue wholesale.
    office_id: Mapped[str] = mapped_column(String(63))
    towns: Mapped[list[str]] = mapped_column(JSON)
    # Schedules in the opening-hours syntax (bot/catalogue/schedule.py).
    working_hours: Mapped[str] = mapped_column(String(500))
    consultation_hours: Mapped[str | None] = mapped_column(String(500), nullable=True)


class OfficeBookingRules(Base):
    """Durations and buffers of one office; offices without a row use the defaults."""

    __tablename__ = "office_booking_rules"

    office_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    first_interview_minutes: Mapped[int] = mapped_column(Integer, default=60)
    follow_up_minutes: Mapped[int] = mapped_column(Integer, default=30)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=10)
    lead_time_minutes: Mapped[int] = mapped_column(Integer, default=120)
    # When the person is reminded, in minutes before the start (default: a day and two hours).
    reminder_minutes: Mapped[list[int]] = mapped_column(JSON, default=lambda: [1440, 120])
    # Cancelling or moving with less notice than this asks the person to phone or write
    # instead; a cancellation that late is still taken if `late_cancel` allows it.
    cancel_notice_minutes: Mapped[int] = mapped_column(Integer, default=1440)
    late_cancel: Mapped[bool] = mapped_column(Boolean, default=True)
    # How follow-ups may take place (codes of Channel); the first interview is in person.
    channels: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["in_person"])


class Absence(Base):
    """A blocked time of a case manager: leave, illness, training, a blocked afternoon."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AppointmentKind(StrEnum):
    FIRST_INTERVIEW = "first_interview"  # always in person at the office
    FOLLOW_UP = "follow_up"


class Channel(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    MISSED = "missed"


OPEN_STATUSES = (AppointmentStatus.BOOKED.value, AppointmentStatus.CONFIRMED.value)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("kind IN ('first_interview', 'follow_up')", name="ck_appointments_kind"),
        CheckConstraint("channel IN ('in_person', 'phone', 'video')",
                        name="ck_appointments_channel"),
        CheckConstraint("status IN ('booked', 'confirmed', 'cancelled', 'attended', 'missed')",
                        name="ck_appointments_status"),
        CheckConstraint("kind <> 'first_interview' OR channel = 'in_person'",
                        name="ck_first_interview_in_person"),
        CheckConstraint("ends_at > starts_at", name="ck_appointments_order"),
        Index("ix_appointments_staff_start", "staff_member_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Erasing a client (/delete) erases their appointments too, after the case manager is told.
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    office_id: Mapped[str] = mapped_column(String(63))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default=AppointmentStatus.BOOKED.value)
    cancelled_by: Mapped[str | None] = mapped_column(String(10), nullable=True)
    interpreter_language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Set when a staff member booked on the person's behalf (a phone call).
    booked_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL",
                   name="fk_appointments_booked_by_staff"), nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the case manager was asked whether the person came (set once, by the scheduler).
    outcome_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                              default=None)
    # Cancelled with less notice than the office asks for (the case manager is told so).
    late_notice: Mapped[bool] = mapped_column(Boolean, default=False)


class AppointmentOutcome(Base):
    """That an appointment was kept or missed, without whose it was: the monthly figures read
    this, so they stay when the person's data is erased."""

    __tablename__ = "appointment_outcomes"
    __table_args__ = (
        CheckConstraint("outcome IN ('attended', 'missed')",
                        name="ck_appointment_outcomes_outcome"),
        Index("ix_appointment_outcomes_staff_start", "staff_member_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    office_id: Mapped[str] = mapped_column(String(63))
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reminder(Base):
    """A reminder the person gets before an appointment, written when it is booked. The
    scheduler turns a due one into an outbox message, or skips it if the appointment was
    cancelled or moved meanwhile; `handled_at` is set once, by a conditional UPDATE."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("appointment_id", "minutes_before", name="uq_reminders_appointment"),
        Index("ix_reminders_due", "handled_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"))
    minutes_before: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                        default=None)
    outcome: Mapped[str | None] = mapped_column(String(10), nullable=True, default=None)


class AppointmentSlot(Base):
    """The database's guarantee against double booking: an open appointment claims every
    5-minute unit it covers, and a unit can be claimed once per case manager."""

    __tablename__ = "appointment_slots"

    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"),
                                                 primary_key=True)
    unit_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True)


class OutboxMessage(Base):
    """A message to a chat other than the one being answered (a case manager told of a
    booking), written in the same transaction as the change it reports, so it is sent even
    if the process dies right after the commit. Deleted once Telegram accepted it."""

    __tablename__ = "outbox"
    # A chat's earlier messages, looked up for each message claimed (order across instances).
    __table_args__ = (Index("ix_outbox_chat", "bot", "chat_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bot: Mapped[str] = mapped_column(String(10))  # "client" or "staff"
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    # [[[label, action], ...], ...]: the keyboard rows, if any.
    buttons: Mapped[list[list[list[str]]] | None] = mapped_column(JSON, nullable=True,
                                                                  default=None)
    rtl: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # A sender holds the row until then; a sender that died lets it go when the time is up.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                           default=None)
    # Which sender holds it: a sender whose claim ran out may not delete or reschedule it.
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Set, and committed, right before the request goes to Telegram. A row found with it after
    # a crash may have been delivered: it is not sent again (see scheduler/outbox.py).
    sending_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                        default=None)
    # A message about an appointment (a reminder) is dropped if the appointment is no longer
    # open when its turn comes, and any message is dropped after `not_after`.
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE", name="fk_outbox_appointment"),
        nullable=True, default=None)
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                       default=None)
    # A file the person sent, passed on as it is: {"kind": "photo" | "document" | "voice",
    # "file_id": the client bot's id, "file_name", "mime_type"}. Fetched through the client bot
    # and sent by this row's bot when its turn comes; its content is never stored.
    relay: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=None)
    # Instead of sending: delete this message of the chat (a relayed message, after erasure).
    delete_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True,
                                                          default=None)
    # The KIM message this row carries to a staff chat: its Telegram id is recorded there once
    # sent, so a reply to it is known and an erasure can delete it.
    kim_message_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    # A file kimbot made itself, sent with `text` as its caption: {"file_name", "mime_type",
    # "content": base64}. Only small files (a calendar file of a few hundred bytes); the row
    # and so the file are deleted once sent.
    document: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=None)


class AccessLog(Base):
    """Who on the staff side saw or changed which client's data, and when.

    `client_id` is a plain number, not a foreign key: the entry must outlive an erasure (it then
    points at nobody, and says nothing about the person except that a record existed)."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), nullable=True)
    client_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))  # e.g. "appointments.today"


class IntakeStatus(StrEnum):
    DRAFT = "draft"  # the person is still answering; only they see it
    SUBMITTED = "submitted"  # sent; clearing moves it on in the same transaction
    QUEUED = "queued"  # waiting in the coordination queue of its Kreis
    ASSIGNED = "assigned"  # a case manager has it
    WITHDRAWN = "withdrawn"  # the person took it back; the answers are cleared


INTAKE_STATUSES = tuple(status.value for status in IntakeStatus)
_STATUS_LIST = ", ".join(f"'{status}'" for status in INTAKE_STATUSES)
# One intake of their own at a time per person: a new one can start only after the last was
# withdrawn. Referrals by others are not limited: two services may refer the same person.
ACTIVE_INTAKE = "status <> 'withdrawn' AND source = 'client'"


class IntakeSource(StrEnum):
    CLIENT = "client"  # the person answered it in the client bot
    REFERRAL = "referral"  # a volunteer or partner service referred the person
    HANDOVER = "handover"  # a partner service reported a complex case (reasons below)


class Intake(Base):
    """A person's answers before the first interview, stored as codes so staff read them in
    German whatever language was used. Hangs off the client: erasure removes it."""

    __tablename__ = "intakes"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="ck_intakes_status"),
        CheckConstraint("children IS NULL OR (children >= 0 AND children <= 20)",
                        name="ck_intakes_children"),
        CheckConstraint("status <> 'assigned' OR assigned_staff_id IS NOT NULL",
                        name="ck_intakes_assigned"),
        Index("uq_intakes_active_client", "client_id", unique=True,
              sqlite_where=text(ACTIVE_INTAKE), postgresql_where=text(ACTIVE_INTAKE)),
        Index("ix_intakes_status_region", "status", "region_id"),
        Index("ix_intakes_assigned", "assigned_staff_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[str] = mapped_column(String(10), default=IntakeStatus.DRAFT.value)
    town: Mapped[str | None] = mapped_column(String(63), nullable=True, default=None)
    # The town's Kreis when sent: who may see the intake is decided per Kreis.
    region_id: Mapped[str | None] = mapped_column(String(63), nullable=True, default=None)
    # Codes; None means "not answered yet" for every answer below.
    topics: Mapped[list[str] | None] = mapped_column(JSON, nullable=True, default=None)
    household: Mapped[str | None] = mapped_column(String(10), nullable=True, default=None)
    children: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    age_group: Mapped[str | None] = mapped_column(String(10), nullable=True, default=None)
    languages: Mapped[list[str] | None] = mapped_column(JSON, nullable=True, default=None)
    german_level: Mapped[str | None] = mapped_column(String(4), nullable=True, default=None)
    # A language code, or "no".
    interpreter: Mapped[str | None] = mapped_column(String(8), nullable=True, default=None)
    services: Mapped[list[str] | None] = mapped_column(JSON, nullable=True, default=None)
    services_helping: Mapped[str | None] = mapped_column(String(8), nullable=True,
                                                         default=None)
    letter: Mapped[str | None] = mapped_column(String(4), nullable=True, default=None)
    letter_deadline: Mapped[date | None] = mapped_column(Date, nullable=True, default=None)
    contact: Mapped[str | None] = mapped_column(String(10), nullable=True, default=None)
    phone: Mapped[str | None] = mapped_column(String(30), nullable=True, default=None)
    residence: Mapped[str | None] = mapped_column(String(24), nullable=True, default=None)
    # As written by the person ("" = nothing to add), and the language they chatted in.
    note: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)
    note_language: Mapped[str | None] = mapped_column(String(8), nullable=True, default=None)
    source: Mapped[str] = mapped_column(String(10), default=IntakeSource.CLIENT.value,
                                        server_default=IntakeSource.CLIENT.value)
    # A hand-over's reasons and the legal areas involved (codes in bot/referral/codes.py).
    referral_reasons: Mapped[list[str] | None] = mapped_column(JSON, nullable=True, default=None)
    legal_areas: Mapped[list[str] | None] = mapped_column(JSON, nullable=True, default=None)
    # The questions answered before the person saw them (the finder's town and topic, the
    # booking's interpreter, a referral's details): not asked again, shown on the check screen.
    prefilled: Mapped[list[str] | None] = mapped_column(JSON, nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                          default=None)
    assigned_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL", name="fk_intakes_assigned_staff"),
        nullable=True, default=None)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                         default=None)


class AssignmentReason(StrEnum):
    FIRST_INTERVIEW = "first_interview"  # the case manager of the booked first interview
    RULE = "rule"  # the Kreis's clearing rule names this case manager
    TEAM = "team"  # the rule names an office whose only case manager this is
    ONLY_CASE_MANAGER = "only_cm"  # the only case manager working for the town
    QUEUE = "queue"  # nothing unambiguous: coordination decides
    COORDINATION = "coordination"  # assigned or reassigned by coordination
    RETURNED = "returned"  # the case manager gave it back to the queue


class IntakeAssignment(Base):
    """The clearing history of an intake: who gave it to whom, when and why. `to_staff_id`
    None is the coordination queue; `by_staff_id` None is the automatic clearing."""

    __tablename__ = "intake_assignments"
    __table_args__ = (
        CheckConstraint("reason IN ('first_interview', 'rule', 'team', 'only_cm', 'queue', "
                        "'coordination', 'returned')", name="ck_intake_assignments_reason"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"),
                                           index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    from_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL", name="fk_intake_assignments_from"),
        nullable=True, default=None)
    to_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL", name="fk_intake_assignments_to"),
        nullable=True, default=None)
    by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL", name="fk_intake_assignments_by"),
        nullable=True, default=None)
    reason: Mapped[str] = mapped_column(String(20))


class ClearingTarget(StrEnum):
    STAFF = "staff"  # one case manager
    OFFICE = "office"  # a team: the case managers with a workplace at this office
    QUEUE = "queue"  # always the coordination queue


class ClearingRule(Base):
    """Who gets a new intake from a town, as the Kreis decided (`kimbot clearing set-rule`).
    Towns without a rule go to their only case manager, or else to the queue."""

    __tablename__ = "clearing_rules"
    __table_args__ = (
        CheckConstraint("target IN ('staff', 'office', 'queue')",
                        name="ck_clearing_rules_target"),
        CheckConstraint("(target = 'staff') = (staff_member_id IS NOT NULL)",
                        name="ck_clearing_rules_staff"),
        CheckConstraint("(target = 'office') = (office_id IS NOT NULL)",
                        name="ck_clearing_rules_office"),
    )

    # Town ids are unique across regions (the catalogue's primary key): one rule per town.
    town_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    region_id: Mapped[str] = mapped_column(String(63))
    target: Mapped[str] = mapped_column(String(10))
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE", name="fk_clearing_rules_staff"),
        nullable=True, default=None)
    # A catalogue office id; no foreign key, because imports replace the catalogue wholesale.
    office_id: Mapped[str | None] = mapped_column(String(63), nullable=True, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Referral(Base):
    """What the referrer may still see of a referral after sending it: its number, kind, day
    and whether contact was made. No personal data: that lives in the intake and the client
    row, which the referrer can never open, and which go when the person erases their data
    (`intake_id` then becomes NULL)."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint("kind IN ('referral', 'handover')", name="ck_referrals_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # IntakeSource.REFERRAL or HANDOVER
    referred_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL", name="fk_referrals_referred_by"),
        nullable=True, index=True)
    region_id: Mapped[str | None] = mapped_column(String(63), nullable=True, default=None)
    intake_id: Mapped[int | None] = mapped_column(
        ForeignKey("intakes.id", ondelete="SET NULL", name="fk_referrals_intake"),
        nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The person answered their invitation, or the case manager reached them.
    contact_made_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                             default=None)


class ReferralLink(Base):
    """A personal invitation to the client bot: works once, until it expires. Only a hash of
    the token is stored, so the table gives nobody a usable link."""

    __tablename__ = "referral_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE", name="fk_referral_links_referral"),
        index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=None)


class KimConversation(Base):
    """A person writing to the KIM team: open until staff mark it done; the person writing again
    opens a new one. `waiting_since` is when the oldest message nobody has answered arrived."""

    __tablename__ = "kim_conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE", name="fk_kim_conversations_client"),
        index=True)
    # Who answers; None: the coordination queue of the region.
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL", name="fk_kim_conversations_staff"),
        nullable=True, index=True)
    region_id: Mapped[str | None] = mapped_column(String(63), nullable=True, default=None)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                           default=None)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                       default=None)


class KimMessage(Base):
    """One message of a conversation: its text as written (a file is named by its kind only),
    or the template an answer used."""

    __tablename__ = "kim_messages"
    __table_args__ = (Index("ix_kim_messages_staff_message", "staff_chat_id",
                            "staff_message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("kim_conversations.id", ondelete="CASCADE",
                   name="fk_kim_messages_conversation"), index=True)
    from_client: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)
    attachment: Mapped[str | None] = mapped_column(String(10), nullable=True, default=None)
    template: Mapped[str | None] = mapped_column(String(40), nullable=True, default=None)
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL", name="fk_kim_messages_staff"),
        nullable=True, default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where the person's message was shown on the staff side, once the outbox sent it.
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, default=None)
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, default=None)


class WaitlistEndReason(StrEnum):
    BOOKED = "booked"  # the person booked (an offer or otherwise)
    LEFT = "left"  # the person left the list
    EXPIRED = "expired"  # 30 days passed


ACTIVE_WAITLIST_ENTRY = "ended_at IS NULL"


class WaitlistEntry(Base):
    """A person waiting for a time in a town (at one place, or any): they get an offer when a
    cancellation or new working hours free one. Hangs off the client: erasure removes it."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('first_interview', 'follow_up')",
                        name="ck_waitlist_entries_kind"),
        CheckConstraint("end_reason IS NULL OR end_reason IN ('booked', 'left', 'expired')",
                        name="ck_waitlist_entries_reason"),
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)",
                        name="ck_waitlist_entries_ended"),
        Index("ix_waitlist_entries_town", "town", "ended_at"),
        # One place on the list per person.
        Index("uq_waitlist_entries_active_client", "client_id", unique=True,
              sqlite_where=text(ACTIVE_WAITLIST_ENTRY),
              postgresql_where=text(ACTIVE_WAITLIST_ENTRY)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE", name="fk_waitlist_entries_client"),
        index=True)
    town: Mapped[str] = mapped_column(String(63))
    # The place chosen (a case manager at an office); None: any place in the town.
    workplace_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_manager_workplaces.id", ondelete="SET NULL",
                   name="fk_waitlist_entries_workplace"), nullable=True, default=None)
    kind: Mapped[str] = mapped_column(String(20))
    # The interpreter asked for when joining: an offer taken books with it.
    interpreter_language: Mapped[str | None] = mapped_column(String(8), nullable=True,
                                                             default=None)
    # Start times (minutes since the epoch) the person saw and did not want: never offered.
    seen: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A cancellation or new working hours in the town may have freed a time since then.
    pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                           default=None)
    last_offer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                           default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                      default=None)
    end_reason: Mapped[str | None] = mapped_column(String(10), nullable=True, default=None)


class WaitlistOffer(Base):
    """One free time offered to a waiting person. Several people may be offered the same time;
    the first tap keeps it for that person (WaitlistHold)."""

    __tablename__ = "waitlist_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("waitlist_entries.id", ondelete="CASCADE", name="fk_waitlist_offers_entry"),
        index=True)
    staff_member_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE", name="fk_waitlist_offers_staff"))
    office_id: Mapped[str] = mapped_column(String(63))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=None)


class WaitlistHold(Base):
    """An offered time kept for the first waiting person who tapped it, while they answer the
    booking's remaining questions; the others who tap it are told it has gone. One row per
    time (the primary key), so two taps at once cannot both win. A hold lapses at
    `held_until`; the next tap may then take it."""

    __tablename__ = "waitlist_holds"

    staff_member_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE", name="fk_waitlist_holds_staff"),
        primary_key=True)
    office_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("waitlist_offers.id", ondelete="CASCADE", name="fk_waitlist_holds_offer"),
        index=True)
    held_until: Mapped[datetime] = mapped_column(UTCDateTime())


class UndeliveredMessage(Base):
    """A message Telegram refused for good (chat not found, bot blocked), with the reason, so
    it is never only a log line: coordination's digest and `kimbot outbox status` show it.
    Kept 30 days."""

    __tablename__ = "undelivered_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bot: Mapped[str] = mapped_column(String(10))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL",
                   name="fk_undelivered_messages_staff"), nullable=True, default=None)
    reason: Mapped[str] = mapped_column(String(200))
    # The message's first line, shortened: what it was about ("📅 Neuer Termin").
    summary: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
class ProcessedUpdate(Base):
    """A webhook update already handled, kept until Telegram has long stopped sending it again
    (it gives up after about a day), so a re-sent update is answered once. Holds no message
    text, except `pending`: the replies of a multi-message answer while they are being sent
    (`started` of them have started), cleared as the last one starts."""

    __tablename__ = "processed_updates"

    bot: Mapped[str] = mapped_column(String(10), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    pending: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True,
                                                                  default=None)
    started: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ChatSendPace(Base):
    """When a chat may get its next message from the outbox, so Telegram's per-chat limit
    holds however many instances send. Rows are stale a few seconds after `next_at`."""

    __tablename__ = "chat_send_pace"

    bot: Mapped[str] = mapped_column(String(10), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
