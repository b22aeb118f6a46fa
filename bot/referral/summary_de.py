"""The German summary of a referral or a partner's hand-over for the case manager who gets it:
who sent the person, what for, how to reach them, and whether contact was made. Shorter than an
intake's summary: a referrer answers only some of the intake's questions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.flows.appointment_notices import language_de
from bot.intake.summary_de import Context, isolated, person_de, status_line, topics_de
from bot.referral.codes import KIND_LABELS, LEGAL_AREA_BY_CODE, REASON_BY_CODE, german
from bot.roles_de import ROLE_LABELS
from storage.models import Client, Intake, IntakeSource
from storage.referrals import ReferralInfo

MISSING = "–"


def referral_summary(intake: Intake, client: Client, info: ReferralInfo | None,
                     context: Context) -> str:
    zone = ZoneInfo(context.timezone)
    handover = intake.source == IntakeSource.HANDOVER.value
    lines = [
        _title(intake, info, zone),
        f"📨 Von: {_referrer(info)}",
        f"👤 {person_de(client)} · Sprache: {language_de(client.language)}",
        f"📍 Wohnort: {context.town_name or intake.town or MISSING}",
        f"📋 Themen: {topics_de(intake.topics)}",
    ]
    if handover:
        lines += [f"⚠️ Gründe: {german(intake.referral_reasons, REASON_BY_CODE) or MISSING}",
                  f"⚖️ Rechtskreise: {german(intake.legal_areas, LEGAL_AREA_BY_CODE) or MISSING}"]
        if intake.note:
            lines += ["📝 Beschreibung der meldenden Stelle:",
                      *(isolated(line) for line in intake.note.splitlines())]
    lines += [
        f"☎️ Erreichbar: {_reach(intake, client, info, context.now, zone)}",
        f"✔️ Einverständnis: {_consent(client, zone)}",
        f"🤝 Kontakt: {_contact_made(info, zone)}",
        "",
        status_line(intake, context),
    ]
    return "\n".join(lines)


def _title(intake: Intake, info: ReferralInfo | None, zone: ZoneInfo) -> str:
    what = KIND_LABELS[intake.source]
    number = f" Nr. {info.referral.id}" if info else ""
    sent = f" · eingegangen {_day(intake.submitted_at, zone)}" if intake.submitted_at else ""
    return f"🤝 {what}{number} (Anfrage Nr. {intake.id}){sent}"


def _referrer(info: ReferralInfo | None) -> str:
    if info is None or info.referrer is None:
        return "ein gelöschtes Konto"
    role = ROLE_LABELS.get(info.referrer.role, info.referrer.role)
    return f"{isolated(info.referrer.display_name)} ({role})"


def _reach(intake: Intake, client: Client, info: ReferralInfo | None, now: datetime,
           zone: ZoneInfo) -> str:
    parts = []
    if client.telegram_id is not None:
        parts.append("im Chat (hat die Einladung angenommen)")
    elif info is not None and info.link is not None:
        link = info.link
        if link.used_at is None and link.expires_at > now:
            parts.append(f"öffnet selbst den Einladungslink (gültig bis "
                         f"{_day(link.expires_at, zone)})")
        elif link.used_at is None:
            parts.append(f"Einladungslink abgelaufen am {_day(link.expires_at, zone)}, "
                         "nicht geöffnet")
    phone = client.phone or intake.phone
    if phone:
        parts.append(f"Telefon {isolated(phone)}")
    return "; ".join(parts) or MISSING


def _consent(client: Client, zone: ZoneInfo) -> str:
    confirmed = "von der vermittelnden Stelle bestätigt"
    if client.telegram_id is not None:
        agreed = _day(client.consent_at, zone)
        return f"{confirmed}; von der Person selbst im Bot erteilt am {agreed}"
    return confirmed


def _contact_made(info: ReferralInfo | None, zone: ZoneInfo) -> str:
    if info is None or info.referral.contact_made_at is None:
        return "noch nicht hergestellt"
    return f"hergestellt am {_day(info.referral.contact_made_at, zone)}"


def _day(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y") if moment else MISSING
