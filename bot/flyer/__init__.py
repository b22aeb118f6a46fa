"""Printable flyers for a town: a poster and cut-out cards whose QR code opens the client bot
with the town chosen, saying "Write to us in your language" in all 14 languages."""

from bot.flyer.fonts import FontsMissing, find_fonts
from bot.flyer.pdf import render_flyer
from bot.flyer.texts import FlyerLine, flyer_lines, heading

__all__ = ["FlyerLine", "FontsMissing", "find_fonts", "flyer_lines", "heading", "render_flyer"]
