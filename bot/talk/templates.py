"""Answers a case manager sends with two taps, arriving entirely in the person's language.

Each template is one English message id, translated in every catalog like any other client
text; staff see the German catalog's wording, the person their own. A template's {fields} are
filled with buttons (dates, weekdays, times, documents) or a short typed value (a phone number,
the name of a service), so no free German text ends up inside a translated sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_


class Field(StrEnum):
    PHONE = "phone"  # typed: digits, spaces, + / - ( )
    SERVICE = "service"  # typed: the name of an office or service, shown as written
    DATE = "date"  # a button: one of the next working days
    WEEKDAY = "weekday"  # a button: Monday to Friday
    TIME = "time"  # a button: a time of day on the half hour
    DOCUMENTS = "documents"  # a button: one of DOCUMENTS


@dataclass(frozen=True)
class Template:
    key: str  # stored with the sent message and used in button data: short, stable
    text: str  # the English message id
    fields: tuple[Field, ...] = ()
    book_button: bool = False  # the person gets the "Book an appointment" button with it


TEMPLATES: tuple[Template, ...] = (
    Template("soon", N_("Thank you for your message. I will answer you soon.")),
    Template("call", N_("Please call me on {phone}."), (Field.PHONE,)),
    Template("phone", N_("Please tell me your phone number. Then I can call you.")),
    Template("noreach", N_("I could not reach you by phone. Please write to me when I can "
                           "call you.")),
    Template("bring", N_("Please bring {documents} to your appointment."), (Field.DOCUMENTS,)),
    Template("got", N_("I have received your documents. Thank you.")),
    Template("by", N_("I will answer you by {date}."), (Field.DATE,)),
    Template("open", N_("Please come to the open consultation on {weekday} at {time}."),
             (Field.WEEKDAY, Field.TIME)),
    Template("move", N_("Your appointment must be moved. Please choose a new time."),
             book_button=True),
    Template("book", N_("Please book an appointment with me."), book_button=True),
    Template("passed", N_("I have passed your question to {service}. They will contact you."),
             (Field.SERVICE,)),
    Template("photo", N_("Please send me a photo of the letter. All of the text must be easy "
                         "to read.")),
    Template("unclear", N_("The photo is not clear. Please take it again in good light.")),
    Template("office", N_("Please come to the office with the letter.")),
    Template("urgent", N_("This letter is important. Please do not ignore it. We will look at "
                          "it together.")),
    Template("nothing", N_("You do not need to do anything about this letter.")),
    Template("jobcenter", N_("Please take this letter to the Jobcenter.")),
    Template("abh", N_("Please take this letter to the immigration office "
                       "(Ausländerbehörde).")),
    Template("form", N_("Please fill in the form and bring it to your appointment.")),
    Template("interp", N_("I will bring an interpreter to our appointment.")),
    Template("helper", N_("If you can, please bring someone who can translate for you.")),
    Template("confirm", N_("Your appointment is confirmed. See you soon.")),
    Template("away", N_("I am away until {date}. If it is urgent, please write to the KIM "
                        "team."), (Field.DATE,)),
    Template("simple", N_("Please write in short sentences, or send a voice message.")),
    Template("done", N_("Your question is answered. You can write to us again at any time.")),
)
BY_KEY = {template.key: template for template in TEMPLATES}

# What a case manager asks a person to bring: translated, so the whole answer is in the
# person's language. The German office words stay in brackets where people meet them.
DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("pass", N_("your passport")),
    ("permit", N_("your residence permit")),
    ("meld", N_("your registration certificate (Meldebescheinigung)")),
    ("letter", N_("the letter you received")),
    ("jc", N_("your notice from the Jobcenter (Bescheid)")),
    ("rent", N_("your rental contract")),
    ("bank", N_("your bank statements")),
    ("health", N_("your health insurance card")),
    ("certs", N_("your school and work certificates")),
)
DOCUMENT_BY_KEY = dict(DOCUMENTS)

# The longest typed value: a phone number or the name of a service, not a message.
MAX_TYPED = 60
