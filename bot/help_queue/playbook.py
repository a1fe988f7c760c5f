"""The help queue's playbook sections: tech-issue topics and their steps, breakout rooms."""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.config.strict import Strict


class TechTopic(Strict):
    """A common tech problem: words that point to it, and what to try, in order."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    keywords: list[str] = Field(min_length=1)
    steps: list[str] = Field(min_length=1)


class TechIssues(Strict):
    """What /techissue answers: a topic matched by keywords, else the general checklist."""

    topics: list[TechTopic] = Field(default_factory=list)
    general: list[str] = Field(
        default_factory=lambda: [
            "Close the app or page and open it again.",
            "Check your internet connection; restart your router if other sites are slow too.",
            "Restart your computer.",
        ],
        min_length=1,
    )

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, value: list[TechTopic]) -> list[TechTopic]:
        keys = [t.key for t in value]
        if len(set(keys)) != len(keys):
            raise ValueError("tech issue topic keys must be unique")
        return value


class HelpQueuePolicy(Strict):
    max_breakout_room: int = Field(default=50, ge=1, le=200)
