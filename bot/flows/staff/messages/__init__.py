"""Talk to KIM on the staff side: what people write arrives as one message per text or file,
with "Antworten", "Vorlage senden", "Erledigt" and "Weitergeben". `inbox` has /nachrichten and
opening a conversation, `answer` writing and template answers (also Telegram's own reply),
`handover` marking done, handing on and coordination's assigning; `access` who may."""
