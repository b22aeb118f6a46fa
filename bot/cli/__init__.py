"""The `kimbot` command: one module per command group, assembled here.

Groups: `run` (the system), `db` (schema), `offices` (catalogue), `staff` (accounts),
`clearing` (intake rules), `stats`, `outbox`, `flyer`, `audit`, `webhook` (webhook mode),
`screens` (pictures of the client screens for reviewers);
shared helpers in `common`.
"""

from __future__ import annotations

import click

from bot.cli import (
    audit,
    clearing,
    db,
    flyer,
    offices,
    outbox,
    run,
    screens,
    staff,
    stats,
    webhook,
)


@click.group()
@click.version_option(package_name="kimbot", prog_name="kimbot")
def main() -> None:
    """kimbot: the KIM client bot and staff bot."""


for command in (run.run, db.db, offices.offices, staff.staff, clearing.clearing, stats.stats,
                outbox.outbox, flyer.flyer, audit.audit, webhook.webhook, screens.screens):
    main.add_command(command)
