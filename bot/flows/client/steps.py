"""The steps of the client conversation, as stored in conversation_states.step."""

CHOOSE_LANGUAGE = "language"
PRIVACY = "privacy"
MENU = "menu"
CONFIRM_DELETE = "confirm_delete"
FINDER_TOPIC = "finder_topic"
FINDER_TOWN = "finder_town"
FINDER_AGE = "finder_age"
BOOK_TOWN = "book_town"
BOOK_DAY = "book_day"
BOOK_TIME = "book_time"
BOOK_NAME = "book_name"
BOOK_INTERPRETER = "book_interpreter"
BOOK_CONFIRM = "book_confirm"
CONFIRM_CANCEL = "confirm_cancel"
# The intake: one step per question, "intake_<question>" (see intake.questions.step), and:
INTAKE_SUMMARY = "intake_summary"
INTAKE_WITHDRAW = "intake_withdraw"
# Someone who had agreed before opened a personal invitation: add the referral to their data?
INVITATION = "invitation"
# Writing to the KIM team: every text and file goes to KIM until the person leaves.
WRITE = "write"
