"""The red flags' playbook section: categories and who hears of them."""

from __future__ import annotations

from pydantic import Field

from bot.config.strict import Strict


class RedFlagCategory(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)


def _default_red_flag_categories() -> list[RedFlagCategory]:
    return [
        RedFlagCategory(key="background", label="Carrier background-check finding"),
        RedFlagCategory(key="release", label="Needs a release"),
        RedFlagCategory(key="license", label="No health license"),
    ]


class RedFlagPolicy(Strict):
    """/redflag: the categories a TL may name first (`/redflag @agent background ...`); optional."""

    categories: list[RedFlagCategory] = Field(default_factory=_default_red_flag_categories)
    notify_esp_managers: bool = True  # besides the cohort's PM
