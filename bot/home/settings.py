"""A person's notification settings, behind the button on their Home: per kind, at once or in the
digest; the digest's moments; quiet hours on their own clock. No choice means the budget's
defaults (bot/core/budget.py); a person who wants every alert at once unticks every kind."""

from __future__ import annotations

from dataclasses import dataclass

from bot.access.policy import Action
from bot.config.notifications import parse_hhmm
from bot.core import budget
from bot.core.errors import InvalidInput
from bot.core.unit_of_work import Work, use_case

# What a person may fold or not, in the words the modal shows. Urgent kinds are not offered:
# they always come at once.
KIND_LABELS: dict[str, str] = {
    "mia_alert": "MIAs at a break",
    "tardy_alert": "Tardy agents",
    "failcert": "Failed exams",
    "ahip_clock": "AHIP clock marks",
    "timeframe_flag": "Pace and window flags",
    "catchup_end": "Catch-up hours used up",
    "esp_complete_tl": "ESP-complete (team lead's copy)",
    "sheet_disagreement": "Tracking-sheet disagreements",
    "sheet_copies": "Duplicate sheet rows",
    "g2t_end_of_day": "GoTo presence at day end",
    "g2t_report_missing": "GoTo report missing",
    "end_of_day": "End-of-day summary",
    "evening.check": "Evening checklist",
    "attendance_claim": "Agents saying \u201cI was there\u201d",
    "cap_unacknowledged": "CAPs not acknowledged",
    "form_submitted": "Confirmations of forms you submit",
    "morning_report": "Morning report",
    "evening.reminder": "Evening checklist reminder",
}
MAX_MOMENTS = 12


@dataclass(frozen=True)
class Settings:
    folded: list[str]  # the kinds that go to the digest
    moments: list[str]  # "HH:MM" on the class's clock
    quiet: tuple[str, str] | None
    timezone: str


@dataclass(frozen=True)
class SettingsInput:
    folded: list[str]
    moments: str
    quiet_from: str
    quiet_until: str


@use_case
def current(work: Work) -> Settings:
    """The Home's Notification settings button: the caller's choices as they stand."""
    actor = work.allow(Action.NOTIFICATIONS_SET)
    return _settings(work, actor.slack_user_id)


@use_case
def save(work: Work, data: SettingsInput) -> Settings:
    """The settings modal: keep the caller's choices; a time that is not HH:MM writes nothing."""
    actor = work.allow(Action.NOTIFICATIONS_SET)
    unknown = [k for k in data.folded if k not in KIND_LABELS]
    if unknown:
        raise InvalidInput(
            "That list of kinds is out of date: open Notification settings again.", field="kinds"
        )
    moments = [m.strip() for m in data.moments.replace(";", ",").split(",") if m.strip()]
    if len(moments) > MAX_MOMENTS:
        raise InvalidInput(f"At most {MAX_MOMENTS} digest times.", field="moments")
    for moment in moments:
        try:
            parse_hhmm(moment)
        except ValueError:
            raise InvalidInput(
                f"“{moment[:20]}” is not a time: write times like 10:15, 17:00, separated by commas.",
                field="moments",
            ) from None
    quiet: tuple[str, str] | None = None
    if data.quiet_from or data.quiet_until:
        if not (data.quiet_from and data.quiet_until):
            raise InvalidInput("Quiet hours need both a start and an end.", field="quiet_until")
        if data.quiet_from == data.quiet_until:
            raise InvalidInput("Quiet hours must end at another time than they start.", field="quiet_until")
        quiet = (data.quiet_from, data.quiet_until)
    modes = {kind: (budget.DIGEST if kind in data.folded else budget.IMMEDIATE) for kind in KIND_LABELS}
    budget.save_preference(
        work.session,
        actor.slack_user_id,
        modes=modes,
        moments=moments or None,
        quiet=quiet,
        now=work.now,
    )
    return _settings(work, actor.slack_user_id)


def _settings(work: Work, user_id: str) -> Settings:
    choices = budget.choices_for(work.session, work.playbook, user_id)
    return Settings(
        folded=[k for k in KIND_LABELS if choices.folds(k)],
        moments=[f"{m:%H:%M}" for m in choices.moments],
        quiet=(f"{choices.quiet[0]:%H:%M}", f"{choices.quiet[1]:%H:%M}") if choices.quiet else None,
        timezone=choices.timezone,
    )
