"""/digest: the working-day overview on demand, and its daily time.

    /digest             the digest now, exactly as the scheduled one would read
    /digest zeit 07:00  the daily time (Monday to Friday, not on public holidays)
    /digest aus         no more daily digest (/digest still works)
    /digest an          the daily digest again, at the default time

On demand does not move `last_digest_at`: it is a look, not a delivery. So tomorrow's digest
still lists every cancellation and booking since the last scheduled one, even those a case
manager already saw here, and no change can fall between two digests unseen.
"""

from __future__ import annotations

from datetime import time

from bot.flows.context import FlowContext
from bot.flows.events import Outcome, Reply
from bot.flows.staff import audit_trail
from bot.flows.staff.digest.content import compose, gets_scheduled, since_of
from bot.flows.staff.digest.schedule import DEFAULT_TIME, OFF, BadTime, parse_time, time_of
from storage.digests import set_digest_time
from storage.models import StaffMember

ACCESS_ACTION = "digest.on_demand"
USAGE = ("So geht es:\n"
         "/digest – Ihr Überblick jetzt\n"
         "/digest zeit 07:00 – Uhrzeit des täglichen Überblicks (Mo–Fr)\n"
         "/digest aus – täglichen Überblick abschalten\n"
         "/digest an – wieder einschalten")
UNKNOWN = "Das kenne ich bei /digest nicht. " + USAGE
NO_TIME = "Welche Uhrzeit? Bitte so: /digest zeit 07:30"
BAD_TIME = "{reason} Bitte so: /digest zeit 07:30 (zwischen 05:00 und 20:00 Uhr)."
TIME_SET = ("✅ Ihr Überblick kommt ab jetzt Mo–Fr um {time} Uhr "
            "(nicht an Feiertagen und nicht an ganzen Abwesenheitstagen).")
SWITCHED_OFF = ("Ihr täglicher Überblick ist abgeschaltet. /digest zeigt ihn jederzeit, "
                "/digest an schaltet ihn wieder ein.")
ALREADY_ON = "Ihr täglicher Überblick ist schon eingeschaltet: Mo–Fr um {time} Uhr."
FOOTER_ON = ("⏰ Täglich Mo–Fr um {time} Uhr. Ändern: /digest zeit 08:00 · "
             "abschalten: /digest aus")
FOOTER_OFF = "⏰ Der tägliche Überblick ist abgeschaltet. Einschalten: /digest an"
FOOTER_NONE = ("⏰ Einen täglichen Überblick bekommen Case Management und Koordination sowie "
               "alle, die selbst Termine führen.")


async def command(ctx: FlowContext, member: StaffMember) -> Outcome:
    words = ctx.event.argument.split()
    if not words:
        return await show(ctx, member)
    head, rest = words[0].lower(), " ".join(words[1:])
    if head == "zeit":
        return await _set_time(ctx, member, rest)
    if head == OFF and not rest:
        await set_digest_time(ctx.session, member, OFF)
        return Outcome([Reply(SWITCHED_OFF)])
    if head == "an" and not rest:
        return await _switch_on(ctx, member)
    return Outcome([Reply(UNKNOWN)])


async def show(ctx: FlowContext, member: StaffMember) -> Outcome:
    now = ctx.clock.now()
    digest = await compose(ctx.session, member, since=since_of(member, now), now=now,
                           timezone=ctx.settings.timezone, on_demand=True)
    audit_trail.seen(ctx, member, digest.client_ids, ACCESS_ACTION)
    replies = [Reply(text) for text in digest.messages]
    footer = await _footer(ctx, member)
    replies[-1] = Reply(f"{replies[-1].text}\n\n{footer}")
    return Outcome(replies)


async def _set_time(ctx: FlowContext, member: StaffMember, typed: str) -> Outcome:
    if not typed:
        return Outcome([Reply(NO_TIME)])
    try:
        chosen = parse_time(typed)
    except BadTime as exc:
        return Outcome([Reply(BAD_TIME.format(reason=exc))])
    # The default is stored as None, so a later change of the default reaches everyone on it.
    await set_digest_time(ctx.session, member,
                          None if chosen == DEFAULT_TIME else f"{chosen:%H:%M}")
    return Outcome([Reply(TIME_SET.format(time=_hhmm(chosen)))])


async def _switch_on(ctx: FlowContext, member: StaffMember) -> Outcome:
    current = time_of(member)
    if current is not None:
        return Outcome([Reply(ALREADY_ON.format(time=_hhmm(current)))])
    await set_digest_time(ctx.session, member, None)
    return Outcome([Reply(TIME_SET.format(time=_hhmm(DEFAULT_TIME)))])


async def _footer(ctx: FlowContext, member: StaffMember) -> str:
    if not await gets_scheduled(ctx.session, member):
        return FOOTER_NONE
    current = time_of(member)
    return FOOTER_OFF if current is None else FOOTER_ON.format(time=_hhmm(current))


def _hhmm(at: time) -> str:
    return f"{at:%H:%M}"
