"""German texts of the staff bot. Staff-facing texts are German only, so no catalog."""

from bot.roles_de import ROLE_LABELS as ROLE_LABELS  # shared with the summaries

NOT_REGISTERED = (
    "Guten Tag! Dieser Bot ist nur für registrierte Mitarbeitende des Kommunalen "
    "Integrationsmanagements (KIM), für Ehrenamtliche und Partnerdienste. Ihr Konto ist hier "
    "nicht freigeschaltet. Eine Freischaltung erhalten Sie über eine Einladung Ihrer "
    "Koordinierungsstelle; nennen Sie dafür Ihre Telegram-ID: {telegram_id}. "
    "Ratsuchende schreiben bitte dem Bot für Ratsuchende."
)
WELCOME = "Willkommen, {name}! Sie sind angemeldet: {role}."
HELP_INTRO = "Das kann der Staff-Bot für Sie:"
UNSUPPORTED = "Bitte schreiben Sie Text oder nutzen Sie die Schaltflächen."
UNKNOWN = "Das habe ich nicht verstanden. /hilfe zeigt, was möglich ist."
NOT_FOR_ROLE = ("Das ist für Ihre Rolle ({role}) leider nicht freigeschaltet. Termine sehen und "
                "buchen können Case Management, Koordination und Administration. "
                "/hilfe zeigt, was Sie nutzen können.")
NOT_FOR_ROLE_COUNTING = ("Das ist für Ihre Rolle ({role}) leider nicht freigeschaltet. "
                         "Kurzberatungen und Fälle zählen Case Management, Koordination und "
                         "Administration. /hilfe zeigt, was Sie nutzen können.")
NOT_FOR_ROLE_STAFF = ("Das ist für Ihre Rolle ({role}) leider nicht freigeschaltet. Einladen, "
                      "deaktivieren und wieder freischalten können Koordination und "
                      "Administration. /hilfe zeigt, was Sie nutzen können.")
NOT_FOR_ROLE_INTAKES = ("Das ist für Ihre Rolle ({role}) leider nicht freigeschaltet. Anfragen "
                        "sehen Case Management, Koordination und Administration. "
                        "/hilfe zeigt, was Sie nutzen können.")
NOT_FOR_ROLE_CLEARING = ("Das ist für Ihre Rolle ({role}) leider nicht freigeschaltet. Das "
                         "Clearing machen Koordination und Administration. "
                         "/hilfe zeigt, was Sie nutzen können.")
NOT_FOR_ROLE_REFER = ("Das ist für Ihre Rolle ({role}) leider nicht freigeschaltet. Personen "
                      "vermitteln Ehrenamt, Partnerdienste und Koordination; das Case "
                      "Management übernimmt Fälle über /anfragen. /hilfe zeigt, was Sie nutzen "
                      "können.")
NOT_FOR_ROLE_HANDOVER = ("Das ist für Ihre Rolle ({role}) leider nicht freigeschaltet. Komplexe "
                         "Fälle melden Partnerdienste (z. B. Jobcenter, Ausländerbehörde, "
                         "Beratungsstellen). Eine Person vermitteln können Sie mit /vermitteln, "
                         "wenn Ihre Rolle das erlaubt. /hilfe zeigt, was Sie nutzen können.")
NOT_FOR_ROLE_MESSAGES = ("Das ist für Ihre Rolle ({role}) leider nicht freigeschaltet. "
                         "Nachrichten von Personen lesen und beantworten Case Management, "
                         "Koordination und Administration. /hilfe zeigt, was Sie nutzen können.")
TOO_LONG = "Diese Nachricht ist zu lang (höchstens {limit} Zeichen). Es wurde nichts geändert."
STALE_BUTTON = ("Diese Schaltfläche ist nicht mehr gültig. Es wurde nichts geändert. "
                "/hilfe zeigt, was möglich ist.")
CHOOSE_A_BUTTON = ("Bitte wählen Sie eine der Schaltflächen in der letzten Nachricht – "
                   "oder /abbrechen.")
CANCELLED_FLOW = "Abgebrochen. Es wurde nichts gespeichert."
NOTHING_TO_CANCEL = "Gerade läuft nichts, das abgebrochen werden könnte."
ME = "Ihr Konto: {name}\nRolle: {role}\nTelegram-ID: {telegram_id}\nFreigeschaltet seit: {since}"

# The command menu (the aiogram adapter sets it from this list); /hilfe shows each member only
# what their role may use.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Begrüßung und Anmeldestatus"),
    ("hilfe", "Was dieser Bot kann"),
    ("ich", "Mein Konto anzeigen"),
    ("heute", "Meine Termine heute"),
    ("morgen", "Meine Termine morgen"),
    ("digest", "Tagesüberblick jetzt; Uhrzeit: /digest zeit 07:30, aus: /digest aus"),
    ("zeiten", "Meine buchbaren Arbeitszeiten ansehen und ändern"),
    ("abwesend", "Abwesenheit eintragen oder löschen"),
    ("termin", "Termin für eine anrufende Person buchen"),
    ("kurz", "Kurzberatung zählen (Thema, Kanal – fertig)"),
    ("fall", "Case-Management-Fall eröffnen oder abschließen"),
    ("stats", "Monatsstatistik (eigene bzw. des Kreises)"),
    ("export", "Monatsstatistik als Excel- oder CSV-Datei"),
    ("nachrichten", "Nachrichten von Personen: offene Gespräche"),
    ("anfragen", "Anfragen (Intake), die mir zugewiesen sind"),
    ("clearing", "Clearing: neue Anfragen zuweisen"),
    ("vermitteln", "Eine Person an das KIM-Team vermitteln"),
    ("meldung", "Komplexen Fall an das Case Management melden"),
    ("vermittlungen", "Stand meiner Vermittlungen"),
    ("einladen", "Einladung für ein neues Konto erstellen"),
    ("deaktivieren", "Ein Konto deaktivieren"),
    ("aktivieren", "Ein deaktiviertes Konto wieder freischalten"),
    ("abbrechen", "Laufende Eingabe abbrechen"),
)
# The commands only case management, coordination and administration may use.
APPOINTMENT_COMMANDS = frozenset({"heute", "morgen", "digest", "zeiten", "abwesend", "termin"})
# Counting (anonymous): the same roles.
COUNTING_COMMANDS = frozenset({"kurz", "fall", "stats", "export"})
# Accounts: coordination and administration.
STAFF_COMMANDS = frozenset({"einladen", "deaktivieren", "aktivieren"})
# Intakes: case management, coordination and administration; clearing: coordination and admin.
INTAKE_COMMANDS = frozenset({"anfragen"})
CLEARING_COMMANDS = frozenset({"clearing"})
# Referrals: volunteers, partner services, coordination and admin; hand-overs: partners, admin.
REFER_COMMANDS = frozenset({"vermitteln", "vermittlungen"})
HANDOVER_COMMANDS = frozenset({"meldung"})
# Talk to KIM: the same roles as appointments.
MESSAGES_COMMANDS = frozenset({"nachrichten"})
