"""Free-text questions find their topic in all 14 languages, and nothing else finds one.

The questions are short texts a person might type in the finder instead of tapping a topic. The
"-syn" cases use a synonym: the topic's first keyword in that language does not occur in them.
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from bot.catalogue.keywords import KEYWORDS_FILE, KeywordMatcher, default_matcher, normalize
from bot.catalogue.topics import TOPIC_BY_CODE
from bot.i18n import LANGUAGES

CODES = [lang.code for lang in LANGUAGES]

# (id, language, text, expected first topic)
QUESTIONS = [
    ("de-housing", "de", "Ich suche eine Wohnung", "housing"),
    ("de-debts-syn", "de", "Ich habe eine Mahnung bekommen", "debts"),
    ("en-work", "en", "I need a work permit", "work"),
    ("en-housing-syn", "en", "looking for an apartment to rent", "housing"),
    ("ar-school", "ar", "ابني يحتاج مكانًا في مدرسة", "kita_school"),
    ("ar-housing-syn", "ar", "أبحث عن شقة للإيجار", "housing"),
    ("ar-work-syn", "ar", "أريد أن أشتغل", "work"),
    ("ar-reunification", "ar", "أريد لم شمل عائلتي", "family_reunification"),
    ("uk-housing", "uk", "Шукаю житло в Бонні", "housing"),
    ("uk-kita-syn", "uk", "Потрібне місце в садочку для дитини", "kita_school"),
    ("uk-debts", "uk", "У мене борги за світло", "debts"),
    ("ru-work", "ru", "Ищу работу", "work"),
    ("ru-income-syn", "ru", "Когда придёт пособие?", "income_benefits"),
    ("ru-return", "ru", "Хочу вернуться на родину", "return_counselling"),
    ("fa-residence", "fa", "اقامتم تمدید نمی‌شود", "residence"),
    ("fa-housing-syn", "fa", "دنبال آپارتمان برای اجاره هستم", "housing"),
    ("fa-reunification", "fa", "می‌خواهم خانواده‌ام را به آلمان بیاورم",
     "family_reunification"),
    ("ps-health", "ps", "ډاکټر ته اړتیا لرم", "health"),
    ("ps-kita-syn", "ps", "زما زوی وړکتون ته اړتیا لري", "kita_school"),
    ("tr-work", "tr", "çalışma izni nasıl alınır", "work"),
    ("tr-housing-syn", "tr", "kira çok yüksek", "housing"),
    ("tr-reunification", "tr", "ailemi Almanya'ya getirmek istiyorum", "family_reunification"),
    ("ku-work", "ku", "li kar digerim", "work"),
    ("ku-health-syn", "ku", "nexweş im, bijîşk lazim e", "health"),
    ("ti-work", "ti", "ስራሕ እደሊ", "work"),
    ("ti-kita-syn", "ti", "ንውላደይ ሙዓለ ህጻናት እደሊ", "kita_school"),
    ("fr-housing", "fr", "je cherche un logement", "housing"),
    ("fr-debts-syn", "fr", "j'ai une facture impayée", "debts"),
    ("fr-kita-syn", "fr", "une place en crèche pour mon fils", "kita_school"),
    ("so-work", "so", "shaqo ayaan raadinayaa", "work"),
    ("so-housing-syn", "so", "qol kiro ah ayaan u baahanahay", "housing"),
    ("ro-work", "ro", "caut un loc de muncă", "work"),
    ("ro-health-syn", "ro", "sunt bolnav, am nevoie de un doctor", "health"),
    ("bg-housing", "bg", "Търся жилище под наем", "housing"),
    ("bg-reunification-syn", "bg", "Искам да доведа съпругата си", "family_reunification"),
]

UNRELATED = [
    "hello", "thank you", "Danke schön", "مرحبا", "شكرا جزيلا", "ممنون", "ډېره مننه",
    "Дякую", "Спасибо", "Благодаря", "teşekkürler", "spas", "የቐንየለይ", "merci", "mahadsanid",
    "mulțumesc", "👍", "🙂🙏", "12345", "+49 170 1234567", "",
]


@cache
def table() -> dict[str, dict[str, list[str]]]:
    with KEYWORDS_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.mark.parametrize(("language", "text", "topic"),
                         [case[1:] for case in QUESTIONS], ids=[case[0] for case in QUESTIONS])
def test_a_question_finds_its_topic_first(language, text, topic):
    assert default_matcher().topics(text)[:1] == [topic]


def test_every_language_has_questions_and_a_synonym():
    for code in CODES:
        cases = [case for case in QUESTIONS if case[1] == code]
        assert len(cases) >= 2, code
        assert any(case[0].endswith("-syn") for case in cases), code


@pytest.mark.parametrize(("language", "text", "topic"),
                         [case[1:] for case in QUESTIONS if case[0].endswith("-syn")],
                         ids=[case[0] for case in QUESTIONS if case[0].endswith("-syn")])
def test_a_synonym_case_does_without_the_first_keyword(language, text, topic):
    first = table()[topic][language][0]
    assert KeywordMatcher({topic: {language: [first]}}).topics(text) == [], first


@pytest.mark.parametrize(("text", "topic"), [
    ("jobcenter", "income_benefits"),
    ("مدرسة", "kita_school"),
    ("квартира", "housing"),
], ids=["jobcenter", "ar-school", "ru-flat"])
def test_the_examples_from_the_issue(text, topic):
    assert default_matcher().topics(text)[:1] == [topic]


@pytest.mark.parametrize("text", UNRELATED, ids=range(len(UNRELATED)))
def test_unrelated_text_finds_no_topic(text):
    assert default_matcher().topics(text) == []


@pytest.mark.parametrize(("one", "other"), [
    ("مَدْرَسَةٌ", "مدرسة"),  # Arabic short vowels
    ("إقامة", "اقامه"),  # hamza forms and ta marbuta
    ("پزشك و طبيب", "پزشک و طبیب"),  # Arabic kaf and yeh, Persian keheh and yeh
    ("دانش‌آموز", "دانشاموز"),  # zero-width non-joiner and alef madda
    ("Ausländerbehörde", "Auslanderbehorde"),
    ("Bürgergeld", "burgergeld"),
    ("JOBCENTER", "jobcenter"),
    ("КВАРТИРА", "квартира"),
    ("Çalışma İzni", "calısma izni"),
], ids=["ar-vowels", "ar-hamza", "fa-kaf-yeh", "fa-zwnj", "de-umlaut", "de-case", "en-case",
        "ru-case", "tr-dotted-i"])
def test_spelling_variants_meet(one, other):
    assert normalize(one) == normalize(other)
    assert default_matcher().topics(one) == default_matcher().topics(other) != []


def test_topics_and_languages_are_complete():
    assert set(table()) == set(TOPIC_BY_CODE)
    for topic, by_language in table().items():
        assert set(by_language) == set(CODES), topic
        for code, words in by_language.items():
            assert words, f"{topic}/{code}: no keywords"


def test_keywords_are_long_enough_and_not_repeated():
    for topic, by_language in table().items():
        for code, words in by_language.items():
            normal = [normalize(str(word)) for word in words]
            short = [word for word in normal if len(word) < 3]
            assert not short, f"{topic}/{code}: too short to be specific: {short}"
            # A repeated keyword counts twice and skews the ranking.
            assert len(set(normal)) == len(normal), f"{topic}/{code}: repeated keyword"


@pytest.mark.parametrize("text", ["Wann ist das Amt offen oder zu?", "Was passiert jetzt?",
                                  "Ich muss eher zum Amt", "Ich will billig einkaufen",
                                  "Ich komme aus Odessa"])
def test_short_keywords_do_not_hit_everyday_words(text):
    assert default_matcher().topics(text) == []


def test_accents_are_judged_by_their_own_letter_in_mixed_scripts():
    # A Ukrainian ї before a German ä must not keep the umlaut, nor lose its own dots.
    assert normalize("Мої питання: Ausländerbehörde") == "мої питання auslanderbehorde"
    assert default_matcher().topics("Мої питання: Ausländerbehörde")[0] == "residence"
