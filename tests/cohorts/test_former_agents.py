"""Agents in no active class, as an insider meets them: `/cohort add` must not read out their
N-Number and NPN to a TL the policy does not let read that person, and an agent who moved to
production comes back into a class only on purpose (reopened, recorded), never half of each."""

from __future__ import annotations

from sqlalchemy import select

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from db.models import AuditEntry, Enrollment, Person
from tests.cohorts.test_cohort_roles_identity import CLASS2, TL2, _count, _say, _second_class
from tests.cohorts.test_roster import _preview, _roster_values, _text, _tsv
from tests.helpers import ANA, CLASS, PM, TL, import_cohort, sample_cohort

ANA_N, ANA_NPN = "N1234567", "19283746"


def _moved_to_production(world, slack_id: str = ANA) -> int:
    """What the PM's Moved to production button writes."""
    with world.ctx.db.session() as session:
        pm = session.scalar(select(Person).where(Person.slack_user_id == PM))
        person = session.scalar(select(Person).where(Person.slack_user_id == slack_id))
        assert pm is not None and person is not None
        enrollment = session.scalar(select(Enrollment).where(Enrollment.person_id == person.id))
        assert enrollment is not None
        enrollment.status = "production"
        enrollment.moved_to_production_at = world.clock.now()
        enrollment.moved_to_production_by_id = pm.id
        return enrollment.id


def _enrollments(world, slack_id: str = ANA) -> list[tuple[str, str, bool]]:
    """(cohort channel, status, moved to production?) of each of the agent's enrollments."""
    with world.ctx.db.session() as session:
        rows = session.scalars(
            select(Enrollment)
            .join(Person, Enrollment.person_id == Person.id)
            .where(Person.slack_user_id == slack_id)
            .order_by(Enrollment.id)
        )
        return [(e.cohort.channel_id, e.status, e.moved_to_production_at is not None) for e in rows]


def _posted(world) -> str:
    return " ".join(str(m) for m in world.slack.calls())


# -- identity fields ---------------------------------------------------------------------------
def test_a_tl_adding_a_former_agent_with_wrong_numbers_learns_nothing_of_their_record(world):
    import_cohort(world)
    _second_class(world)
    _moved_to_production(world)
    before = _count(world, AuditEntry)

    answer = _say(world, f"add <@{ANA}|ana> N7654321 11111111", user=TL2, channel=CLASS2)

    assert "not the one on record" in answer and "nothing was saved" in answer
    assert ANA_N not in _posted(world) and ANA_NPN not in _posted(world)
    assert _count(world, AuditEntry) == before
    assert _enrollments(world) == [(CLASS, "production", True)]


def test_a_tl_adding_someone_removed_from_another_class_learns_nothing_either(world):
    import_cohort(world)
    _second_class(world)
    spec = parse_cohort(sample_cohort(agents=sample_cohort()["agents"][1:]), world.ctx.playbook)
    with world.ctx.db.session() as session:
        cohorts.import_cohort(session, spec, actor="cli", now=world.clock.now())  # Ana is removed
    answer = _say(world, f"add <@{ANA}|ana> N7654321 {ANA_NPN}", user=TL2, channel=CLASS2)
    assert "not the one on record" in answer and ANA_N not in _posted(world)


def test_the_own_classes_tl_is_still_shown_what_is_on_record(world):
    import_cohort(world)
    answer = _say(world, f"add <@{ANA}|ana> N7654321 11111111")
    assert f"N-Number {ANA_N} (you typed N7654321)" in answer


# -- moved to production -------------------------------------------------------------------------
def test_re_adding_an_agent_who_moved_to_production_is_refused_with_what_to_do(world):
    import_cohort(world)
    _moved_to_production(world)
    before = _count(world, AuditEntry)

    answer = _say(world, f"add <@{ANA}|ana> {ANA_N} {ANA_NPN}")

    assert "moved to production on" in answer and "nothing was saved" in answer
    assert f"/cohort add <@{ANA}> N-Number NPN reopen" in answer
    assert _enrollments(world) == [(CLASS, "production", True)]
    assert _count(world, AuditEntry) == before


def test_reopen_brings_them_back_whole_and_is_recorded(world):
    cid = import_cohort(world)
    enrollment_id = _moved_to_production(world)

    answer = _say(world, f"add <@{ANA}|ana> {ANA_N} {ANA_NPN} reopen")

    assert "back in training" in answer
    assert _enrollments(world) == [(CLASS, "active", False)]  # active, and no longer moved
    with world.ctx.db.session() as session:
        assert ANA in [p.slack_user_id for p in cohorts.active_agents(session, cid)]
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "enrollment.reopened"))
        assert entry.actor == TL and entry.entity_id == str(enrollment_id)
        assert entry.details["reopened"]["moved_to_production_at"]


def test_reopen_into_another_class_keeps_the_production_record_of_the_first(world):
    import_cohort(world)
    _second_class(world)
    _moved_to_production(world)
    assert "moved to production" in _say(
        world, f"add <@{ANA}|ana> {ANA_N} {ANA_NPN}", user=TL2, channel=CLASS2
    )

    answer = _say(world, f"add <@{ANA}|ana> {ANA_N} {ANA_NPN} reopen", user=TL2, channel=CLASS2)

    assert "back in training" in answer
    assert _enrollments(world) == [(CLASS, "production", True), (CLASS2, "active", False)]


def test_re_importing_the_class_file_leaves_a_moved_agent_in_production(world):
    import_cohort(world)
    _moved_to_production(world)
    import_cohort(world)  # the same file again: changes nothing
    assert _enrollments(world) == [(CLASS, "production", True)]


def test_another_classs_file_listing_a_moved_agent_is_refused_whole(world):
    import_cohort(world)
    _moved_to_production(world)
    _second_class(world)
    raw = sample_cohort(
        name="Class two",
        channel=CLASS2,
        team_lead=TL2,
        production_manager="U0PM0002",
        agents=[{"slack_id": ANA, "name": "Ana Ruiz", "n_number": ANA_N, "npn": ANA_NPN}],
    )
    spec = parse_cohort(raw, world.ctx.playbook)
    try:
        with world.ctx.db.session() as session:
            cohorts.import_cohort(session, spec, actor="cli", now=world.clock.now())
    except Exception as exc:  # noqa: BLE001 - the refusal is what is under test
        assert "moved to production" in str(getattr(exc, "message", exc)) and "reopen" in str(
            getattr(exc, "message", exc)
        )
    else:
        raise AssertionError("the import enrolled an agent who moved to production")
    assert _enrollments(world) == [(CLASS, "production", True)]


# -- the roster pasted in Slack ----------------------------------------------------------------
def _roster_preview(world, rows, *, user: str, channel: str) -> str:
    world.driver.command("/cohort", "roster", user=user, channel=channel)
    modal = world.slack.calls("views.open")[-1].args["view"]
    reply = world.driver.submit_view(
        "cohort_roster", _roster_values(_tsv(rows)), user=user, private_metadata=modal["private_metadata"]
    )
    return _text(_preview(world, reply))


def test_a_roster_listing_a_moved_agent_names_the_row_with_what_to_do_and_writes_nothing(world):
    import_cohort(world)
    _second_class(world)
    _moved_to_production(world)
    before = _count(world, AuditEntry)

    text = _roster_preview(world, [(ANA, "Ana Ruiz", ANA_N, ANA_NPN, "")], user=TL2, channel=CLASS2)

    assert "Row 2 · *Ana Ruiz*" in text and "moved to production" in text
    assert "/cohort add @Ana Ruiz N-Number NPN reopen" in text
    assert _enrollments(world) == [(CLASS, "production", True)]
    assert _count(world, AuditEntry) == before


def test_a_roster_row_with_wrong_numbers_for_someone_elses_agent_learns_nothing_of_the_record(world):
    import_cohort(world)
    _second_class(world)
    _moved_to_production(world)

    text = _roster_preview(world, [(ANA, "Ana Ruiz", "N7654321", "11111111", "")], user=TL2, channel=CLASS2)

    assert "Row 2 · *Ana Ruiz*" in text and "not the one on record" in text
    assert ANA_N not in text and ANA_NPN not in text
    # The roster modal's placeholder is an example row that happens to be Ana's; nothing else says it.
    sent = " ".join(str(c) for c in world.slack.calls() if c.method != "views.open")
    assert ANA_N not in sent and ANA_NPN not in sent
