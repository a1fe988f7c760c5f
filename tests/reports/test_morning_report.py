"""The managers' morning report: each ESP manager one DM with every class, each PM their own part,
once per person and day; what it lists is what the tracker, the flags and the attempts say."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.esp_tracker import service as esp
from db.models import Role
from tests.helpers import ANA, BEN, CHLOE, CLASS, PM, TL, import_cohort, text_of
from tests.red_flags.test_red_flags import add_staff

CH = ZoneInfo("America/Chicago")
ESP = "U0ESP001"
JOB = "bot.reports.morning_jobs:send_report"


def ch(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CH)


def _complete(world, user: str) -> None:
    updates = " ".join(f"{item}=complete" for item in esp.ITEMS)
    world.driver.command("/esp", f"<@{user}|x> {updates}", user=TL, channel=CLASS)


def test_esp_managers_and_pms_get_one_accurate_report(world):
    world.clock.set(ch(2026, 11, 27, 9))
    import_cohort(world)
    other = import_cohort(
        world, name="Other class", channel="C0OTHER01", production_manager="U0PM0002", agents=[]
    )
    assert other
    add_staff(world, ESP, "Erin Esp", Role.ESP_MANAGER)
    world.advance_to(ch(2026, 12, 1, 9))
    world.driver.command("/redflag", f"<@{BEN}|ben> background Misdemeanor found", user=TL, channel=CLASS)
    for score in (60, 61, 62):
        world.driver.command("/failcert", f"<@{CHLOE}|chloe> ahip {score}", user=TL, channel=CLASS)
    _complete(world, ANA)
    world.settle()

    # Mon Dec 7: the class (Tue-Thu) is over and the fourth day (Mon Dec 7) not yet; Tue Dec 8 it is.
    world.clock.set(ch(2026, 12, 8, 7, 30))
    world.run_job(JOB, "2026-12-08")
    pm = [text_of(m) for m in world.slack.dms_to(PM) if "Morning report" in text_of(m)]
    manager = [text_of(m) for m in world.slack.dms_to(ESP) if "Morning report" in text_of(m)]
    assert len(pm) == 1 and len(manager) == 1
    report = manager[0]
    assert "AHIP/Aetna class - Dec 1* · ended Thu Dec 3, 2026" in report
    assert "Behind pace" in report and "Ben Okafor" in report
    assert "AHIP/Aetna not finished" in report
    assert "• Ben Okafor: AHIP, Aetna\n" in report and "• Ana Ruiz: AHIP, Aetna" not in report
    assert "Ana Ruiz: ESP-complete since Tue Dec 1, 2026 (7 days)" in report
    assert "Red flags open too long" in report and "Ben Okafor: Misdemeanor found (open 7 days)" in report
    assert "Chloe Martin: AHIP, 3 failed attempts (the limit)" in report
    assert "Other class" not in pm[0], "a PM reads only their own classes"

    world.run_job(JOB, "2026-12-08")  # a rerun, a restart: nothing twice
    world.run_job("bot.reports.morning_jobs:send_today")
    assert len([m for m in world.slack.dms_to(ESP) if "Morning report" in text_of(m)]) == 1


def test_before_the_fourth_day_nobody_is_listed_for_carriers(world):
    world.clock.set(ch(2026, 11, 27, 9))
    import_cohort(world)
    add_staff(world, ESP, "Erin Esp", Role.ESP_MANAGER)
    world.advance_to(ch(2026, 12, 2, 7, 30))
    world.run_job(JOB, "2026-12-02")
    report = text_of(world.slack.dms_to(ESP)[-1])
    assert "day 2 of 3" in report
    assert "AHIP/Aetna not finished" not in report
    assert "Ana Ruiz: AHIP module 1, AHIP module 2" in report  # day 1's pace is due


def test_the_report_is_a_housekeeping_job_at_the_playbooks_time(world):
    from datetime import UTC

    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler import runner

    # A memory job store: the real one would leave its table in the shared test database.
    scheduler = BackgroundScheduler(timezone=UTC)
    run = runner.Runner(ctx=world.ctx, scheduler=scheduler)
    scheduler.start(paused=True)
    try:
        run.add_housekeeping()
        job = scheduler.get_job("report:morning")
        assert (
            job is not None
            and job.func_ref == "bot.reports.morning_jobs:send_today"
            and tuple(job.args) == ()
        )
        fields = {f.name: str(f) for f in job.trigger.fields}
        assert (fields["hour"], fields["minute"]) == ("7", "30")
        assert str(job.trigger.timezone) == "America/Chicago"
    finally:
        scheduler.shutdown(wait=False)


def test_no_report_on_a_weekend(world):
    world.clock.set(ch(2026, 11, 27, 9))
    import_cohort(world)
    add_staff(world, ESP, "Erin Esp", Role.ESP_MANAGER)
    world.clock.set(ch(2026, 12, 5, 7, 30))  # a Saturday
    world.run_job("bot.reports.morning_jobs:send_today")
    assert not [m for m in world.slack.dms_to(ESP) if "Morning report" in text_of(m)]


def _press_production(world, agent_name: str) -> None:
    from bot.slack import ids

    for message in reversed(world.slack.dms_to(PM)):
        if agent_name not in text_of(message):
            continue
        for block in message.get("blocks") or []:
            for element in block.get("elements", []):
                if element.get("action_id") == ids.ACTION_MOVED_TO_PRODUCTION:
                    world.driver.action(
                        ids.ACTION_MOVED_TO_PRODUCTION,
                        element["value"],
                        user=PM,
                        channel="D0PM",
                        message_ts=message["ts"],
                    )
                    world.settle()
                    return
    raise AssertionError(f"no Moved to production button for {agent_name}")


def test_the_report_follows_the_playbooks_thresholds(world):
    world.clock.set(ch(2026, 11, 27, 9))
    import_cohort(world)
    add_staff(world, ESP, "Erin Esp", Role.ESP_MANAGER)
    world.advance_to(ch(2026, 12, 3, 10))  # Thursday: Ben starts his TBTs
    world.driver.command("/esp", f"<@{BEN}|ben> tbt=in_progress", user=TL, channel=CLASS)
    world.advance_to(ch(2026, 12, 7, 9))  # Monday: Ana is ESP-complete and moved; Chloe complete at 10
    _complete(world, ANA)
    world.settle()
    _press_production(world, "Ana Ruiz")
    world.advance_to(ch(2026, 12, 7, 10))
    _complete(world, CHLOE)
    world.settle()

    def report(day: int) -> str:
        world.clock.set(ch(2026, 12, day, 7, 30))
        world.run_job(JOB, f"2026-12-{day:02d}")
        return text_of(world.slack.dms_to(ESP)[-1])

    tuesday = report(8)
    assert "TBT and Call Cert not finished" not in tuesday  # 2 business days since Thursday
    assert "*Moved to production*\n• Ana Ruiz: Mon Dec 7, 2026 by Paolo Manager" in tuesday
    assert "ESP-complete, not yet moved to production" not in tuesday  # Chloe: less than a day
    wednesday = report(9)
    assert "• Ben Okafor: TBT, Call Cert (started Thu Dec 3, 2026)" in wednesday
    assert "Moved to production" not in wednesday  # more than a day ago
    assert "Chloe Martin: ESP-complete since Mon Dec 7, 2026 (2 days)" in wednesday  # calendar days
