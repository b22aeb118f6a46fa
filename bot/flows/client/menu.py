"""The main menu, help, and the answers for input the bot cannot use."""

from __future__ import annotations

from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Outcome, Reply, rows
from bot.i18n import N_, Translator, isolate

# (command, description): the description doubles as the entry in Telegram's command menu.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start again and choose the language")),
    ("find", N_("Find the right office")),
    ("book", N_("Book an appointment with KIM")),
    ("appointments", N_("My appointments")),
    ("write", N_("Write to the KIM team")),
    ("menu", N_("Main menu")),
    ("aboutme", N_("Tell KIM about you")),
    ("language", N_("Change the language")),
    ("mydata", N_("Show my data")),
    ("delete", N_("Delete my data")),
    ("help", N_("Help")),
)


def command_descriptions(tr: Translator) -> list[tuple[str, str]]:
    """The bot's commands with descriptions in `tr`'s language, for the messenger's menu."""
    return [(name, tr._(description)) for name, description in COMMANDS]


def menu_buttons(turn: ClientTurn) -> tuple[tuple[Button, ...], ...]:
    tr = turn.tr
    privacy = (Button(tr._("Delete my data"), action("delete")) if turn.consented
               else Button(tr._("Save my data"), action("privacy")))
    return rows(
        [Button(tr._("Find an office"), action("finder"))],
        [Button(tr._("Book an appointment"), action("book")),
         Button(tr._("My appointments"), action("appointments"))],
        [Button(tr._("✉️ Write to KIM"), action("write"))],
        [Button(tr._("Tell KIM about you"), action("intake"))],
        [Button(tr._("My data"), action("mydata")), Button(tr._("Language"), action("language"))],
        [Button(tr._("Help"), action("help")), privacy],
    )


def menu(turn: ClientTurn, edit: bool = False) -> Reply:
    turn.ctx.conversation.go(steps.MENU)
    return turn.reply(turn.tr._("Main menu. What do you want to do?"), menu_buttons(turn), edit)


def back_to_menu(turn: ClientTurn) -> tuple[tuple[Button, ...], ...]:
    return rows([Button(turn.tr._("Back to the menu"), action("menu"))])


async def show_menu(turn: ClientTurn, edit: bool = False) -> Outcome:
    return Outcome([menu(turn, edit)])


async def show_help(turn: ClientTurn) -> Outcome:
    tr = turn.tr
    lines = [
        tr._("I am the chat bot of KIM, the integration management of your district. "
             "KIM helps people who came to Germany: with offices, letters and next steps."),
        "",
        tr._("You can write these commands:"),
    ]
    # Commands stay outside the translated text so no translation can break them.
    lines += [f"{isolate('/' + name, tr.rtl)} – {description}"
              for name, description in command_descriptions(tr)]
    return Outcome([turn.reply("\n".join(lines), back_to_menu(turn))])


def _with_menu(turn: ClientTurn, text: str) -> Outcome:
    """An answer to input we cannot use: the menu buttons, and the step left as it was."""
    return Outcome([turn.reply(text, menu_buttons(turn))])


async def unsupported_content(turn: ClientTurn) -> Outcome:
    return _with_menu(turn, turn.tr._("Sorry, I can only read text and buttons. Please write "
                                      "a message or tap a button."))


async def not_understood(turn: ClientTurn) -> Outcome:
    return _with_menu(turn, turn.tr._("Sorry, I did not understand that. Please tap a button."))


async def too_long(turn: ClientTurn, limit: int) -> Outcome:
    return _with_menu(turn, turn.tr.ngettext(
        "Your message is too long. Please write at most {n} character.",
        "Your message is too long. Please write at most {n} characters.", limit))


async def unknown_command(turn: ClientTurn) -> Outcome:
    return _with_menu(turn, turn.tr._("I do not know this command. Write /help to see what I "
                                      "can do."))


async def stale_button(turn: ClientTurn) -> Outcome:
    """A button we did not build, or one that belongs to a step the chat has left."""
    notice = turn.tr._("This button does not work any more.")
    return Outcome([turn.reply(notice, menu_buttons(turn))], notice=notice)
