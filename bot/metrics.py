"""What /metrics shows (prometheus-client), in one place: every metric kimbot exposes is
defined here, with its labels, so an operator's dashboard and this file agree.

The counters live in the process (one set per instance; Prometheus adds them up across
instances). The outbox figures are read from the database when /metrics is scraped, so every
instance reports the same backlog: alert on the maximum, not the sum.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("kimbot_updates", "Updates received, by bot and kind (text, command, "
                  "action, unsupported, ignored, duplicate).", ["bot", "kind"])
FLOW_SECONDS = Histogram("kimbot_flow_duration_seconds", "Time from taking an update's chat "
                         "lock to the commit of its transaction.", ["bot"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
FLOWS_FAILED = Counter("kimbot_flows_failed", "Flows that raised (answered with an apology, "
                       "changes rolled back).", ["bot"])
UPDATES_NOT_HANDLED = Counter("kimbot_updates_not_handled", "Webhook updates answered with "
                              "an error because the database failed; Telegram sends them "
                              "again.", ["bot"])
WEBHOOK_REJECTED = Counter("kimbot_webhook_rejected", "Webhook requests refused for a "
                           "missing or wrong secret token.", ["bot"])
SENDS = Counter("kimbot_sends", "Messages sent to Telegram (replies and outbox), by result: "
                "ok, 429, 403, other.", ["bot", "result"])
REMINDERS_SENT = Counter("kimbot_reminders_sent", "Appointment reminders Telegram accepted.")
OUTBOX_BACKLOG = Gauge("kimbot_outbox_backlog", "Messages waiting in the outbox (all "
                       "instances; read from the database at scrape time).")
OUTBOX_OLDEST_DUE_AGE = Gauge("kimbot_outbox_oldest_due_age_seconds", "How long the oldest "
                              "due outbox message has been due (0 when none is).")


def count_send(bot: str, result: str) -> None:
    """`result`: "ok", "429", "403" or "other"."""
    SENDS.labels(bot, result).inc()
