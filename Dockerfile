# kimbot as a container: one process serving both bots in webhook mode, /healthz and /metrics
# on port 8000. See docs/operations.md for the whole topology (compose.yaml).
#
#   docker build -t kimbot .
#   docker run --env-file kimbot.env -p 8000:8000 kimbot
#
# Only what runs is installed: requirements-runtime.lock, the run-time part of
# requirements.lock at the same versions, every file checked against its SHA-256 hash.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements-runtime.lock ./
RUN pip install --require-hashes --no-deps -r requirements-runtime.lock \
    && pip check

# The code itself is run from /app as it is (no build step, so no build tools in the image).
COPY bot ./bot
COPY storage ./storage
COPY scheduler ./scheduler
COPY pyproject.toml README.md LICENSE ./
RUN printf '#!/bin/sh\nexec python -m bot.cli "$@"\n' > /usr/local/bin/kimbot \
    && chmod 0755 /usr/local/bin/kimbot \
    && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent \
               --shell /usr/sbin/nologin kimbot

USER kimbot
ENV PYTHONPATH=/app \
    KIMBOT_HTTP_HOST=0.0.0.0 \
    KIMBOT_HTTP_PORT=8000 \
    KIMBOT_LOG_FORMAT=json
EXPOSE 8000

# 200 only when PostgreSQL answers and the schema is the one this image needs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# SIGTERM stops taking updates, lets those in flight finish and be answered, then exits.
STOPSIGNAL SIGTERM
CMD ["kimbot", "run"]
