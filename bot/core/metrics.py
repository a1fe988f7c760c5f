"""What an operator graphs and alerts on, in Prometheus' format (GET /metrics on every replica).

Each process counts its own work: scrape every replica, not the load balancer."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

# Slack waits 3 s for an ack: the buckets are dense below that.
ACK_SECONDS = Histogram(
    "training_day_ack_seconds",
    "Time from a Slack request's arrival to its acknowledgement, per listener",
    ["listener"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)
JOBS = Counter(
    "training_day_jobs",
    "Scheduled jobs by outcome: run, skipped_late (woke past its grace), failed (raised)",
    ["outcome"],
)
OUTBOX = Counter(
    "training_day_outbox_messages",
    "Outbox deliveries by outcome: sent, failed (will be retried), dead (gave up)",
    ["status"],
)
LEADER_CHANGES = Counter(
    "training_day_leader_changes", "Times this process became or stopped being the scheduler's leader"
)
IS_LEADER = Gauge("training_day_scheduler_leader", "1 while this process leads the scheduler")
LAST_TICK = Gauge(
    "training_day_scheduler_last_tick_timestamp_seconds",
    "Unix time of this leader's last scheduler loop tick",
)
WATCHDOG_ACTIONS = Counter(
    "training_day_scheduler_watchdog_actions",
    "What the watchdog did about a dead or stuck scheduler loop",
    ["action"],
)

for _outcome in ("run", "skipped_late", "failed"):
    JOBS.labels(_outcome)
for _status in ("sent", "failed", "dead"):
    OUTBOX.labels(_status)


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
