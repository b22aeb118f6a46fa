"""The steps of the staff conversation, as stored in conversation_states.step."""

ABSENCE_PERIOD = "absence_period"
# /zeiten: the new week is written (data: the workplace, or the office of a new one), then
# confirmed (data also holds the new hours).
HOURS_TEXT = "hours_text"
HOURS_CONFIRM = "hours_confirm"

# Booking for a person who phoned (/termin), in order.
PHONE_NAME = "pb_name"
PHONE_NUMBER = "pb_phone"
PHONE_LANGUAGE = "pb_language"
PHONE_TOWN = "pb_town"
PHONE_KIND = "pb_kind"
PHONE_PLACE = "pb_place"
PHONE_CHANNEL = "pb_channel"
PHONE_INTERPRETER = "pb_interpreter"
PHONE_DAY = "pb_day"
PHONE_TIME = "pb_time"
PHONE_CONFIRM = "pb_confirm"

# An unknown account opened a valid invitation and is asked for its display name.
REGISTER_NAME = "register_name"
# /kurz: topics chosen so far in data["topics"]; the channel button saves.
KURZ = "kurz"
# /einladen: role, region and towns chosen so far.
INVITE = "invite"
# /vermitteln and /meldung (referral/ask.py), in order; hand-overs add reasons, areas, note.
REFER_AGREED = "ref_agreed"
REFER_ALIAS = "ref_alias"
REFER_TOWN = "ref_town"
REFER_LANGUAGE = "ref_language"
REFER_TOPICS = "ref_topics"
REFER_REASONS = "ref_reasons"
REFER_AREAS = "ref_areas"
REFER_NOTE = "ref_note"
REFER_REACH = "ref_reach"
REFER_PHONE = "ref_phone"
REFER_CONFIRM = "ref_confirm"
REFER_STEPS = frozenset({REFER_AGREED, REFER_ALIAS, REFER_TOWN, REFER_LANGUAGE, REFER_TOPICS,
                         REFER_REASONS, REFER_AREAS, REFER_NOTE, REFER_REACH, REFER_PHONE,
                         REFER_CONFIRM})
# Talk to KIM (messages/): the answer being written, and a template's field being filled.
MSG_REPLY = "msg_reply"
MSG_FIELD = "msg_field"
