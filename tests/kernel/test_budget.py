"""The notification budget's digest, through the outbox and the stand-in: one line per event key,
one message per person and moment (also when replicas write it at once), posted at its moment and
updated in place, cut within Slack's 50 blocks with a pointer to the Home, and a line revised in
place when its card changes."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import budget, outbox
from bot.slack import ids
from tests.helpers import TL, add_staff, notices_to, text_of

CHI = ZoneInfo("America/Chicago")


def _fold(world, key: str, text: str = "Ben Okafor is MIA", blocks=None) -> str | None:
    with world.ctx.db.session() as session:
        return budget.enqueue(
            session,
            world.ctx.playbook,
            key=key,
            kind="mia_alert",
            recipient=TL,
            text=text,
            blocks=blocks,
            now=world.clock.now(),
        )


def _deliver(world, keys) -> None:
    outbox.deliver(world.ctx.db, world.ctx.client, [k for k in keys if k], world.clock.now())


def _mia_blocks(n: int) -> list[dict]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Agent {n}* marked MIA"}},
        {
            "type": "actions",
            "block_id": "mia",
            "elements": [
                {
                    "type": "button",
                    "action_id": ids.ACTION_MIA_EXCUSE,
                    "text": {"type": "plain_text", "text": "Excuse"},
                    "value": str(n),
                }
            ],
        },
    ]


def test_lines_wait_for_the_moment_then_one_message_takes_the_rest_in_place(world):
    add_staff(world)
    world.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=CHI))
    first = _fold(world, "mia:1", blocks=_mia_blocks(1))
    assert _fold(world, "mia:1", blocks=_mia_blocks(1)) is None  # the same event again: no second line
    _deliver(world, [first])
    assert world.slack.dms_to(TL) == []  # it waits for the break
    world.advance_to(datetime(2026, 12, 1, 10, 15, tzinfo=CHI))
    [digest] = world.slack.dms_to(TL)
    assert "Your digest for 10:15 AM" in text_of(digest)
    world.clock.set(datetime(2026, 12, 1, 10, 20, tzinfo=CHI))  # still open: the MIA check adds in place
    _deliver(world, [_fold(world, "mia:2", blocks=_mia_blocks(2))])
    assert len(world.slack.dms_to(TL)) == 1 and len(world.slack.updates()) == 1
    lines = notices_to(world, TL)
    assert [text_of(line).split("\n")[0] for line in lines] == [
        "*Agent 1* marked MIA",
        "*Agent 2* marked MIA",
    ]
    # Each line keeps its own button; two lines' equal block ids are told apart.
    assert [b["block_id"] for line in lines for b in line["blocks"] if b["type"] == "actions"] == [
        "mia",
        "mia.2",
    ]
    assert world.slack.rejected() == []
    # After its open minutes, a line waits for the next moment's message.
    world.clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=CHI))
    _deliver(world, [_fold(world, "mia:3")])
    assert len(world.slack.dms_to(TL)) == 1
    world.advance_to(datetime(2026, 12, 1, 12, 30, tzinfo=CHI))
    assert len(world.slack.dms_to(TL)) == 2


def test_a_revised_line_changes_in_place(world):
    add_staff(world)
    world.clock.set(datetime(2026, 12, 1, 10, 16, tzinfo=CHI))
    _deliver(world, [_fold(world, "mia:1", blocks=_mia_blocks(1))])
    with world.ctx.db.session() as session:
        key = budget.revise(
            session,
            world.ctx.playbook,
            "mia:1",
            "Excused",
            [{"type": "section", "text": {"type": "mrkdwn", "text": "*Agent 1*: Excused"}}],
            world.clock.now(),
        )
    _deliver(world, [key])
    assert len(world.slack.dms_to(TL)) == 1
    [line] = notices_to(world, TL)
    assert text_of(line) == "*Agent 1*: Excused"


def test_sixty_lines_fit_in_fifty_blocks_and_point_to_the_home(world):
    add_staff(world)
    world.clock.set(datetime(2026, 12, 1, 10, 16, tzinfo=CHI))
    keys = [_fold(world, f"mia:{n}", blocks=_mia_blocks(n)) for n in range(1, 61)]
    _deliver(world, keys)
    [digest] = world.slack.seen_by(TL)
    assert len(digest["blocks"]) <= 50
    assert "did not fit here: the Home tab" in text_of(digest)
    assert world.slack.rejected() == []


def test_replicas_folding_at_once_share_one_digest(world):
    add_staff(world)
    world.clock.set(datetime(2026, 12, 1, 10, 16, tzinfo=CHI))
    keys: list[str | None] = []
    errors: list[BaseException] = []

    def one(n: int) -> None:
        try:
            keys.append(_fold(world, f"mia:{n}"))
        except BaseException as exc:  # noqa: BLE001 - a lost race would show here
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _deliver(world, keys)
    outbox.retry_failed(world.ctx.db, world.ctx.client, world.clock.now())
    assert len(world.slack.dms_to(TL)) == 1
    assert len(notices_to(world, TL)) == 4 - len(errors)
