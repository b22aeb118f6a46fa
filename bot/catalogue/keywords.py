"""Free-text questions to topics: "jobcenter", "مدرسة" or "квартира" finds the right topic.

Keywords live in keywords.yaml, per topic and language. Every language is searched whatever the
person chose (people mix: an Arabic sentence with "Jobcenter" in it), and the text is normalised
so spelling variants meet: case, accents, Arabic-script letter forms and diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.catalogue.topics import TOPIC_BY_CODE

KEYWORDS_FILE = Path(__file__).parent / "keywords.yaml"
SHORT = 3  # Latin keywords this short match whole words only
# Arabic, Persian and Pashto write the same letter in several forms, and add short vowels that
# people mostly leave out: fold them so "مدرسه" and "مَدْرَسَة" meet.
_ARABIC_FOLDS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا",
                               "آ": "ا", "ٱ": "ا", "ۀ": "ه", "ې": "ی", "ۍ": "ی", "ﻻ": "لا"})
_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640\u200c\u200d]")  # harakat, tatweel, ZW(N)J
_NOT_WORD = re.compile(r"[^\w\s]")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _MARKS.sub("", text).translate(_ARABIC_FOLDS)
    # Strip Latin accents (é -> e, ü -> u) but keep other scripts' letters whole.
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for i, c in enumerate(decomposed)
                   if not (unicodedata.combining(c) and _follows_latin(decomposed, i)))
    text = unicodedata.normalize("NFC", text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _follows_latin(decomposed: str, index: int) -> bool:
    # A combining mark belongs to the nearest letter before it; only Latin letters lose theirs.
    for base in reversed(decomposed[:index]):
        if not unicodedata.combining(base):
            return "LATIN" in unicodedata.name(base, "")
    return False


def _is_arabic_script(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in word)


@dataclass(frozen=True)
class Keyword:
    topic: str
    text: str  # normalised
    language: str


class KeywordMatcher:
    def __init__(self, table: dict[str, dict[str, list[str]]]) -> None:
        self.keywords: list[Keyword] = []
        for topic, by_language in table.items():
            if topic not in TOPIC_BY_CODE:
                raise ValueError(f"keywords for unknown topic {topic!r}")
            for language, words in by_language.items():
                for word in words:
                    normal = normalize(str(word))
                    if normal:
                        self.keywords.append(Keyword(topic, normal, language))

    def topics(self, text: str) -> list[str]:
        """Topics the text speaks of, best first; empty when nothing matches."""
        normal = normalize(text)
        if not normal:
            return []
        tokens = normal.split()
        scores: dict[str, int] = {}
        for keyword in self.keywords:
            if _matches(keyword.text, normal, tokens):
                scores[keyword.topic] = scores.get(keyword.topic, 0) + len(keyword.text)
        return sorted(scores, key=lambda topic: -scores[topic])


def _matches(keyword: str, normal: str, tokens: list[str]) -> bool:
    if " " in keyword:
        return f" {keyword} " in f" {normal} "
    if _is_arabic_script(keyword):
        # Arabic-script words take prefixes (ال, و, ب): look inside the word too.
        return any(keyword in token for token in tokens)
    if len(keyword) <= SHORT and keyword.isascii():
        # Short Latin keywords as word beginnings hit everyday words ("ode" in "oder",
        # "pass" in "passiert"): they must be the whole word.
        return keyword in tokens
    # Elsewhere a keyword is a word's beginning: "wohn" finds "wohnung", "wohnen".
    return any(token.startswith(keyword) for token in tokens)


@cache
def default_matcher() -> KeywordMatcher:
    with KEYWORDS_FILE.open(encoding="utf-8") as fh:
        return KeywordMatcher(yaml.safe_load(fh))
