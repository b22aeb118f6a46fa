"""`kimbot audit`: the access log of client data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import in_transaction, load_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


@click.command()
@click.option("--since", help="Only entries from this day on (YYYY-MM-DD, UTC).")
@click.option("--client-id", type=int, help="Only entries about this client record.")
def audit(since: str | None, client_id: int | None) -> None:
    """Show the access log: which staff member saw or changed which client's data, when."""
    from datetime import UTC, datetime

    from storage.audit import entries

    start = None
    if since:
        try:
            start = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--since") from None

    async def read(session: AsyncSession) -> list[str]:
        return [f"{entry.at:%Y-%m-%d %H:%M:%S}Z  staff {entry.staff_member_id or '-'}  "
                f"client {entry.client_id or '-'}  {entry.action}"
                for entry in await entries(session, start, client_id)]

    lines = in_transaction(load_settings(), read)
    click.echo("\n".join(lines) if lines else "No entries.")
