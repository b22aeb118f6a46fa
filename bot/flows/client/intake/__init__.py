"""The intake: a few short questions before the first interview, whose German summary reaches
the case manager. Entry points: `flow.open_intake` (/aboutme, offered after booking),
`answers.answer`/`toggle`/`typed` (each answer); `questions` holds the questions."""
