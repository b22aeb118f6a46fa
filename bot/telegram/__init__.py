"""The two Telegram adapters (client bot on python-telegram-bot, staff bot on aiogram) and the
delivery policy they share."""

from bot.telegram.aiogram_schemas import import_aiogram_with_lazy_schemas

# Before staff_bot (or anything in this package) imports aiogram: see aiogram_schemas.py.
import_aiogram_with_lazy_schemas()
