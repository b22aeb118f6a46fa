"""The steps of the client conversation, as stored in conversation_states.step."""

CHOOSE_LANGUAGE = "language"
PRIVACY = "privacy"
MENU = "menu"
CONFIRM_DELETE = "confirm_delete"
FINDER_TOPIC = "finder_topic"
FINDER_TOWN = "finder_town"
FINDER_AGE = "finder_age"
BOOK_TOWN = "book_town"
BOOK_PLACE = "book_place"  # a town with several places or case managers
BOOK_DAY = "book_day"
BOOK_TIME = "book_time"
BOOK_CHANNEL = "book_channel"  # a follow-up at an office that offers phone or video
BOOK_PHONE = "book_phone"  # by phone, and no number known yet
BOOK_NAME = "book_name"
BOOK_INTERPRETER = "book_interpreter"
BOOK_CONFIRM = "book_confirm"
CONFIRM_CANCEL = "confirm_cancel"
# Too late to cancel in the chat: phone or write instead, or (if the office allows) cancel late.
LATE_CANCEL = "late_cancel"
# "None of these times": asked whether to join the waiting list; then, in another language
# than German, whether an offered time needs an interpreter.
WAITLIST_ASK = "waitlist_ask"
WAITLIST_INTERPRETER = "waitlist_interpreter"
# The intake: one step per question, "intake_<question>" (see intake.questions.step), and:
INTAKE_SUMMARY = "intake_summary"
INTAKE_WITHDRAW = "intake_withdraw"
# Someone who had agreed before opened a personal invitation: add the referral to their data?
INVITATION = "invitation"
# Writing to the KIM team: every text and file goes to KIM until the person leaves.
WRITE = "write"
