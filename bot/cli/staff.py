"""`kimbot staff ...`: register, invite, change, deactivate and reactivate staff accounts, and
set where a case manager works."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import in_transaction, load_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.models import StaffMember, StaffRole


@click.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add-admin")
@click.option("--telegram-id", type=int, required=True,
              help="The admin's numeric Telegram user id.")
@click.option("--name", required=True, help="Display name, e.g. 'A. Admin (KI)'.")
def add_admin(telegram_id: int, name: str) -> None:
    """Register the first admin (later staff join by invitation)."""
    from storage.models import StaffRole

    member_id = _add_staff(telegram_id, name, StaffRole.ADMIN)
    click.echo(f"Admin {name.strip()} registered (staff id {member_id}).")


_ROLES = ("admin", "coordination", "case_manager", "volunteer", "partner")


@staff.command("add")
@click.option("--telegram-id", type=int, required=True, help="Numeric Telegram user id.")
@click.option("--name", required=True, help="Display name, e.g. 'S. Kaya (KIM Odenthal)'.")
@click.option("--role", type=click.Choice(_ROLES), required=True)
@click.option("--region", default=None, help="Kreis (catalogue region id).")
@click.option("--towns", default=None, help="Town ids, comma-separated: a,b (first = default).")
@click.option("--fte", type=float, default=None,
              help="Case managers: share of a full-time post, e.g. 0.5 or 1.0.")
def staff_add(telegram_id: int, name: str, role: str, region: str | None, towns: str | None,
              fte: float | None) -> None:
    """Register a staff member with a role (case managers then need a workplace)."""
    from storage.models import StaffRole

    member_id = _add_staff(telegram_id, name, StaffRole(role), region, _town_list(towns), fte)
    click.echo(f"{name.strip()} registered as {role} (staff id {member_id}).")


@staff.command("update")
@click.option("--telegram-id", type=int, required=True, help="Numeric Telegram user id.")
@click.option("--region", default=None, help="Kreis (catalogue region id).")
@click.option("--towns", default=None, help="Town ids, comma-separated: a,b (first = default).")
@click.option("--fte", type=float, default=None, help="Share of a full-time post (0.5, 1.0).")
def staff_update(telegram_id: int, region: str | None, towns: str | None,
                 fte: float | None) -> None:
    """Change a member's Kreis, towns or workload share (options left out keep their value)."""
    from bot.appointments.setup import check_fte, resolve_area

    async def write(session: AsyncSession) -> str:
        member = await _member(session, telegram_id)
        check_fte(fte)
        if region is not None or towns is not None:
            given = _town_list(towns) if towns is not None else tuple(member.towns or ())
            member.region_id, chosen = await resolve_area(session, region or member.region_id,
                                                          given)
            member.towns = list(chosen)
        if fte is not None:
            member.fte = fte
        return (f"{member.display_name}: Kreis {member.region_id or '-'}, towns "
                f"{', '.join(member.towns or []) or '-'}, FTE {member.fte or '-'}")

    click.echo(in_transaction(load_settings(), write))


@staff.command("invite")
@click.option("--role", type=click.Choice(_ROLES), required=True)
@click.option("--region", default=None, help="Kreis (catalogue region id); default: the towns'.")
@click.option("--towns", default=None, help="Town ids, comma-separated: a,b")
@click.option("--name", default=None, help="Display name; without it the person is asked.")
@click.option("--fte", type=float, default=None, help="Case managers: share of a full-time post.")
@click.option("--days", type=click.IntRange(1, 60), default=7, show_default=True,
              help="Days the code stays valid.")
def staff_invite(role: str, region: str | None, towns: str | None, name: str | None,
                 fte: float | None, days: int) -> None:
    """Create a one-time invitation code; opening it in the staff bot registers the account."""
    from datetime import timedelta

    from bot.appointments.setup import SetupError, check_fte, resolve_area
    from scheduler.clock import SystemClock
    from storage.invitations import create_invitation
    from storage.models import StaffRole

    settings = load_settings()
    display = name.strip() if name else None
    if display is not None and not 0 < len(display) <= 100:
        raise click.ClickException("the name must have 1 to 100 characters")

    async def write(session: AsyncSession) -> tuple[str, str]:
        check_fte(fte)
        if fte is not None and role != StaffRole.CASE_MANAGER.value:
            raise SetupError("--fte is for case managers")
        area, chosen = await resolve_area(session, region, _town_list(towns))
        made = await create_invitation(session, role=StaffRole(role), now=SystemClock().now(),
                                       region_id=area, towns=chosen, display_name=display,
                                       fte=fte, validity=timedelta(days=days))
        return made.code, f"{made.invitation.expires_at:%Y-%m-%d %H:%M} UTC"

    code, until = in_transaction(settings, write)
    click.echo(f"Invitation for a {role}, valid until {until}, usable once.")
    click.echo(f"Code: {code}")
    if settings.staff_bot_username:
        click.echo(f"Link: https://t.me/{settings.staff_bot_username}?start={code}")
    click.echo(f"Or send the staff bot: /start {code}")


@staff.command("deactivate")
@click.option("--telegram-id", type=int, required=True, help="Numeric Telegram user id.")
def staff_deactivate(telegram_id: int) -> None:
    """Deactivate an account: it keeps its history but sees no data any more."""
    name = _switch(telegram_id, active=False)
    click.echo(f"{name} (Telegram id {telegram_id}) is deactivated.")


@staff.command("reactivate")
@click.option("--telegram-id", type=int, required=True, help="Numeric Telegram user id.")
def staff_reactivate(telegram_id: int) -> None:
    """Switch a deactivated account on again, with its role, Kreis and towns as they were."""
    name = _switch(telegram_id, active=True)
    click.echo(f"{name} (Telegram id {telegram_id}) is active.")


@staff.command("workplace")
@click.option("--telegram-id", type=int, required=True, help="The case manager's Telegram id.")
@click.option("--office", "office_id", required=True, help="Office id from the catalogue.")
@click.option("--towns", required=True, help="Town ids served, comma-separated: a,b")
@click.option("--working-hours", required=True,
              help='Bookable working time, e.g. "Mo-Fr 08:00-12:00,13:00-16:00".')
@click.option("--consultation-hours", default=None,
              help="Open consultation (drop-in) hours, not bookable.")
def staff_workplace(telegram_id: int, office_id: str, towns: str, working_hours: str,
                    consultation_hours: str | None) -> None:
    """Create or replace where a case manager works, for which towns, and when."""
    from bot.appointments.setup import WorkplaceInput, set_workplace
    from scheduler.clock import SystemClock

    settings = load_settings()
    given = WorkplaceInput(telegram_id, office_id.strip(),
                           tuple(t.strip() for t in towns.split(",") if t.strip()),
                           working_hours.strip(),
                           consultation_hours.strip() if consultation_hours else None)

    async def write(session: AsyncSession) -> bool:
        return (await set_workplace(session, given, settings.timezone,
                                    SystemClock().now()))[1]

    created = in_transaction(settings, write)
    click.echo(f"Workplace at {given.office_id} {'added' if created else 'updated'} "
               f"for Telegram id {telegram_id}: {', '.join(given.towns)}.")


def _town_list(towns: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (towns or "").split(",") if t.strip())


async def _member(session: AsyncSession, telegram_id: int) -> StaffMember:
    """The staff member with this Telegram id, active or not; a SetupError if there is none."""
    from bot.appointments.setup import SetupError
    from storage.repositories import Staff

    member = await Staff(session).by_telegram_id(telegram_id)
    if member is None:
        raise SetupError(f"no staff member with Telegram id {telegram_id}")
    return member


def _switch(telegram_id: int, *, active: bool) -> str:
    """Deactivate or reactivate the member's account (nothing changes if it already is);
    their display name."""
    from scheduler.clock import SystemClock
    from storage.invitations import deactivate, reactivate

    async def write(session: AsyncSession) -> str:
        member = await _member(session, telegram_id)
        if active and not member.active:
            await reactivate(session, member)
        elif member.active and not active:
            await deactivate(session, member, SystemClock().now())
        return member.display_name

    return in_transaction(load_settings(), write)


def _add_staff(telegram_id: int, name: str, role: StaffRole, region: str | None = None,
               towns: tuple[str, ...] = (), fte: float | None = None) -> int:
    from bot.appointments.setup import add_staff_member, check_fte, resolve_area
    from scheduler.clock import SystemClock

    async def write(session: AsyncSession) -> int:
        check_fte(fte)
        area, chosen = await resolve_area(session, region, towns)
        member = await add_staff_member(session, telegram_id, name, role, SystemClock().now())
        member.region_id, member.towns, member.fte = area, list(chosen), fte
        await session.flush()
        return member.id

    return in_transaction(load_settings(), write)
