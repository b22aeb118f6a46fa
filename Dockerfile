# kimbot as a container: one process serving both bots in webhook mode, /healthz and /metrics
# on port 8000. See docs/operations.md for the whole topology (compose.yaml).
#
#   docker build -t kimbot .
#   docker run --env-file kimbot.env -p 8000:8000 kimbot
#
# Everything comes from the lock files, every file checked against its SHA-256 hash: the build
# stage installs requirements.lock (it holds setuptools, the build backend) and builds kimbot's
# wheel; the image installs only requirements-runtime.lock (the run-time part of the same lock,
# same versions) and that wheel, without resolving anything.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY storage ./storage
COPY scheduler ./scheduler
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements-runtime.lock /tmp/
COPY --from=build /wheels /tmp/wheels
RUN pip install --require-hashes --no-deps -r /tmp/requirements-runtime.lock \
    && pip install --no-deps /tmp/wheels/*.whl \
    && pip check \
    && rm -rf /tmp/wheels /tmp/requirements-runtime.lock \
    && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent \
               --shell /usr/sbin/nologin kimbot

# A working directory the non-root user may not write: nothing is kept in the container (the
# database is PostgreSQL), and no .env file is read from here.
WORKDIR /srv/kimbot
USER kimbot
ENV KIMBOT_HTTP_HOST=0.0.0.0 \
    KIMBOT_HTTP_PORT=8000 \
    KIMBOT_LOG_FORMAT=json
EXPOSE 8000

# 200 only when PostgreSQL answers and the schema is the one this image needs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# SIGTERM: stop taking updates, let those in flight finish and be answered, then exit.
STOPSIGNAL SIGTERM
CMD ["kimbot", "run"]
