"""`kimbot screens` as a reviewer meets it: what it prints and its exit code, with the walk
replaced by results (tests/screens/test_pictures.py runs the real one)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.screens import run
from bot.screens.page import ChromiumMissing
from bot.screens.walk import SCREENS


def fake_walk(monkeypatch, missing=None, error=None) -> list[list[str]]:
    """take_screens replaced: a picture per screen, `missing` characters for Arabic, and an
    `error` for Tigrinya; returns the language lists it was called with."""
    calls = []

    async def take(out: Path, languages, check_fonts=True, parallel=3, progress=None):
        calls.append(list(languages))
        results = []
        for language in languages:
            result = run.LanguageScreens(language, checked=check_fonts)
            if language == "ti" and error:
                result.error = error
            else:
                for number, name in enumerate(SCREENS, start=1):
                    path = out / language / f"{number:02d}-{name}.png"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(b"png")
                    result.pictures.append(path)
            if language == "ar" and missing:
                result.missing = missing
            progress(result)
            results.append(result)
        return results

    monkeypatch.setattr(run, "take_screens", take)
    return calls


def test_every_language_in_the_order_of_the_language_list(monkeypatch, tmp_path):
    calls = fake_walk(monkeypatch)
    result = CliRunner().invoke(main, ["screens", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert calls == [["de", "en", "ar", "uk", "ru", "fa", "ps", "tr", "ku", "ti", "fr", "so",
                      "ro", "bg"]]
    assert "ar: 8 screens; every character has a glyph" in result.output
    assert f"112 pictures in {tmp_path}/" in result.output
    assert (tmp_path / "index.html").exists()


def test_a_character_without_a_glyph_is_named_and_fails_the_run(monkeypatch, tmp_path):
    fake_walk(monkeypatch, missing={"📅": ({"05-booking-check", "06-confirmation"},
                                           {"Noto Sans", "DejaVu Sans"})})
    result = CliRunner().invoke(main, ["screens", "--out", str(tmp_path), "--lang", "ti",
                                       "--lang", "ar"])
    assert result.exit_code == 1
    assert "ar: 8 screens; 1 without a glyph" in result.output
    assert ("U+1F4C5 📅 CALENDAR on 05-booking-check, 06-confirmation (fonts used there: "
            "DejaVu Sans, Noto Sans)") in result.output
    assert "characters without a glyph in: ar" in result.output


def test_a_walk_that_stops_fails_the_run_and_says_why(monkeypatch, tmp_path):
    fake_walk(monkeypatch, error="WalkError: no button i_go")
    result = CliRunner().invoke(main, ["screens", "--out", str(tmp_path), "--lang", "ti"])
    assert result.exit_code == 1
    assert "ti: the walk stopped: WalkError: no button i_go" in result.output
    assert "no complete screens for: ti" in result.output


def test_an_unknown_language_is_refused_before_anything_starts(monkeypatch, tmp_path):
    calls = fake_walk(monkeypatch)
    result = CliRunner().invoke(main, ["screens", "--out", str(tmp_path), "--lang", "xx"])
    assert result.exit_code == 2 and "'xx' is not one of" in result.output
    assert calls == []


def test_a_missing_browser_is_a_clear_error(monkeypatch, tmp_path):
    async def take(*args, **kwargs):
        raise ChromiumMissing("/usr/bin/chromium is not installed (apt-get install chromium)")

    monkeypatch.setattr(run, "take_screens", take)
    result = CliRunner().invoke(main, ["screens", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "Error: /usr/bin/chromium is not installed (apt-get install chromium)" in (
        result.output)
