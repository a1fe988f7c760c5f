"""The playbook loads, and a broken one names the field and the reason."""

from __future__ import annotations

from datetime import time

import pytest
import yaml

from bot.config.playbook import PlaybookError, load_playbook
from bot.config.settings import SHIPPED_PLAYBOOK


def _write(tmp_path, mutate):
    raw = yaml.safe_load(SHIPPED_PLAYBOOK.read_text())
    mutate(raw)
    path = tmp_path / "playbook.yml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_shipped_playbook_has_the_teams_default_day():
    playbook = load_playbook(SHIPPED_PLAYBOOK)
    assert playbook.day.day_start == time(8, 0) and playbook.day.day_end == time(17, 0)
    assert [(b.start, b.minutes, b.lunch) for b in playbook.day.breaks] == [
        (time(10, 0), 15, False),
        (time(12, 0), 30, True),
        (time(14, 30), 15, False),
    ]
    assert {c.key for c in playbook.carriers} >= {"ahip", "aetna"}
    assert playbook.timing.g2t_lead_hours >= 24
    assert "never your NPN" in playbook.formats.n_number_warning


def test_lead_time_under_24_hours_is_refused(tmp_path):
    path = _write(tmp_path, lambda raw: raw["timing"].update(g2t_lead_hours=12))
    with pytest.raises(PlaybookError, match=r"timing\.g2t_lead_hours: .*greater than or equal to 24"):
        load_playbook(path)


def test_overlapping_breaks_are_refused(tmp_path):
    def overlap(raw):
        raw["day"]["breaks"] = [{"start": "10:00", "minutes": 30}, {"start": "10:15", "minutes": 15}]

    with pytest.raises(PlaybookError, match=r"day: .*overlaps"):
        load_playbook(_write(tmp_path, overlap))


def test_unknown_field_and_missing_guide_are_named(tmp_path):
    def break_it(raw):
        raw["surprise"] = 1
        del raw["guides"]["aetna"]

    with pytest.raises(PlaybookError) as info:
        load_playbook(_write(tmp_path, break_it))
    assert "guides.aetna: Field required" in str(info.value)
    assert "surprise: Extra inputs are not permitted" in str(info.value)


def test_unreadable_and_invalid_yaml(tmp_path):
    with pytest.raises(PlaybookError, match="cannot read"):
        load_playbook(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("day: [unclosed")
    with pytest.raises(PlaybookError, match="not valid YAML"):
        load_playbook(bad)


def test_unquoted_yaml_times_are_understood(tmp_path):
    def unquoted(raw):
        raw["day"] = {"day_start": 480, "day_end": 1020, "breaks": [{"start": 600, "minutes": 15}]}

    playbook = load_playbook(_write(tmp_path, unquoted))
    assert playbook.day.breaks[0].start == time(10, 0)
