"""The steps of the client conversation, as stored in conversation_states.step."""

CHOOSE_LANGUAGE = "language"
PRIVACY = "privacy"
MENU = "menu"
CONFIRM_DELETE = "confirm_delete"
