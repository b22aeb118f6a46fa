"""The glossary (bot/locales/glossary/): every language renders the domain words one way.

An entry whose English text names a term must use one of that language's forms of it, unless
the language's glossary lists the entry as an exception with a reason; a message that quotes a
menu button must quote it as the catalog translates the button."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, LOCALES_DIR

GLOSSARY = LOCALES_DIR / "glossary"
CODES = [language.code for language in LANGUAGES]
EMOJI = re.compile(r"^[^\w\"“„«]+", re.UNICODE)


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def terms() -> dict[str, Any]:
    return load(GLOSSARY / "terms.yaml")


@cache
def catalog(code: str) -> Catalog:
    with (LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file)


def texts(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def english(message: Message) -> str:
    return " ".join(message.id) if isinstance(message.id, tuple) else message.id


def test_every_term_has_a_pattern_and_a_german_word():
    for key, term in terms()["terms"].items():
        assert term.get("german"), key
        re.compile(term["pattern"])


@pytest.mark.parametrize("code", CODES)
def test_every_language_renders_every_term_and_says_how(code):
    glossary = load(GLOSSARY / f"{code}.yaml")
    assert glossary["language"] == code
    missing = [key for key in terms()["terms"] if not (glossary["terms"].get(key) or {})
               .get("use")]
    assert missing == [], f"{code}.yaml lacks a rendering for {missing}"
    for key, entry in glossary["terms"].items():
        assert key in terms()["terms"], f"{code}.yaml: unknown term {key}"
        for exception in entry.get("exceptions") or []:
            assert exception.get("msgid") and exception.get("why"), (key, exception)


@pytest.mark.parametrize("code", CODES)
def test_every_entry_uses_the_glossarys_rendering(code):
    glossary = load(GLOSSARY / f"{code}.yaml")["terms"]
    wrong = []
    for key, term in terms()["terms"].items():
        entry = glossary[key]
        forms = [entry["use"], *(entry.get("forms") or [])]
        excepted = {exception["msgid"] for exception in entry.get("exceptions") or []}
        pattern = re.compile(term["pattern"], re.IGNORECASE)
        for message in catalog(code):
            if not message.id or not pattern.search(english(message)):
                continue
            if english(message) in excepted:
                continue
            for text in filter(None, texts(message)):  # an empty one: test_catalogs says
                if not any(form.casefold() in text.casefold() for form in forms):
                    wrong.append(f"{key}: {english(message)!r} -> {text!r}")
    assert wrong == [], f"{code}: entries that render a term otherwise:\n" + "\n".join(wrong)


def button_label(catalog_: Catalog, button: str) -> str | None:
    for message in catalog_:
        if message.id and not isinstance(message.id, tuple) and (
                message.id == button or message.id.endswith(" " + button)):
            return EMOJI.sub("", texts(message)[0]).strip()
    return None


@pytest.mark.parametrize("code", CODES)
def test_a_quoted_button_reads_as_the_button_does(code):
    found = catalog(code)
    wrong = []
    for button in terms()["buttons"]:
        label = button_label(found, button)
        assert label, f"no catalog entry for the button {button!r}"
        for message in found:
            if message.id and f'"{button}"' in english(message):
                wrong += [f"{english(message)!r} -> {text!r} (button: {label!r})"
                          for text in texts(message) if label.casefold() not in text.casefold()]
    assert wrong == [], f"{code}: quoted buttons that differ from the button:\n" + "\n".join(wrong)
