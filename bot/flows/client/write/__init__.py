"""Writing to the KIM team: text, photos of letters, PDFs and voice messages reach the person's
case manager (or coordination) through the staff bot. Entry points: `flow.start` ("✉️ Write to
KIM", /write, "Answer" under a reply), `flow.offer` (under free text the finder could not
place), `flow.typed` and `flow.file` (while writing)."""
