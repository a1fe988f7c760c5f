"""App Home through the stand-in: staff see their classes (agents, open red flags, the help
queue), agents their own day and next step, ESP managers the open red flags, strangers how to
get added; a 200-agent class stays inside Slack's 100-block limit."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import people
from bot.slack import ids
from db.models import Role
from tests.helpers import ANA, BEN, CHLOE, CLASS, PM, TL, import_cohort, text_of

ESP = "U0ESP001"
CHICAGO = ZoneInfo("America/Chicago")


def open_home(world, user: str) -> dict:
    reply = world.driver.event(
        {"type": ids.EVENT_APP_HOME_OPENED, "user": user, "tab": "home", "event_ts": "1.0"}
    )
    assert reply.status == 200
    return world.slack.state.home[user]


def buttons(view: dict) -> list[tuple[str, str]]:
    found = []
    for block in view["blocks"]:
        for element in block.get("elements", []) + ([block["accessory"]] if "accessory" in block else []):
            if element.get("type") == "button":
                found.append((element["action_id"], element["value"]))
    return found


def add_esp_manager(world) -> None:
    with world.ctx.db.session() as session:
        people.upsert(
            session,
            slack_user_id=ESP,
            name="Erin Esp",
            role=Role.ESP_MANAGER,
            actor="cli",
            now=world.clock.now(),
        )


def test_a_stranger_is_told_how_to_get_added(world):
    view = open_home(world, "U0NOBODY1")
    shown = text_of(view)
    assert view["type"] == "home"
    assert "How to get added" in shown and "/cohort add" in shown


def test_the_messages_tab_publishes_nothing(world):
    world.driver.event({"type": ids.EVENT_APP_HOME_OPENED, "user": TL, "tab": "messages", "event_ts": "1.0"})
    assert world.slack.calls("views.publish") == []


def test_the_team_lead_sees_the_class_agents_red_flags_and_help_queue(world):
    import_cohort(world)
    add_esp_manager(world)
    world.driver.command(
        "/redflag", f"<@{BEN}|ben> license No health license in Texas", user=TL, channel=CLASS
    )
    world.clock.set(datetime(2026, 12, 1, 9, 30, tzinfo=CHICAGO))
    world.driver.command("/needhelp", "citrix password", user=CHLOE, channel=CLASS)

    view = open_home(world, TL)
    shown = text_of(view)
    assert "AHIP/Aetna class - Dec 1" in shown and "day 1 of 3" in shown
    for name in ("Ana Ruiz", "Ben Okafor", "Chloe Martin"):
        assert name in shown
    assert "No health license in Texas" in shown and "1 open red flags" in shown
    assert "Chloe Martin* since 9:30 AM" in shown and "1 in the help queue" in shown
    assert "you are the team lead" in shown
    # The five forms' buttons, with the action ids the forms capability defines (when it is installed).
    assert set(getattr(ids, "ACTION_FORM_OPEN", {}).values()) <= {b[0] for b in buttons(view)}
    flag_buttons = [b for b in buttons(view) if b[0] == ids.ACTION_REDFLAG_RESOLVE]
    assert len(flag_buttons) == 1
    # Agents who need attention are listed first.
    agent_lines = [line for line in shown.splitlines() if line.startswith("*") and " | " in line]
    assert [line.split("*")[1] for line in agent_lines[:2]] == ["Ben Okafor", "Chloe Martin"]

    pm_view = open_home(world, PM)
    assert "you are the production manager" in text_of(pm_view)


def test_resolve_from_home_opens_the_modal(world):
    import_cohort(world)
    world.driver.command("/redflag", f"<@{BEN}|ben> background Finding in the check", user=TL, channel=CLASS)
    view = open_home(world, PM)
    [(action_id, value)] = [b for b in buttons(view) if b[0] == ids.ACTION_REDFLAG_RESOLVE]
    world.driver.action(action_id, value, user=PM, view={"id": "VHU0PM0001", "type": "home"})
    [opened] = world.slack.calls("views.open")
    assert opened.args["view"]["callback_id"] == ids.VIEW_REDFLAG_RESOLVE


def test_an_agent_sees_their_class_schedule_and_next_step_but_no_red_flags(world):
    import_cohort(world)
    world.driver.command(
        "/redflag", f"<@{ANA}|ana> background Pending background check", user=TL, channel=CLASS
    )

    shown = text_of(open_home(world, ANA))
    assert "Hi Ana!" in shown and "AHIP/Aetna class - Dec 1" in shown
    assert "Next class day: Tue Dec 1, 2026" in shown
    assert (
        "8:00 AM class starts" in shown
        and "12:00 PM lunch (30 min)" in shown
        and "5:00 PM class ends" in shown
    )
    assert "Your next step" in shown
    assert "background" not in shown.lower() and "red flag" not in shown.lower()

    world.clock.set(datetime(2026, 12, 2, 7, 0, tzinfo=CHICAGO))
    shown = text_of(open_home(world, ANA))
    assert "*Today*" in shown and "day 2 of 3" in shown


def test_an_esp_manager_sees_every_open_red_flag_with_resolve(world):
    import_cohort(world)
    add_esp_manager(world)
    world.driver.command("/redflag", f"<@{BEN}|ben> release Needs a release", user=TL, channel=CLASS)
    world.driver.command("/redflag", f"<@{ANA}|ana> license Health license lapsed", user=PM, channel=CLASS)
    view = open_home(world, ESP)
    shown = text_of(view)
    assert "Open red flags: 2" in shown and "Needs a release" in shown and "Health license lapsed" in shown
    assert len([b for b in buttons(view) if b[0] == ids.ACTION_REDFLAG_RESOLVE]) == 2


def test_a_200_agent_class_fits_the_home_limit(world):
    agents = [
        {
            "slack_id": f"U1AG{i:05d}",
            "name": f"Agent {i:03d} Example",
            "n_number": f"N{i:07d}",
            "npn": f"{1000 + i}",
        }
        for i in range(200)
    ]
    import_cohort(world, agents=agents)
    for i in range(0, 40, 2):  # 20 open red flags in one class
        world.driver.command(
            "/redflag", f"<@U1AG{i:05d}|a> background Finding {i}", user=TL, channel=CLASS, settle=False
        )
    world.settle()
    view = open_home(world, TL)
    assert len(view["blocks"]) <= 100
    shown = text_of(view)
    assert "200 agents" in shown and "20 open red flags" in shown
    listed = [line for line in shown.splitlines() if line.startswith("*Agent ")]
    assert len(listed) == 200
    assert "and 15 more open red flags" in shown
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in view["blocks"])


def test_several_big_classes_stay_under_the_limit(world):
    for n in range(3):
        agents = [
            {
                "slack_id": f"U{n}BG{i:05d}",
                "name": f"Big{n} Agent {i:03d}",
                "n_number": f"N{n}{i:06d}",
                "npn": f"{n}{1000 + i}",
            }
            for i in range(200)
        ]
        import_cohort(world, name=f"Class {n}", channel=f"C0BIG{n:04d}", agents=agents)
    view = open_home(world, TL)
    assert len(view["blocks"]) <= 100
    shown = text_of(view)
    assert all(f"Class {n}" in shown for n in range(3))
