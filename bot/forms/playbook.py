"""The tracking forms' playbook sections: what each form needs, and the evening check."""

from __future__ import annotations

from pydantic import Field, model_validator

from bot.config.strict import Strict


class ExpectedForm(Strict):
    kind: str = Field(min_length=1)  # the form kind as /forms stores it (cert, tbt, callcert, ...)
    carrier: str | None = None  # for carrier forms: which carrier's form is expected
    esp_item: str | None = None  # not expected once this ESP tracker item is complete
    label: str = Field(min_length=1)


class ExpectedForDay(Strict):
    day: int = Field(ge=1, le=10)
    forms: list[ExpectedForm] = Field(default_factory=list)


def _default_expected_forms() -> list[ExpectedForDay]:
    return [
        ExpectedForDay(
            day=3,
            forms=[
                ExpectedForm(
                    kind="cert", carrier="ahip", esp_item="ahip", label="AHIP Carrier Cert Completion"
                ),
                ExpectedForm(
                    kind="cert", carrier="aetna", esp_item="aetna", label="Aetna Carrier Cert Completion"
                ),
            ],
        ),
    ]


class EveningCheckPolicy(Strict):
    """The TL's checklist DM at each training day's end (one reminder follows if items stay open)."""

    expected_forms: list[ExpectedForDay] = Field(default_factory=_default_expected_forms)
    reminder_after_minutes: int = Field(default=30, ge=5, le=240)
    tracker_updated_daily: bool = True  # every agent not yet ESP-complete has a tracker change that day
    open_red_flags: bool = True

    def forms_for(self, day: int) -> list[ExpectedForm]:
        return [form for entry in self.expected_forms if entry.day == day for form in entry.forms]


class ProofRule(Strict):
    """A carrier whose Carrier Cert Completion needs a proof file and a ticked confirmation."""

    carrier: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    confirmation: str = Field(min_length=1, max_length=75)  # the checkbox text (Slack's limit is 75)


class FormsPolicy(Strict):
    """The five tracking forms: the proof some carriers need, and the carrier-ticket statuses."""

    proof: list[ProofRule] = Field(
        default_factory=lambda: [
            ProofRule(carrier="aetna", confirmation="The screenshot shows all 13 green checkmarks")
        ]
    )
    ticket_statuses: list[str] = Field(
        default_factory=lambda: ["open", "pending", "escalated", "resolved"], min_length=1
    )
    ticket_closed: list[str] = Field(default_factory=lambda: ["resolved"])  # statuses that end a ticket
    open_ticket_blocks_carrier: bool = True  # an open ticket marks the carrier's ESP item blocked

    def proof_for(self, carrier: str) -> ProofRule | None:
        return next((r for r in self.proof if r.carrier == carrier), None)

    @model_validator(mode="after")
    def _closed_are_statuses(self) -> FormsPolicy:
        unknown = [s for s in self.ticket_closed if s not in self.ticket_statuses]
        if unknown:
            raise ValueError(f"ticket_closed names statuses not in ticket_statuses: {', '.join(unknown)}")
        return self
