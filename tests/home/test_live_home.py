"""A live App Home: a change a Home shows republishes the Homes of the people concerned who have
opened theirs, coalesced to one publish per person per interval; nobody else's."""

from __future__ import annotations

import time

from bot.home import refresh as home_refresh
from db.models import RedFlag
from tests.helpers import ANA, BEN, CLASS, PM, TL, import_cohort, text_of
from tests.home.test_app_home import open_home
from tests.red_flags.test_red_flags import submit_resolution


def _refresher(world) -> home_refresh.Refresher:
    refresher = home_refresh.refresher_of(world.ctx)
    assert refresher is not None
    return refresher


def _publishes(world, user: str) -> int:
    return len([c for c in world.slack.calls("views.publish") if c.args.get("user_id") == user])


def test_a_tracker_change_republishes_the_homes_of_those_who_opened_them(world):
    import_cohort(world)
    refresher = _refresher(world)
    refresher.interval = 0.3
    open_home(world, TL)
    open_home(world, ANA)
    assert "AHIP ○" in text_of(world.slack.state.home[ANA])
    # Publishes the set-up itself caused (the opens, the import) land first; count from there.
    assert refresher.wait_idle(10)
    before = {u: _publishes(world, u) for u in (TL, ANA, PM, BEN)}

    world.driver.command("/esp", f"<@{ANA}|ana> ahip=complete", user=TL, channel=CLASS)
    assert refresher.wait_idle(10)
    assert _publishes(world, TL) == before[TL] + 1
    assert _publishes(world, ANA) == before[ANA] + 1
    assert "AHIP ✓" in text_of(world.slack.state.home[ANA])
    assert "AHIP ✓" in text_of(world.slack.state.home[TL])
    # Never opened: nothing is published to them.
    assert _publishes(world, PM) == before[PM] and _publishes(world, BEN) == before[BEN]


def test_a_burst_of_changes_is_coalesced(world):
    import_cohort(world)
    refresher = _refresher(world)
    refresher.interval = 1.0
    open_home(world, TL)
    before = _publishes(world, TL)
    began = time.monotonic()
    for item in ("ahip", "aetna", "tbt", "callcert", "equipment"):
        world.driver.command("/esp", f"<@{ANA}|ana> {item}=complete", user=TL, channel=CLASS)
    assert refresher.wait_idle(10)
    took = time.monotonic() - began
    published = _publishes(world, TL) - before
    # At most one publish per interval, and the last one shows everything.
    assert 1 <= published <= int(took / refresher.interval) + 1
    assert "Equipment ✓" in text_of(world.slack.state.home[TL])


def test_a_rolled_back_change_publishes_nothing(world):
    import_cohort(world)
    refresher = _refresher(world)
    refresher.interval = 0.2
    open_home(world, TL)
    # The set-up's own republishes land first, however slow the machine.
    assert refresher.wait_idle(5)
    before = _publishes(world, TL)
    world.driver.command("/esp", f"<@{ANA}|ana> ahip=bogus", user=TL, channel=CLASS)
    assert refresher.wait_idle(5)
    time.sleep(0.3)
    assert _publishes(world, TL) == before


def test_a_help_request_claimed_and_a_red_flag_resolved_republish_too(world):
    import_cohort(world)
    refresher = _refresher(world)
    refresher.interval = 0.2
    open_home(world, TL)
    open_home(world, ANA)
    world.driver.command("/needhelp", "my audio is gone", user=ANA, channel=CLASS)
    assert refresher.wait_idle(10)
    assert ":raising_hand:" in text_of(world.slack.state.home[TL])
    world.driver.command("/redflag", f"<@{ANA}|ana> Misdemeanor found", user=TL, channel=CLASS)
    assert refresher.wait_idle(10)
    assert "Misdemeanor found" in text_of(world.slack.state.home[TL])
    with world.ctx.db.session() as session:
        flag_id = session.query(RedFlag.id).scalar()
    before = _publishes(world, TL)
    reply = submit_resolution(world, TL, flag_id, "Cleared by HR")
    assert reply.status == 200
    assert refresher.wait_idle(10)
    assert _publishes(world, TL) == before + 1
    assert "Misdemeanor found" not in text_of(world.slack.state.home[TL])
