"""The office finder: topic -> town -> (age) -> the right offices, without consent and
anonymous. Entry points: `flow.ask_topic` (/find), `flow.free_text` (anything typed);
`render` draws the answer."""
