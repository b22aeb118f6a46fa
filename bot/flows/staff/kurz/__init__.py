"""/kurz: count a Kurzberatung in three taps, anonymously (`flow.start`, "same again",
undo)."""
