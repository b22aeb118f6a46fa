"""Settings for running as a service: webhook mode is complete or refused, with the reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import DEFAULT_HTTP_PORT, Settings

TOKENS = {"client_token": "1:a", "staff_token": "2:b"}
SECRET = "s" * 32


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_polling_stays_the_default_without_a_web_server():
    plain = settings(**TOKENS)
    assert not plain.webhook and plain.listen_port is None


def test_webhook_mode_listens_on_the_default_port_and_builds_both_paths():
    mode = settings(**TOKENS, webhook_url="https://kim.example.org/bot/",
                    webhook_secret=SECRET)
    assert mode.webhook and mode.listen_port == DEFAULT_HTTP_PORT
    assert mode.webhook_endpoint("client") == "https://kim.example.org/bot/telegram/client"
    assert mode.webhook_endpoint("staff") == "https://kim.example.org/bot/telegram/staff"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:9000",
                                 "http://[::1]:8000"])
def test_plain_http_is_accepted_for_loopback_only(url):
    assert settings(**TOKENS, webhook_url=url, webhook_secret=SECRET).webhook


@pytest.mark.parametrize(("values", "reason"), [
    ({"webhook_url": "http://kim.example.org"}, "must use https"),
    ({"webhook_url": "ftp://kim.example.org"}, "must be an https URL"),
    ({"webhook_url": "https://kim.example.org?x=1"}, "no query"),
    ({"webhook_url": "https://kim.example.org"}, "needs KIMBOT_WEBHOOK_SECRET"),
    ({"webhook_url": "https://kim.example.org", "webhook_secret": "short"}, "at least 24"),
    ({"webhook_url": "https://kim.example.org", "webhook_secret": "ü" * 30}, "only A-Z"),
    ({"http_port": 70000}, "between 1 and 65535"),
    ({"log_format": "xml"}, "'text' or 'json'"),
])
def test_incomplete_or_unsafe_service_settings_are_refused(values, reason):
    with pytest.raises(ValidationError, match=reason):
        settings(**TOKENS, **values)


def test_webhook_mode_needs_the_tokens():
    with pytest.raises(ValidationError, match="needs KIMBOT_CLIENT_TOKEN"):
        settings(webhook_url="https://kim.example.org", webhook_secret=SECRET)
