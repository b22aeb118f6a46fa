"""German texts of the staff bot. Staff-facing texts are German only, so no catalog."""

ROLE_LABELS = {
    "admin": "Administration",
    "coordination": "Koordination",
    "case_manager": "Case Management",
    "volunteer": "Ehrenamt",
    "partner": "Partnerdienst",
}

NOT_REGISTERED = (
    "Guten Tag! Dieser Bot ist nur für registrierte Mitarbeitende des Kommunalen "
    "Integrationsmanagements (KIM), für Ehrenamtliche und Partnerdienste. Ihr Konto ist hier "
    "nicht freigeschaltet. Eine Freischaltung erhalten Sie über eine Einladung Ihrer "
    "Koordinierungsstelle; nennen Sie dafür Ihre Telegram-ID: {telegram_id}. "
    "Ratsuchende schreiben bitte dem Bot für Ratsuchende."
)
WELCOME = "Willkommen, {name}! Sie sind angemeldet: {role}."
HELP_INTRO = "Das kann der Staff-Bot bisher:"
UNSUPPORTED = "Bitte schreiben Sie Text oder nutzen Sie die Schaltflächen."
UNKNOWN = "Das habe ich nicht verstanden. /hilfe zeigt, was möglich ist."
ME = "Ihr Konto: {name}\nRolle: {role}\nTelegram-ID: {telegram_id}\nFreigeschaltet seit: {since}"

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Begrüßung und Anmeldestatus"),
    ("hilfe", "Was dieser Bot kann"),
    ("ich", "Mein Konto anzeigen"),
)
