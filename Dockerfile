# syntax=docker/dockerfile:1
# Training Day: one image for every replica. Configure it with the environment (README,
# "Configuration"); DATABASE_URL must point at PostgreSQL to run more than one replica.
#
# The base image is pinned to an exact release. To pin it by digest as well (recommended for
# production), look the digest up and append it, then commit the change:
#   docker buildx imagetools inspect python:3.11.13-slim-bookworm --format '{{json .Manifest.Digest}}'
#   ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm@sha256:<that digest>
# Refresh it (same commands) when Debian or Python ship a security fix (docs/deploy.md, "Pinned images").
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

# -- build: the locked dependencies, then the bot, into one virtualenv ------------------------
FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
# The dependencies first, from the lock alone: a change to the code reuses this layer.
COPY requirements.lock deploy/install.sh ./
RUN ["sh", "install.sh", "deps", "/opt/venv", "requirements.lock"]
# .dockerignore keeps bot/standin and bot/demo (and tests, secrets) out of this context.
COPY pyproject.toml README.md app.py ./
COPY bot ./bot
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY db ./db
RUN ["sh", "install.sh", "app", "/opt/venv", "."]

# -- run: the virtualenv alone, as an unprivileged user ---------------------------------------
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PORT=3000
RUN groupadd --system --gid 10001 trainingday \
    && useradd --no-log-init --system --uid 10001 --gid 10001 --no-create-home --home-dir /app trainingday \
    && mkdir /app && chown 10001:10001 /app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER 10001:10001
EXPOSE 3000
# Liveness: the process answers. Readiness (database and schema) is GET /readyz, which the
# orchestrator uses to route traffic (compose.yaml's healthcheck, a Kubernetes readinessProbe);
# a database blip must not get every replica restarted, so this check never looks at it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/livez' % os.environ.get('PORT', '3000'), timeout=2)"]
# SIGTERM reaches `training-day run` itself (exec form, no shell): it drains and hands the
# scheduler over. `run` applies pending migrations under a lock before it serves.
STOPSIGNAL SIGTERM
CMD ["training-day", "run"]
