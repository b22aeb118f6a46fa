"""What each staff role may do in the staff bot. Every command and every button is checked
against these sets on the server, whatever keyboard the person still has on screen."""

from __future__ import annotations

from enum import StrEnum

from storage.models import StaffMember, StaffRole


class Permission(StrEnum):
    APPOINTMENTS = "appointments"  # see and book appointments: client data
    COUNTING = "counting"  # count Kurzberatungen and CM cases (anonymous)
    STAFF = "staff"  # invite and deactivate accounts
    INTAKES = "intakes"  # open intakes assigned to oneself (and, for coordination, the Kreis's)
    CLEARING = "clearing"  # the coordination queue: assign and reassign intakes
    REFER = "refer"  # refer a person to KIM, then see only the referral's status
    HANDOVER = "handover"  # report a complex case with its reasons (partner services)
    MESSAGES = "messages"  # read and answer what people write to KIM


# Volunteers and partner services refer people but never see a client's data, and they do no
# case management, so they count nothing either.
APPOINTMENT_ROLES = frozenset({StaffRole.CASE_MANAGER.value, StaffRole.COORDINATION.value,
                               StaffRole.ADMIN.value})
# Coordination and admin count too: KI teams do case management themselves.
COUNTING_ROLES = APPOINTMENT_ROLES
STAFF_ROLES = frozenset({StaffRole.COORDINATION.value, StaffRole.ADMIN.value})
INTAKE_ROLES = APPOINTMENT_ROLES
CLEARING_ROLES = STAFF_ROLES
# Volunteers and partner services send people to KIM; coordination and admin take such calls
# too. Case managers take cases rather than refer them.
REFER_ROLES = frozenset({StaffRole.VOLUNTEER.value, StaffRole.PARTNER.value,
                         StaffRole.COORDINATION.value, StaffRole.ADMIN.value})
# The reporting procedure for complex cases is for partner services (Jobcenter, ABH, advice
# services); admin can use every feature.
HANDOVER_ROLES = frozenset({StaffRole.PARTNER.value, StaffRole.ADMIN.value})
# People's messages are client data: case management, coordination and administration only.
MESSAGE_ROLES = APPOINTMENT_ROLES

ROLES_FOR: dict[Permission, frozenset[str]] = {
    Permission.APPOINTMENTS: APPOINTMENT_ROLES,
    Permission.COUNTING: COUNTING_ROLES,
    Permission.STAFF: STAFF_ROLES,
    Permission.INTAKES: INTAKE_ROLES,
    Permission.CLEARING: CLEARING_ROLES,
    Permission.REFER: REFER_ROLES,
    Permission.HANDOVER: HANDOVER_ROLES,
    Permission.MESSAGES: MESSAGE_ROLES,
}


def allowed(member: StaffMember, permission: Permission) -> bool:
    return member.role in ROLES_FOR[permission]


def may_use_appointments(member: StaffMember) -> bool:
    return allowed(member, Permission.APPOINTMENTS)
