"""The working-day digest for case managers and coordination: /digest and its daily time
(`command`), what it lists (`content`), how it reads (`text`) and when it is due (`schedule`,
also used by the scheduler)."""
