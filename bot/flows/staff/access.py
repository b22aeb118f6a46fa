"""Which staff roles may use the appointment features of the staff bot."""

from __future__ import annotations

from storage.models import StaffMember, StaffRole

# Volunteers and partner services refer people but never see a client's data.
APPOINTMENT_ROLES = frozenset({StaffRole.CASE_MANAGER.value, StaffRole.COORDINATION.value,
                               StaffRole.ADMIN.value})


def may_use_appointments(member: StaffMember) -> bool:
    return member.role in APPOINTMENT_ROLES
