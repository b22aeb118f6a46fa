"""/einladen, /deaktivieren and /aktivieren: coordination and admin manage accounts in the bot.

/einladen: role -> (Kreis, if the inviter has none and several are imported) -> towns (tap to
select, then "Einladung erstellen") -> a one-time code and its t.me link, valid for 7 days.
Coordination invites case managers, volunteers and partner services of its own Kreis; only an
admin invites admin or coordination accounts (storage.invitations.INVITABLE_BY).

/deaktivieren and /aktivieren: pick an account from a list, confirm. Both lists follow the same
rule (storage.invitations: the roles one may invite, coordination within its Kreis, never
oneself), so whoever may switch an account off may switch it on again.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.flows.actions import action, fits
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, in_rows, rows
from bot.flows.staff import steps, texts
from storage.invitations import (
    INVITABLE_BY,
    create_invitation,
    deactivatable,
    deactivate,
    may_invite,
    reactivatable,
    reactivate,
)
from storage.models import CatalogueRegion, CatalogueTown, StaffMember, StaffRole

ASK_ROLE = "Neue Einladung: Welche Rolle bekommt das Konto?"
ASK_REGION = "Für welchen Kreis?"
ASK_TOWNS = ("Einladung als {role} ({region}). Für welche Orte? Tippen Sie die Orte an "
             "(✓ = gewählt) und dann „Einladung erstellen“.")
CREATED = ("Einladung erstellt: {role}{towns}. Gültig bis {until} Uhr, nur einmal verwendbar.\n"
           "{link}\n"
           "Geben Sie den Link nur der eingeladenen Person. Der Code wird nur jetzt angezeigt.")
LINK = "Link: https://t.me/{bot}?start={code}"
NO_LINK = "Die Person schreibt dem Staff-Bot: /start {code}"
WRONG_STEP = ("Diese Schaltfläche gehört zu einer früheren Eingabe. Es wurde nichts geändert. "
              "/einladen beginnt eine neue Einladung.")
ROLE_REFUSED = ("Diese Rolle können Sie nicht vergeben: Koordination lädt Case Management, "
                "Ehrenamt und Partnerdienste ein; Administration und Koordination lädt nur "
                "die Administration ein. Es wurde nichts erstellt.")
BUTTON_CREATE = "✅ Einladung erstellen"
CHOOSE_MEMBER = "Welches Konto soll deaktiviert werden? Es sieht danach keine Daten mehr."
NOBODY = "Es gibt kein aktives Konto, das Sie deaktivieren können."
CONFIRM = "{name} ({role}) deaktivieren? Das Konto sieht danach keine Daten mehr."
DEACTIVATED = "{name} ist deaktiviert."
NOT_ALLOWED = ("Dieses Konto können Sie nicht deaktivieren (oder es ist schon deaktiviert). "
               "Es wurde nichts geändert.")
KEPT = "Nicht deaktiviert. Es wurde nichts geändert."
CHOOSE_INACTIVE = ("Welches Konto soll wieder freigeschaltet werden? Es bekommt seine Rolle, "
                   "seinen Kreis und seine Orte zurück.")
NOBODY_INACTIVE = "Es gibt kein deaktiviertes Konto, das Sie wieder freischalten können."
CONFIRM_REACTIVATE = ("{name} ({role}) wieder freischalten? Das Konto sieht danach wieder, was "
                      "seine Rolle erlaubt.")
REACTIVATED = "{name} ist wieder freigeschaltet."
NOT_ALLOWED_REACTIVATE = ("Dieses Konto können Sie nicht wieder freischalten (oder es ist schon "
                          "aktiv). Es wurde nichts geändert.")
KEPT_INACTIVE = "Nicht freigeschaltet. Es wurde nichts geändert."


async def start_invite(ctx: FlowContext, member: StaffMember) -> Outcome:
    ctx.conversation.go(steps.INVITE)
    roles = [r for r in StaffRole if r.value in INVITABLE_BY.get(member.role, frozenset())]
    buttons = [Button(texts.ROLE_LABELS[r.value], action("inv_role", r.value)) for r in roles]
    return Outcome([Reply(ASK_ROLE, in_rows(buttons, 2))])


async def choose_role(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    if ctx.conversation.step != steps.INVITE or arg not in {r.value for r in StaffRole}:
        return Outcome([Reply(WRONG_STEP)])
    if not may_invite(member.role, arg):
        return Outcome([Reply(ROLE_REFUSED)])
    regions = list(await ctx.session.scalars(select(CatalogueRegion).order_by(
        CatalogueRegion.name)))
    if member.region_id is not None:
        region = member.region_id
    elif len(regions) <= 1:
        region = regions[0].id if regions else None
    else:
        ctx.conversation.go(steps.INVITE, role=arg)
        buttons = [Button(r.name[:60], action("inv_region", r.id)) for r in regions
                   if fits("inv_region", r.id)]
        return Outcome([Reply(ASK_REGION, in_rows(buttons, 1), edit=True)])
    return await _ask_towns(ctx, {"role": arg, "region": region, "towns": []})


async def choose_region(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = ctx.conversation.data
    if (ctx.conversation.step != steps.INVITE or "region" in data
            or not may_invite(member.role, str(data.get("role")))
            or member.region_id is not None
            or await ctx.session.get(CatalogueRegion, arg) is None):
        return Outcome([Reply(WRONG_STEP)])
    return await _ask_towns(ctx, {"role": data["role"], "region": arg, "towns": []})


async def toggle_town(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = _invite_data(ctx, member)
    if data is None or arg not in await _region_towns(ctx, data["region"]):
        return Outcome([Reply(WRONG_STEP)])
    towns = [t for t in data["towns"] if t != arg]
    if len(towns) == len(data["towns"]):
        towns.append(arg)
    return await _ask_towns(ctx, {**data, "towns": towns})


async def create(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = _invite_data(ctx, member)
    if data is None or arg:
        return Outcome([Reply(WRONG_STEP)])
    ctx.conversation.go("")
    towns = await _region_towns(ctx, data["region"])
    chosen = [t for t in towns if t in data["towns"]]  # catalogue order, known towns only
    made = await create_invitation(ctx.session, role=StaffRole(data["role"]),
                                   now=ctx.clock.now(), region_id=data["region"],
                                   towns=tuple(chosen), created_by=member.id)
    until = made.invitation.expires_at.astimezone(ZoneInfo(ctx.settings.timezone))
    bot = ctx.settings.staff_bot_username
    link = LINK.format(bot=bot, code=made.code) if bot else NO_LINK.format(code=made.code)
    where = f", {', '.join(towns[t] for t in chosen)}" if chosen else ""
    return Outcome([Reply(CREATED.format(role=texts.ROLE_LABELS[data["role"]], towns=where,
                                         until=f"{until:%d.%m.%Y %H:%M}", link=link),
                          edit=True)])


def _invite_data(ctx: FlowContext, member: StaffMember) -> dict[str, Any] | None:
    data = ctx.conversation.data
    if (ctx.conversation.step != steps.INVITE or "region" not in data
            or not isinstance(data.get("towns"), list)
            or not may_invite(member.role, str(data.get("role")))):
        return None
    if member.region_id is not None and data["region"] != member.region_id:
        return None
    return dict(data)


async def _region_towns(ctx: FlowContext, region: str | None) -> dict[str, str]:
    if region is None:
        return {}
    found = await ctx.session.execute(
        select(CatalogueTown.id, CatalogueTown.name)
        .where(CatalogueTown.region_id == region).order_by(CatalogueTown.position))
    return {town_id: name for town_id, name in found}


async def _ask_towns(ctx: FlowContext, data: dict[str, Any]) -> Outcome:
    ctx.conversation.go(steps.INVITE, **data)
    towns = await _region_towns(ctx, data["region"])
    region = await ctx.session.get(CatalogueRegion, data["region"]) if data["region"] else None
    buttons = [Button(("✓ " if town in data["towns"] else "") + name,
                      action("inv_town", town))
               for town, name in towns.items() if fits("inv_town", town)]
    keyboard = in_rows(buttons, 2) + rows([Button(BUTTON_CREATE, action("inv_done"))])
    text = ASK_TOWNS.format(role=texts.ROLE_LABELS[data["role"]],
                            region=region.name if region else "kein Kreis importiert")
    return Outcome([Reply(text, keyboard, edit=True)])


async def start_deactivate(ctx: FlowContext, member: StaffMember) -> Outcome:
    candidates = await deactivatable(ctx.session, member)
    if not candidates:
        return Outcome([Reply(NOBODY)])
    return Outcome([Reply(CHOOSE_MEMBER, _choices(candidates, "deact"))])


async def ask_deactivate(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    target = await _target(ctx, member, arg)
    if target is None:
        return Outcome([Reply(NOT_ALLOWED)])
    return Outcome([Reply(CONFIRM.format(name=target.display_name,
                                         role=texts.ROLE_LABELS[target.role]),
                          rows([Button("Ja, deaktivieren", action("deact_yes", str(target.id))),
                                Button("Nein", action("deact_no"))]), edit=True)])


async def confirm_deactivate(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    target = await _target(ctx, member, arg)
    if target is None:
        return Outcome([Reply(NOT_ALLOWED)])
    await deactivate(ctx.session, target, ctx.clock.now())
    return Outcome([Reply(DEACTIVATED.format(name=target.display_name), edit=True)])


async def keep(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    return Outcome([Reply(KEPT, edit=True)])


async def _target(ctx: FlowContext, member: StaffMember, arg: str) -> StaffMember | None:
    return _pick(await deactivatable(ctx.session, member), arg)


def _pick(candidates: list[StaffMember], arg: str) -> StaffMember | None:
    """The candidate the button names; never anyone outside the list the member may manage."""
    if not arg.isdigit() or len(arg) > 12:
        return None
    wanted = int(arg)
    return next((m for m in candidates if m.id == wanted), None)


def _choices(candidates: list[StaffMember], name: str) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(f"{m.display_name[:40]} ({texts.ROLE_LABELS[m.role]})",
                         action(name, str(m.id))),) for m in candidates[:50])


async def start_reactivate(ctx: FlowContext, member: StaffMember) -> Outcome:
    candidates = await reactivatable(ctx.session, member)
    if not candidates:
        return Outcome([Reply(NOBODY_INACTIVE)])
    return Outcome([Reply(CHOOSE_INACTIVE, _choices(candidates, "react"))])


async def ask_reactivate(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    target = _pick(await reactivatable(ctx.session, member), arg)
    if target is None:
        return Outcome([Reply(NOT_ALLOWED_REACTIVATE)])
    text = CONFIRM_REACTIVATE.format(name=target.display_name,
                                     role=texts.ROLE_LABELS[target.role])
    return Outcome([Reply(text, rows([
        Button("Ja, freischalten", action("react_yes", str(target.id))),
        Button("Nein", action("react_no"))]), edit=True)])


async def confirm_reactivate(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    target = _pick(await reactivatable(ctx.session, member), arg)
    if target is None:
        return Outcome([Reply(NOT_ALLOWED_REACTIVATE)])
    await reactivate(ctx.session, target)
    return Outcome([Reply(REACTIVATED.format(name=target.display_name), edit=True)])


async def keep_inactive(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    return Outcome([Reply(KEPT_INACTIVE, edit=True)])
