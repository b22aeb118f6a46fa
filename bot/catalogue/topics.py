"""Stable codes for what people ask about and for the kinds of offices that answer.

Codes are what is stored (in the catalogue, in demand counts, later in intakes), so a case
manager reads every answer in German whatever language the person used. Labels are translated
through the gettext catalogs; the codes never change once data uses them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Topic:
    code: str
    label: str  # English message id; translated at the point of use
    german: str  # for staff-facing texts and exports


TOPICS: tuple[Topic, ...] = (
    Topic("income_benefits", N_("Money and benefits"), "Einkommen und Leistungen"),
    Topic("housing", N_("Housing"), "Wohnen"),
    Topic("residence", N_("Residence permit"), "Aufenthalt"),
    Topic("naturalisation", N_("Citizenship"), "Einbürgerung"),
    Topic("work", N_("Work and job permit"), "Arbeit und Arbeitserlaubnis"),
    Topic("training_study", N_("Training and study"), "Ausbildung und Studium"),
    Topic("language_courses", N_("German courses"), "Sprach- und Integrationskurse"),
    Topic("kita_school", N_("Kita and school"), "Kita und Schule"),
    Topic("health", N_("Health"), "Gesundheit"),
    Topic("mental_health", N_("Stress and trauma"), "Psychische Gesundheit und Trauma"),
    Topic("family", N_("Family"), "Familie"),
    Topic("family_reunification", N_("Bringing family to Germany"), "Familiennachzug"),
    Topic("debts", N_("Debts"), "Schulden"),
    Topic("recognition", N_("Recognition of certificates"), "Anerkennung von Abschlüssen"),
    Topic("legal_advice", N_("Legal advice"), "Rechtsberatung"),
    Topic("return_counselling", N_("Going back home"), "Rückkehrberatung"),
    Topic("letters", N_("Letters from offices"), "Behördenbriefe"),
    Topic("social_participation", N_("Meeting people, free time"), "Soziale Teilhabe"),
)
TOPIC_BY_CODE: dict[str, Topic] = {topic.code: topic for topic in TOPICS}


@dataclass(frozen=True)
class OfficeType:
    code: str
    german: str


OFFICE_TYPES: tuple[OfficeType, ...] = (
    OfficeType("kim_case_management", "KIM-Case-Management"),
    OfficeType("integration_centre", "Kommunales Integrationszentrum (KI)"),
    OfficeType("foreigners_office", "Ausländerbehörde (ABH)"),
    OfficeType("naturalisation_office", "Einbürgerungsbehörde (EBH)"),
    OfficeType("bamf", "Bundesamt für Migration und Flüchtlinge (BAMF)"),
    OfficeType("refugee_counselling", "Flüchtlingsberatung"),
    OfficeType("employment_agency", "Agentur für Arbeit / Integration Point"),
    OfficeType("jobcenter", "Jobcenter"),
    OfficeType("youth_office", "Jugendamt"),
    OfficeType("jmd", "Jugendmigrationsdienst (JMD)"),
    OfficeType("mbe", "Migrationsberatung für Erwachsene (MBE)"),
    OfficeType("integration_agency", "Integrationsagentur"),
    OfficeType("language_course", "Sprach- und Integrationskurse"),
    OfficeType("debt_counselling", "Schuldnerberatung"),
    OfficeType("recognition_counselling", "Anerkennungsberatung (IHK/HWK/IQ)"),
    OfficeType("social_welfare_office", "Sozialamt"),
    OfficeType("school_counselling", "Seiteneinstiegsberatung"),
    OfficeType("health_office", "Gesundheitsamt"),
    OfficeType("family_counselling", "Familienberatung"),
    OfficeType("women_counselling", "Frauenberatung"),
    OfficeType("addiction_counselling", "Suchtberatung"),
    OfficeType("pregnancy_counselling", "Schwangerschaftsberatung"),
    OfficeType("psychosocial_centre", "Psychosoziale Beratung"),
    OfficeType("study_career_counselling", "Studien- und Berufsberatung"),
    OfficeType("legal_advice", "Rechtsberatung"),
    OfficeType("return_counselling", "Rückkehrberatung"),
    OfficeType("registration_office", "Einwohnermeldeamt"),
    OfficeType("volunteer_initiative", "Ehrenamtsinitiative"),
    OfficeType("migrant_organisation", "Migrantenorganisation (MSO)"),
    OfficeType("other", "Sonstiges"),
)
OFFICE_TYPE_BY_CODE: dict[str, OfficeType] = {kind.code: kind for kind in OFFICE_TYPES}
