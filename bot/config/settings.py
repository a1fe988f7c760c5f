"""Process configuration: the only place that reads the environment."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SHIPPED_PLAYBOOK = Path(__file__).resolve().parents[1] / "playbook.yml"


class Settings(BaseSettings):
    # An empty variable counts as unset: Compose passes `VAR=` through from a .env line left blank,
    # and "" would otherwise become a path (".") or a token that is present but wrong.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///training_day.db"
    port: int = 3000
    playbook: Path = SHIPPED_PLAYBOOK
    log_level: str = "INFO"
    # SQLite: how long a dead process's scheduler lease keeps another from leading.
    scheduler_lock_ttl_seconds: int = Field(default=90, ge=10)

    # The team's Google Sheet ESP tracker (optional; without it the bot keeps only its own tracker).
    tracker_sheet_id: str | None = None
    google_service_account_file: Path | None = None
    google_service_account_json: str | None = None  # the key file's content, for hosts without files
    sheets_api_url: str = "https://sheets.googleapis.com/v4/spreadsheets"

    # Replicas and failover. On PostgreSQL a standby takes the scheduler over within
    # SCHEDULER_TAKEOVER_SECONDS of the leader's death (its poll and the TCP keepalives that reveal a
    # dead host are derived from it); the watchdog acts when the leader's loop has not ticked for
    # SCHEDULER_WATCHDOG_SECONDS; SIGTERM waits at most SHUTDOWN_GRACE_SECONDS for acknowledged work.
    scheduler_takeover_seconds: int = Field(default=30, ge=3)
    scheduler_watchdog_seconds: int = Field(default=60, ge=2)
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    log_format: Literal["text", "json"] = "text"
    # GET /metrics answers only with `Authorization: Bearer METRICS_TOKEN` when this is set (the
    # port is reachable from outside the host's private network); unset, anyone who reaches PORT may
    # scrape it, so keep PORT off the public side (deploy/nginx.conf does not pass it).
    metrics_token: str | None = None

    # Slack member IDs made admins at start (comma-separated): the first admin without a terminal.
    # Only ever adds the admin role; removing one is done from an admin's Home or the CLI.
    admin_user_ids: str = ""

    def secret_values(self) -> list[str]:
        """Every secret this process knows, for the log formatter to mask wherever one appears."""
        values = [
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.g2t_client_secret,
            self.metrics_token,
            self.google_service_account_json,
            *(self.g2t_token_key or "").split(","),
        ]
        password = re.search(r"://[^:/@]+:([^@]+)@", self.database_url)
        return [v.strip() for v in (*values, password.group(1) if password else None) if v and v.strip()]

    def first_admins(self) -> list[str]:
        return [part.strip() for part in self.admin_user_ids.split(",") if part.strip()]

    def sheet_sync_enabled(self) -> bool:
        return bool(self.tracker_sheet_id) and bool(
            self.google_service_account_file or self.google_service_account_json
        )

    # GoTo Training: optional; without a client id and a connection the bot carries the
    # cohort file's training_link as before. G2T_TOKEN_KEY is a Fernet key (encrypts the stored
    # refresh token and organizer key): `python -c "from cryptography.fernet import Fernet;
    # print(Fernet.generate_key().decode())"`. While rotating, a comma list: the first key seals,
    # every key opens (docs/runbook.md).
    g2t_client_id: str | None = None
    g2t_client_secret: str | None = None
    g2t_api_url: str = "https://api.getgo.com/G2T/rest"
    g2t_auth_url: str = "https://authentication.logmeininc.com"
    g2t_token_key: str | None = None
    # Where GoTo sends the admin back with the code: the bot's https://HOST/g2t/oauth/callback in
    # HTTP mode (registered in the GoTo OAuth client). `g2t connect` uses it unless told another.
    g2t_redirect_uri: str | None = None
    # The first wait before retrying a G2T call GoTo did not answer (doubles each time, 3 tries).
    g2t_retry_backoff_seconds: float = Field(default=0.5, ge=0)

    def missing_for_run(self) -> list[str]:
        """Names of the settings `run` needs but lacks, with where to get each."""
        missing = []
        if not self.slack_bot_token:
            missing.append(
                "SLACK_BOT_TOKEN (the Bot User OAuth Token, xoxb-..., from your app's "
                "'OAuth & Permissions' page after installing it from manifest.yml)"
            )
        if not self.slack_signing_secret and not self.slack_app_token:
            missing.append(
                "SLACK_SIGNING_SECRET (from your app's 'Basic Information' page) for HTTP mode, "
                "or SLACK_APP_TOKEN (an xapp-... token with connections:write) for Socket Mode"
            )
        return missing
