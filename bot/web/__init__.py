"""The web server inside each kimbot process: Telegram's webhooks for both bots, /healthz for
the proxy or orchestrator, /metrics for Prometheus (server.py; health.py has the checks)."""
