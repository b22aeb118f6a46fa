"""/vermitteln and /meldung: volunteers and partner services refer a person to KIM (`flow`,
the questions in `ask`); `send` submits the referral, shows its invitation once and lists
/vermittlungen."""
