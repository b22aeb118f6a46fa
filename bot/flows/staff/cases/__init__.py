"""/fall: KIM case management cases, counted anonymously per case manager (`flow`)."""
