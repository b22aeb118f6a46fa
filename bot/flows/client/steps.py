"""The steps of the client conversation, as stored in conversation_states.step."""

CHOOSE_LANGUAGE = "language"
PRIVACY = "privacy"
MENU = "menu"
CONFIRM_DELETE = "confirm_delete"
FINDER_TOPIC = "finder_topic"
FINDER_TOWN = "finder_town"
FINDER_AGE = "finder_age"
