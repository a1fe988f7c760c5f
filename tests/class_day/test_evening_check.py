"""The evening check: at each training day's end the TL gets a checklist DM listing exactly what
is missing (expected forms, tracker rows not updated that day, open red flags); one reminder 30
minutes later only if something is still open; nothing when all is done."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.slack import ids
from scheduler.plan import plan_cohort
from tests.forms.test_forms_esp import submit
from tests.helpers import (
    ANA,
    BEN,
    CHLOE,
    CLASS,
    PM,
    TL,
    import_cohort,
    notices_to,
    shipped_playbook,
    text_of,
    unsaved_cohort,
)

CHICAGO = ZoneInfo("America/Chicago")
CHECK = "bot.forms.evening_jobs:evening_check"
REMINDER = "bot.forms.evening_jobs:evening_reminder"
BEN_N, CHLOE_N = "N2345678", "N3456789"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=CHICAGO)


def tl_dms(world) -> list[str]:
    return [
        text_of(m)
        for m in notices_to(world, TL)
        if "checklist" in m["text"].lower() or "still open" in m["text"]
    ]


def certs(world, agent: str, n_number: str, day: str = "2026-12-03") -> None:
    for carrier in ("ahip", "aetna"):
        reply = submit(world, "cert", agent=agent, n_number=n_number, carrier=carrier, day=day)
        assert reply.json() == {}, reply.body


def esp(world, agent: str, update: str) -> None:
    world.driver.command("/esp", f"<@{agent}|a> {update}", user=TL, channel=CLASS)


def resolve_all_flags(world, cohort_id: int) -> None:
    from bot.red_flags import service as red_flags

    with world.ctx.db.session() as session:
        flag_ids = [f.id for f in red_flags.open_for_cohort(session, cohort_id)]
    for flag_id in flag_ids:
        world.driver.submit_view(
            ids.VIEW_REDFLAG_RESOLVE,
            {
                ids.REDFLAG_RESOLUTION_BLOCK: {
                    ids.FIELD_INPUT: {"type": "plain_text_input", "value": "Cleared by the carrier"}
                }
            },
            user=PM,
            private_metadata=json.dumps({"flag_id": flag_id}),
        )


def test_the_check_and_its_reminder_are_planned_at_day_end_and_30_minutes_later():
    cohort_id = 1
    cohort, playbook = unsaved_cohort(cohort_id), shipped_playbook()
    jobs = {j.id: j for j in plan_cohort(cohort, playbook)}
    check = jobs[f"cohort:{cohort_id}:day:3:evening-check"]
    reminder = jobs[f"cohort:{cohort_id}:day:3:evening-reminder"]
    assert (check.func, check.args, check.run_at) == (CHECK, (cohort_id, 3), at(3, 17))
    assert (reminder.func, reminder.run_at) == (REMINDER, at(3, 17, 30))

    # The reminder's delay is the team's to set in the playbook.
    later = playbook.model_copy(
        update={"evening_check": playbook.evening_check.model_copy(update={"reminder_after_minutes": 45})}
    )
    jobs = {j.id: j for j in plan_cohort(cohort, later)}
    assert jobs[f"cohort:{cohort_id}:day:3:evening-reminder"].run_at == at(3, 17, 45)


def test_day_three_lists_exactly_what_is_missing_then_reminds_once(world):
    cohort_id = import_cohort(world)
    world.clock.set(at(3, 10))
    certs(world, ANA, "N1234567")  # Ana: both cert forms today, tracker moves with them
    esp(world, BEN, "tbt=in_progress")  # Ben: tracker touched, no forms
    world.driver.command(
        "/redflag", f"<@{BEN}|ben> background Finding in the Aetna check", user=TL, channel=CLASS
    )
    # Chloe: nothing today.

    world.clock.set(at(3, 17))
    assert world.run_job(CHECK, cohort_id, 3) is True
    [dm] = tl_dms(world)
    forms_part = dm.split("*ESP tracker not updated today*")[0]
    assert "Forms expected today and not submitted* (2 agents)" in dm
    assert "• Ben Okafor: AHIP Carrier Cert Completion, Aetna Carrier Cert Completion" in forms_part
    assert "• Chloe Martin: AHIP Carrier Cert Completion, Aetna Carrier Cert Completion" in forms_part
    assert "Ana Ruiz" not in dm
    tracker_part = dm.split("*ESP tracker not updated today*")[1].split("*Open red flags*")[0]
    assert tracker_part.strip().splitlines()[1:] == ["• Chloe Martin"]
    assert "*Open red flags* (1)" in dm and "Ben Okafor: Finding in the Aetna check" in dm

    # Twenty minutes later the TL has done Chloe's forms and the PM resolved the flag; Ben's are still open.
    world.clock.set(at(3, 17, 20))
    certs(world, CHLOE, CHLOE_N)
    resolve_all_flags(world, cohort_id)

    world.clock.set(at(3, 17, 30))
    assert world.run_job(REMINDER, cohort_id, 3) is True
    [_, reminder] = tl_dms(world)
    assert reminder.startswith("Reminder: 1 still open")
    assert "• Ben Okafor: AHIP Carrier Cert Completion, Aetna Carrier Cert Completion" in reminder
    assert (
        "Chloe" not in reminder
        and "red flag" not in reminder.lower()
        and "tracker not updated" not in reminder
    )

    # The job running again (a restart, a retry) sends nothing more.
    world.run_job(CHECK, cohort_id, 3)
    world.run_job(REMINDER, cohort_id, 3)
    assert len(tl_dms(world)) == 2


def test_a_form_is_not_expected_once_its_tracker_item_is_complete(world):
    cohort_id = import_cohort(world)
    world.clock.set(at(2, 11))
    certs(world, BEN, BEN_N, day="2026-12-02")  # done a day early
    world.clock.set(at(3, 9))
    for agent, n in ((ANA, "N1234567"), (CHLOE, CHLOE_N)):
        certs(world, agent, n)
    esp(world, BEN, "tbt=in_progress")
    world.clock.set(at(3, 17))
    assert world.run_job(CHECK, cohort_id, 3) is False
    assert tl_dms(world) == []


def test_nothing_is_sent_when_all_is_done_and_no_reminder_follows(world):
    cohort_id = import_cohort(world)
    world.clock.set(at(1, 16))
    for agent in (ANA, BEN, CHLOE):
        esp(world, agent, "equipment=complete")
    world.clock.set(at(1, 17))
    assert world.run_job(CHECK, cohort_id, 1) is False
    # Something opening afterwards does not start a reminder: the first check found nothing.
    world.driver.command("/redflag", f"<@{BEN}|ben> release Needs a release", user=TL, channel=CLASS)
    world.clock.set(at(1, 17, 30))
    assert world.run_job(REMINDER, cohort_id, 1) is False
    assert tl_dms(world) == []


def test_no_reminder_when_everything_was_finished_within_the_half_hour(world):
    cohort_id = import_cohort(world)
    world.clock.set(at(1, 17))
    assert world.run_job(CHECK, cohort_id, 1) is True
    [dm] = tl_dms(world)
    assert "ESP tracker not updated today* (3 agents)" in dm and "Forms expected" not in dm
    world.clock.set(at(1, 17, 15))
    for agent in (ANA, BEN, CHLOE):
        esp(world, agent, "equipment=in_progress")
    world.clock.set(at(1, 17, 30))
    assert world.run_job(REMINDER, cohort_id, 1) is False
    assert len(tl_dms(world)) == 1
