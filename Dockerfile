# Training Day: one image for every replica. Configure it with the environment (README,
# "Configuration"); DATABASE_URL must point at PostgreSQL to run more than one replica.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000

WORKDIR /app
COPY pyproject.toml README.md app.py ./
COPY bot ./bot
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY db ./db
RUN pip install . && useradd --create-home --uid 10001 trainingday

USER trainingday
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=2)"
# SIGTERM reaches `training-day run` itself (exec): it drains and hands the scheduler over.
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "training-day db upgrade && exec training-day run"]
