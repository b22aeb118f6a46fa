"""`kimbot screens`: the client bot's main screens in every language as PNG files, for reviewers
who would rather look than read `.po` files, and a check that every character on them has a
glyph in a font the page uses.

- `walk`: a simulated person walks the real client bot, in the sandbox, from /start to the
  intake summary and stops at each screen.
- `page`: headless Chromium shows the sandbox page's client pane; each screen becomes a picture,
  and the page reports the text on it and the fonts Chromium drew that text with.
- `fonts`: the coverage check with fontTools against the font files fontconfig names.
- `run`: the whole run: a temporary database, the system on a fixed clock, one browser.
"""
