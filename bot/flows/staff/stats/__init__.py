"""/stats: the month in figures, a case manager's own or coordination's whole Kreis
(`command.command`)."""
