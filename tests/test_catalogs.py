"""The translation catalogs: complete, well-formed for the runtime, and really loaded by it.

One catalog per language in bot/locales/<code>/LC_MESSAGES/messages.po, checked against the
template messages.pot. Every check is parametrized by language, so a failure names the catalog.
"""

from __future__ import annotations

import gettext
import re
import string
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from functools import cache

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import denormalize, read_po

from bot.i18n import (
    LANGUAGES,
    LOCALES_DIR,
    SOURCE_LANGUAGE,
    Translator,
    catalog_path,
    isolate,
    isolate_commands,
)

CODES = [lang.code for lang in LANGUAGES]
RTL_CODES = {"ar", "fa", "ps"}
TEMPLATE = LOCALES_DIR / "messages.pot"
DRAFT_NOTE = ("MACHINE-DRAFTED TRANSLATION: needs review by a native speaker before "
              "production use.")
# A bot command as Telegram sees one: a slash at the start or after whitespace.
COMMAND = re.compile(r"(?<!\S)/[a-z]+(?!\w)")
HELLO = "Hello! Please choose your language."
# What a catalog says once a native speaker has checked it: "REVIEWED by a native speaker
# on 2027-01-15 (name or initials)".
REVIEWED_NOTE = re.compile(r"REVIEWED by a native speaker on \d{4}-\d{2}-\d{2}")


@cache
def template() -> Catalog:
    with TEMPLATE.open("rb") as fh:
        return read_po(fh)


@cache
def catalog(code: str) -> Catalog:
    # abort_invalid: a catalog with more plural forms than its header allows is an error, not a
    # warning after which Babel silently drops the extra forms.
    with catalog_path(code).open("rb") as fh:
        return read_po(fh, locale=code, abort_invalid=True)


@cache
def header_fields(code: str) -> dict[str, str]:
    """The header entry's fields as written in the file (Babel's Catalog drops unknown ones)."""
    text = catalog_path(code).read_text(encoding="utf-8")
    match = re.search(r'^msgid ""\nmsgstr ((?:".*"\n)+)', text, flags=re.MULTILINE)
    assert match, f"{code}: no header entry"
    fields = {}
    for line in denormalize(match.group(1)).splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def messages(cat: Catalog) -> list[Message]:
    return [msg for msg in cat if msg.id]


def key(msg: Message) -> tuple:
    return (msg.context, tuple(msg.id) if msg.pluralizable else msg.id)


def forms(msg: Message) -> list[str]:
    return list(msg.string) if msg.pluralizable else [msg.string]


def reference_id(msg: Message) -> str:
    """The msgid a translation is compared with: the plural one for plural entries."""
    return msg.id[1] if msg.pluralizable else msg.id


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def first_strong_direction(text: str) -> str | None:
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi == "L":
            return "ltr"
        if bidi in ("R", "AL"):
            return "rtl"
    return None


def is_arabic_letter(char: str) -> bool:
    return char.isalpha() and "ARABIC" in unicodedata.name(char, "")


def by_language(fn):
    return pytest.mark.parametrize("code", CODES)(fn)


@by_language
def test_catalog_has_exactly_the_templates_messages(code):
    assert catalog_path(code).is_file(), f"{code}: no catalog at {catalog_path(code)}"
    ours = {key(msg) for msg in messages(catalog(code))}
    expected = {key(msg) for msg in messages(template())}
    assert not expected - ours, f"{code}: missing (run pybabel update): {expected - ours}"
    assert not ours - expected, f"{code}: not in the template: {ours - expected}"
    assert not catalog(code).obsolete, f"{code}: obsolete entries: {list(catalog(code).obsolete)}"


@by_language
def test_nothing_is_fuzzy_or_empty(code):
    cat = catalog(code)
    assert not cat.fuzzy, f"{code}: the header is marked fuzzy"
    for msg in messages(cat):
        assert not msg.fuzzy, f"{code}: fuzzy: {msg.id!r}"
        for index, text in enumerate(forms(msg)):
            assert text.strip(), f"{code}: empty msgstr[{index}] for {msg.id!r}"


# Where a catalog deliberately keeps fewer forms than CLDR. Persian and Turkish nouns stay
# singular after a number ("۳ وقت", "3 randevu"), and every plural text here has its number in
# it, so one form says all; CLDR's "one"/"other" split matters only for texts without a number.
ONE_FORM_BY_CHOICE = {"fa", "tr"}
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")
# Whole numbers the check evaluates both rules on: 0..1000, and the large round numbers where
# some languages (French "1 000 000 de") switch form again.
WHOLE_NUMBERS = [*range(1001), 10_000, 100_000, 1_000_000, 2_000_000, 1_000_000_000]
# Fractions only matter for finding CLDR categories that no whole number reaches (Russian
# "other" is 1.5): gettext passes whole numbers, so those categories get no form of their own.
FRACTIONS = [Decimal(tenths) / 10 for tenths in range(0, 1001) if tenths % 10]


def header_rule(code: str) -> tuple[int, Callable[[int], int]]:
    header = header_fields(code).get("Plural-Forms", "")
    match = re.fullmatch(r"nplurals=(\d+);\s*plural=(.+?);?", header)
    assert match, f"{code}: Plural-Forms header is {header!r}"
    return int(match.group(1)), gettext.c2py(match.group(2))


def cldr_forms(code: str) -> tuple[list[str], Callable[[int], str]]:
    """CLDR's categories that whole numbers reach, in gettext's order, and the rule itself."""
    rule = Locale.parse(code).plural_form
    whole = {rule(n) for n in WHOLE_NUMBERS}
    return [category for category in CLDR_ORDER if category in whole], rule


@by_language
def test_plural_forms_mean_what_cldr_says(code):
    count, header = header_rule(code)
    if code in ONE_FORM_BY_CHOICE:
        assert (count, {header(n) for n in WHOLE_NUMBERS}) == (1, {0}), code
    else:
        categories, rule = cldr_forms(code)
        assert count == len(categories), f"{code}: {count} forms, CLDR has {categories}"
        wrong = [n for n in WHOLE_NUMBERS if header(n) != categories.index(rule(n))]
        assert not wrong, f"{code}: form for {wrong[:5]} differs from CLDR's {categories}"
    for msg in messages(catalog(code)):
        if msg.pluralizable:
            assert len(msg.string) == count, f"{code}: {msg.id[0]!r}"


def test_fraction_only_categories_are_known():
    """Russian and Ukrainian have a category that only fractions reach; the check above must
    still count whole-number categories only, or those catalogs would need a fourth form."""
    for code in ("ru", "uk"):
        rule = Locale.parse(code).plural_form
        categories, _ = cldr_forms(code)
        assert {rule(fraction) for fraction in FRACTIONS} - set(categories) == {"other"}


def test_the_one_form_exceptions_are_real_exceptions():
    # If CLDR ever gives Persian or Turkish a single form, the exception above can go.
    for code in ONE_FORM_BY_CHOICE:
        assert len(cldr_forms(code)[0]) > 1, code


@by_language
def test_placeholders_are_kept_and_the_texts_format(code):
    for msg in messages(catalog(code)):
        expected = placeholders(reference_id(msg))
        for index, text in enumerate(forms(msg)):
            where = f"{code}: msgstr[{index}] of {msg.id!r}"
            assert placeholders(text) == expected, where
            text.format(**dict.fromkeys(expected, "X"))


@by_language
def test_commands_are_kept_literally(code):
    for msg in messages(catalog(code)):
        expected = set(COMMAND.findall(reference_id(msg)))
        for index, text in enumerate(forms(msg)):
            missing = expected - set(COMMAND.findall(text))
            assert not missing, f"{code}: msgstr[{index}] of {msg.id!r} lacks {missing}"


@by_language
def test_text_direction_and_script(code):
    for msg in messages(catalog(code)):
        for index, text in enumerate(forms(msg)):
            where = f"{code}: msgstr[{index}] of {msg.id!r}"
            if code in RTL_CODES:
                # Telegram takes a message's direction from its first strong character.
                assert first_strong_direction(text) == "rtl", where
            else:
                assert not any(map(is_arabic_letter, text)), where


@by_language
def test_header_marks_the_review_status(code):
    # The mark lives in the header comment because `pybabel update` keeps comments but drops
    # header fields it does not know.
    if code == SOURCE_LANGUAGE:
        return
    comment = " ".join(line.lstrip("#").strip()
                       for line in catalog(code).header_comment.splitlines())
    assert DRAFT_NOTE in comment or REVIEWED_NOTE.search(comment), (
        f"{code}: the header comment says neither machine draft nor reviewed")


@by_language
def test_the_runtime_loads_the_catalog(code):
    cat = catalog(code)
    tr = Translator(code)
    assert tr._(HELLO) == cat[HELLO].string
    for msg in messages(cat):
        if not msg.pluralizable:
            values = dict.fromkeys(placeholders(msg.id), "X")
            filled = {name: isolate(value, tr.rtl) for name, value in values.items()}
            template = isolate_commands(msg.string) if tr.rtl else msg.string
            assert tr._(msg.id, **values) == template.format(**filled), f"{code}: {msg.id!r}"


# CLDR's Arabic categories in gettext's order: zero, one, two, few (n % 100 in 3..10),
# many (n % 100 in 11..99) and other (100, 101, 102, ...).
ARABIC_FORM = {0: 0, 1: 1, 2: 2, 3: 3, 11: 4, 100: 5, 250: 4, 1002: 5}


def test_arabic_plurals_pick_the_form_for_each_number():
    tr = Translator("ar")
    plurals = [msg for msg in messages(catalog("ar")) if msg.pluralizable]
    assert plurals, "the template has no plural message"
    for msg in plurals:
        # Other placeholders ("{town}") get a stand-in value; only {n} picks the form.
        others = {name: "X" for _, name, _, _ in string.Formatter().parse(msg.id[1])
                  if name and name != "n"}
        for n, index in ARABIC_FORM.items():
            expected = isolate_commands(msg.string[index]).format(
                n=isolate(n, rtl=True), **{k: isolate(v, rtl=True) for k, v in others.items()})
            assert tr.ngettext(msg.id[0], msg.id[1], n, **others) == expected, (msg.id[0], n)
    # At least one message must tell the numbers apart, or this test proves nothing.
    assert max(len({msg.string[i] for i in ARABIC_FORM.values()}) for msg in plurals) >= 4


def test_arabic_counts_read_as_an_arabic_speaker_says_them():
    tr = Translator("ar")

    def appointments(n: int) -> str:
        return tr.ngettext("You have {n} appointment:", "You have {n} appointments:", n)

    assert "موعدان" in appointments(2)       # dual
    assert "مواعيد" in appointments(5)       # plural for 3 to 10
    assert "موعدًا" in appointments(11)      # accusative singular for 11 to 99
    assert "موعدًا" not in appointments(100) and "موعد" in appointments(100)


def test_the_template_matches_the_code():
    """A text added in code but not extracted would silently stay English everywhere."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = {**DEFAULT_KEYWORDS, "N_": None, "ngettext": (1, 2)}
    root = LOCALES_DIR.parent.parent
    in_code = {message[2] if isinstance(message[2], str) else message[2][0]
               for message in extract_from_dir(root / "bot", keywords=keywords,
                                               method_map=[("**.py", "python")])}
    with TEMPLATE.open("rb") as fh:
        in_template = {msg.id if isinstance(msg.id, str) else msg.id[0]
                       for msg in read_po(fh) if msg.id}
    assert in_code - in_template == set(), "run `make catalogs` and translate the new texts"
    assert in_template - in_code == set(), "run `make catalogs`: the code dropped these texts"
