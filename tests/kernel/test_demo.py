"""`training-day demo`, the README's first command: it runs on its own and shows the whole class."""

from __future__ import annotations

import io
import time

from bot.demo.script import run_demo


def test_the_demo_plays_the_class_in_order_and_quickly(tmp_path):
    out = io.StringIO()
    started = time.monotonic()
    assert run_demo(out, tmp_path) == 0
    elapsed = time.monotonic() - started
    transcript = out.getvalue()
    moments = [
        "looks like an NPN, not an N-Number",  # the N-Number guard
        "[DM to Ana Ruiz]",  # the G2T link, the day before
        "Good morning! Day 1 of 3",  # the pinned morning post
        "marked tardy: Dev Patel",  # the tardy line of the TL's digest after the break
        "marked *MIA*:",  # Ben forgot to lower his hand
        "*Ben Okafor*: Excused by @Tess",  # the TL excused him: the MIA line changed in place
        "*Join breakout room 3*",  # help claimed into a room
        "Saved: *Verbal coaching* for *Ana Ruiz*",  # a coaching
        "1st of 3 attempts",  # a failed exam
        "[DM to Paolo (production manager)]",  # ... the PM hears of it
        "*Resolved* by Erin",  # a red flag resolved
        # HR records: the Written CAP as the TL's DOCX, saved; the agent's acknowledgement; who read.
        "the TL received cap-ana-ruiz-written-2026-12-01.docx",
        "    Agent: Ana Ruiz\n",  # read back from the DOCX
        f"CAP saved: {tmp_path.resolve() / 'cap-ana-ruiz-written-2026-12-01.docx'}",
        ":white_check_mark: Acknowledged Tue Dec 1, 11:13 AM CST.",
        "Who read: Ana Ruiz",
        "*Paolo* · coaching history",
        "Attendance – AHIP/Aetna class - Dec 1, day 1",  # the end-of-day DM
        "is ESP-complete",  # the PM's DM
        # GoTo Training: the G2T made, a personal link, the start link, real minutes.
        "GoTo Training now has 'AHIP/Aetna class - Dec 7'",
        "https://global.gototraining.com/join/training/",
        "Start the training",
        "*Finn Cole*: Tardy > 1 hour (up to half the shift) · no check-in · G2T: 7 h 00 min",
        # The first class's pictures, from the PM's Home, saved where a newcomer can open them.
        "3 pictures of AHIP/Aetna class - Dec 1",
        f"picture saved: {tmp_path.resolve() / 'funnel-2026-12-07.png'}",
    ]
    positions = [transcript.find(m) for m in moments]
    assert all(p >= 0 for p in positions), [m for m, p in zip(moments, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "Traceback" not in transcript and "<@U" not in transcript
    assert elapsed < 60
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert saved == [
        "attendance-ahip-aetna-class-dec-1-2026-12-07.png",
        "cap-ana-ruiz-written-2026-12-01.docx",
        "funnel-2026-12-07.png",
        "pass-rates-2026-12-07.png",
    ]
    pictures = [name for name in saved if name.endswith(".png")]
    assert all((tmp_path / name).read_bytes().startswith(b"\x89PNG") for name in pictures)
    assert (tmp_path / "cap-ana-ruiz-written-2026-12-01.docx").read_bytes().startswith(b"PK")
