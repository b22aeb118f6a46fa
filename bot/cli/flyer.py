"""`kimbot flyer`: the printable flyer of one town, whose QR code opens the client bot with
that town chosen.

The PDF libraries are imported only when the command runs, so every other `kimbot` command
starts without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import in_transaction, load_settings

if TYPE_CHECKING:
    from bot.catalogue.model import Town
    from storage.catalogue_repo import Catalogue


def find_town(catalogue: Catalogue, query: str) -> Town:
    """The town whose id or name is `query`, ignoring case; a ClickException naming the known
    towns otherwise."""
    wanted = query.strip().casefold()
    towns = [town for _, region_towns, _ in catalogue for town in region_towns]
    by_id = [town for town in towns if town.id.casefold() == wanted]
    matches = by_id or [town for town in towns if town.name.casefold() == wanted]
    if len(matches) == 1:
        return matches[0]
    if not towns:
        raise click.ClickException("no towns stored: import the catalogue first "
                                   "(kimbot offices import FILE)")
    if matches:  # one name in several Kreise: the id tells them apart
        raise click.ClickException(f"several towns are called {query!r}; use the id: "
                                   + ", ".join(town.id for town in matches))
    known = ", ".join(f"{town.id} ({town.name})" for town in towns)
    raise click.ClickException(f"unknown town {query!r}. Known towns: {known}")


@click.command()
@click.option("--town", "town_query", required=True,
              help="Town id or name from the catalogue (case does not matter).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PDF to write (default: flyer-<town id>.pdf in the current directory).")
@click.option("--bot-username", default=None,
              help="The client bot's @username (default: KIMBOT_CLIENT_BOT_USERNAME).")
def flyer(town_query: str, output: Path | None, bot_username: str | None) -> None:
    """Write a town's flyer as PDF: an A4 poster and a sheet of four A6 cards.

    The QR code and the printed link open the client bot with the town chosen; below them
    "Write to us in your language" stands in all 14 languages.
    """
    from bot.deep_links import start_link, town_payload
    from bot.flyer import FontsMissing, flyer_lines, render_flyer
    from storage.catalogue_repo import load_catalogue

    settings = load_settings()
    username = bot_username or settings.client_bot_username
    if not username:
        raise click.ClickException("the link needs the client bot's username: pass "
                                   "--bot-username or set KIMBOT_CLIENT_BOT_USERNAME")
    catalogue = in_transaction(settings, load_catalogue)
    town = find_town(catalogue, town_query)
    payload = town_payload(town.id)
    if payload is None:
        raise click.ClickException(f"the town id {town.id!r} does not fit in a Telegram "
                                   "start link (at most 62 characters: a-z, 0-9, - and _)")
    try:
        link = start_link(username, payload)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        pdf = render_flyer(town_name=town.name, link=link, lines=flyer_lines(),
                           font_dir=settings.font_dir)
    except FontsMissing as exc:
        raise click.ClickException(str(exc)) from None
    path = output or Path(f"flyer-{town.id}.pdf")
    try:
        path.write_bytes(pdf)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None
    click.echo(str(path))
